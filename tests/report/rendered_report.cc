#include "rendered_report.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace twinprof::test {

namespace fs = std::filesystem;
using nlohmann::json;

json CheckRenderedReport(const std::string& page, const std::set<std::string>& expected_charts,
                         const std::string& screenshot,
                         const std::function<void(HeadlessChromium&)>& interact) {
  HeadlessChromium::Options options;
  options.height = 1000;
  HeadlessChromium browser(options);
  const std::string url = "file://" + fs::absolute(page).string();
  browser.Open(url);
  EXPECT_TRUE(browser.WaitFor("window.twinprofReport && window.twinprofReport.done", 90))
      << "the charts were not drawn within 90 s";
  json state = browser.Evaluate(
      "({charts: twinprofReport.charts, errors: twinprofReport.errors, "
      "views: Object.keys(twinprofReport.views), marks: twinprofReport.markCounts(), "
      "drawn: document.body.getAttribute('data-report'), "
      "canvases: document.querySelectorAll('.chart canvas').length})");
  EXPECT_EQ(state["errors"], json::array()) << state.dump(1);
  EXPECT_EQ(state["drawn"], "drawn");
  std::set<std::string> charts = state["charts"].get<std::set<std::string>>();
  std::set<std::string> views = state["views"].get<std::set<std::string>>();
  EXPECT_EQ(charts, expected_charts);
  EXPECT_EQ(views, expected_charts) << "every chart must have a Vega view";
  EXPECT_EQ(state["canvases"].get<size_t>(), expected_charts.size());
  for (const std::string& chart : expected_charts) {
    EXPECT_GT(state["marks"].value(chart, 0), 0) << chart << " drew no data mark";
  }
  if (interact) interact(browser);
  // The console: no error, no warning (Vega logs its warnings there).
  for (const auto& message : browser.ConsoleMessages()) {
    EXPECT_TRUE(message.level != "error" && message.level != "warning")
        << message.level << ": " << message.text;
  }
  // Nothing but the page itself (and data: URLs Vega may make) was requested.
  for (const std::string& requested : browser.RequestedUrls()) {
    EXPECT_TRUE(requested == url || requested.rfind("data:", 0) == 0 ||
                requested.rfind("blob:", 0) == 0)
        << "the page requested " << requested;
  }
  EXPECT_EQ(browser.FailedRequests(), std::vector<std::string>{});
  fs::create_directories(fs::path(screenshot).parent_path());
  browser.Screenshot(screenshot);
  EXPECT_GT(fs::file_size(screenshot), 20000u);
  return state["marks"];
}

}  // namespace twinprof::test
