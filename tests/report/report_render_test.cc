// The page as a user sees it: `twinprof report` on a real profile, a real simulation and a
// validate output, rendered in Debian's headless chromium with the network blocked. Every chart
// must be drawn (a Vega view with data marks), the console must stay free of errors and
// warnings, and the page may request nothing but itself. The screenshot is saved as a test
// artefact: build/test-artifacts/report.png.

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "../cli/run_command.h"
#include "headless_chromium.h"
#include "report_fixture.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Renders `page` and checks it; returns the mark count of each chart.
json RenderAndCheck(const std::string& page, const std::set<std::string>& expected_charts,
                    const std::string& screenshot) {
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

TEST(ReportRenderTest, EveryChartIsDrawnOfflineWithoutConsoleErrors) {
  ASSERT_FALSE(HeadlessChromium::FindExecutable().empty())
      << "chromium is not installed: run scripts/install-deps";
  TempFolder folder;
  ReportInputs inputs = MakeReportInputs(folder.path(), /*measured=*/true);
  ASSERT_FALSE(inputs.measured.empty());
  ASSERT_FALSE(inputs.simulated.empty());
  const std::string page = folder.path() + "/report.html";
  testing::CommandResult report = testing::RunTwinprof(
      {"report", inputs.measured, inputs.simulated, inputs.validation, "-o", page});
  ASSERT_EQ(report.exit_status, 0) << report.out << report.err;

  json marks = RenderAndCheck(page,
                              {"runs-makespan", "timeline", "runtime-cores", "runtime-input",
                               "validation-1", "validation-2"},
                              std::string(TWINPROF_TEST_ARTIFACTS) + "/report.png");
  // The timeline shows the first measured run's jobs: 4 split and 12 burn jobs, each with up to
  // four phases on its node, and its simulated counterpart's; the phase charts add areas.
  EXPECT_GE(marks.value("timeline", 0), 2 * 16);
  // Runs: 4 measured and 2 simulated points.
  EXPECT_EQ(marks.value("runs-makespan", 0), 6);
  // Validation: 12 configurations x 3 components per predictor, plus the lines and bands.
  EXPECT_GE(marks.value("validation-1", 0), 36);
}

}  // namespace
}  // namespace twinprof::test
