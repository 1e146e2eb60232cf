// The page as a user sees it: `twinprof report` on a real profile, a real simulation and a
// validate output, rendered in Debian's headless chromium with the network blocked. Every chart
// must be drawn (a Vega view with data marks), the console must stay free of errors and
// warnings, and the page may request nothing but itself. The screenshot is saved as a test
// artefact: build/test-artifacts/report.png.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../subprocess.h"
#include "headless_chromium.h"
#include "rendered_report.h"
#include "report_fixture.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ReportRenderTest, EveryChartIsDrawnOfflineWithoutConsoleErrors) {
  ASSERT_FALSE(HeadlessChromium::FindExecutable().empty())
      << "chromium is not installed: run scripts/install-deps";
  TempFolder folder;
  ReportInputs inputs = MakeReportInputs(folder.path(), /*measured=*/true, /*explored=*/true);
  ASSERT_FALSE(inputs.measured.empty());
  ASSERT_FALSE(inputs.simulated.empty());
  ASSERT_FALSE(inputs.exploration.empty());
  const std::string page = folder.path() + "/report.html";
  CommandResult report =
      RunTwinprof({"report", inputs.measured, inputs.simulated, inputs.validation,
                   inputs.calibration, inputs.exploration, "-o", page});
  ASSERT_EQ(report.exit_status, 0) << report.out << report.err;

  // Every entry of the timeline's list, chosen as a user does, draws both runs' jobs.
  auto choose_every_run = [](HeadlessChromium& browser) {
    int options =
        browser.Evaluate("document.querySelectorAll('#chart-timeline select option').length");
    EXPECT_EQ(options, 4) << "one entry per measured run, each with its simulated run";
    for (int i = options - 1; i >= 0; --i) {
      json state = browser.Evaluate(
          "(async () => { const s = document.querySelector('#chart-timeline select'); "
          "s.value = '" +
          std::to_string(i) +
          "'; s.dispatchEvent(new Event('change')); s.dispatchEvent(new Event('input')); "
          "const view = twinprofReport.views.timeline; await view.runAsync(); "
          "return {pair: view.signal('pair'), marks: twinprofReport.markCounts().timeline}; })()");
      EXPECT_EQ(state["pair"], i);
      EXPECT_GE(state["marks"].get<int>(), 2 * 16) << "entry " << i;
    }
  };
  json marks = CheckRenderedReport(
      page,
      {"runs-makespan", "timeline", "runtime-cores", "runtime-input", "validation-1",
       "validation-2", "calibration-1", "calibration-2", "explore-1", "explore-2"},
      std::string(TWINPROF_TEST_ARTIFACTS) + "/report.png", choose_every_run);
  // The timeline shows the first measured run's jobs: 4 split and 12 burn jobs, each with up to
  // four phases on its node, and its simulated counterpart's; the phase charts add areas.
  EXPECT_GE(marks.value("timeline", 0), 2 * 16);
  // Runs: 4 measured and 2 simulated points.
  EXPECT_EQ(marks.value("runs-makespan", 0), 6);
  // Validation: 12 configurations x 3 components per predictor, plus the lines and bands.
  EXPECT_GE(marks.value("validation-1", 0), 36);
  // Calibration: 3 parameters (bars and one "not identified" label); 2 components x 3 phases,
  // less blurry-faces' upload (2 ms of its 2.7 s: under 1% of its time, left out).
  EXPECT_EQ(marks.value("calibration-1", 0), 3 + 1);
  EXPECT_EQ(marks.value("calibration-2", 0), 5);
  // Explore: up to 144 candidates, the front, the chosen one, the deadline.
  EXPECT_GE(marks.value("explore-1", 0), 100);
}

// The checks above can fail: a page that fetches from the network and logs an error is seen doing
// both (the request is blocked by DevTools, reason "inspector", before it leaves the machine).
TEST(ReportRenderTest, TheBrowserSeesRequestsAndConsoleErrors) {
  ASSERT_FALSE(HeadlessChromium::FindExecutable().empty())
      << "chromium is not installed: run scripts/install-deps";
  TempFolder folder;
  const std::string page = folder.path() + "/bad.html";
  std::ofstream(page) << "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\">"
                         "<script>console.error('boom'); window.ready = true;</script>"
                         "</body></html>";
  HeadlessChromium browser(HeadlessChromium::Options{});
  browser.Open("file://" + page);
  ASSERT_TRUE(browser.WaitFor("window.ready", 10));
  browser.Evaluate("new Promise(resolve => setTimeout(resolve, 300))");
  bool requested = false;
  for (const std::string& url : browser.RequestedUrls()) {
    requested = requested || url == "http://127.0.0.1:9/x.png";
  }
  EXPECT_TRUE(requested);
  ASSERT_FALSE(browser.FailedRequests().empty());
  EXPECT_NE(browser.FailedRequests().front().find("inspector"), std::string::npos)
      << browser.FailedRequests().front();
  bool boom = false;
  for (const auto& message : browser.ConsoleMessages()) {
    boom = boom || (message.level == "error" && message.text == "boom");
  }
  EXPECT_TRUE(boom);
}

// 10^5 simulated jobs: the reduced page still draws every chart, in the same time budget.
TEST(ReportRenderTest, ALargeRunIsDrawnToo) {
  ASSERT_FALSE(HeadlessChromium::FindExecutable().empty())
      << "chromium is not installed: run scripts/install-deps";
  TempFolder folder;
  const std::string simulated = folder.path() + "/large";
  CommandResult simulate =
      RunTwinprof({"simulate", ReportTestData("large-scenario.yaml"), "-o", simulated});
  ASSERT_EQ(simulate.exit_status, 0) << simulate.err;
  const std::string page = folder.path() + "/large.html";
  CommandResult report = RunTwinprof({"report", simulated, "-o", page});
  ASSERT_EQ(report.exit_status, 0) << report.err;
  json marks =
      CheckRenderedReport(page, {"runs-makespan", "timeline", "runtime-cores", "runtime-input"},
                          std::string(TWINPROF_TEST_ARTIFACTS) + "/report-large.png");
  EXPECT_GE(marks.value("timeline", 0), 3000) << "the first 3000 jobs are drawn";
}

}  // namespace
}  // namespace twinprof::test
