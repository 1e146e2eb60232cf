// README's main job, end to end and small: `twinprof run` on tests/data/pipeline/pipeline-full.yaml
// runs every step (profile the fan-out workflow locally -> export -> train -> calibrate ->
// validate sim, ml and hybrid on the held-out parallelism -> simulate a two-cluster platform ->
// explore 8 mixes -> report), prints what the user came for, and its report.html is checked in
// headless chromium as the report's own render test checks it: every chart drawn, no console
// error, nothing fetched. The screenshot is build/test-artifacts/pipeline-report.png.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../report/headless_chromium.h"
#include "../report/rendered_report.h"
#include "../subprocess.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(PipelineReportTest, EveryStepRunsAndTheReportDrawsEveryChart) {
  ASSERT_FALSE(HeadlessChromium::FindExecutable().empty())
      << "chromium is not installed: run scripts/install-deps";
  const fs::path dir =
      fs::temp_directory_path() / ("twinprof-pipeline-report-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  // A copy of the test data, so that the run writes nothing into the source tree.
  fs::create_directories(dir / "data");
  for (const char* folder : {"pipeline", "profile"}) {
    fs::copy(fs::path(TWINPROF_SOURCE_DIR) / "tests/data" / folder, dir / "data" / folder,
             fs::copy_options::recursive);
  }
  const fs::path out = dir / "out";
  CommandResult run =
      RunTwinprof({"run", (dir / "data/pipeline/pipeline-full.yaml").string(), "-o", out.string()});
  ASSERT_EQ(run.exit_status, 0) << run.out << run.err;

  // Every step ran and left its outputs.
  for (const char* step :
       {"profile", "export", "train", "calibrate", "validate", "simulate", "explore", "report"}) {
    EXPECT_NE(run.out.find(std::string("  ") + step +
                           std::string(9 - std::string(step).size(), ' ') + " ran"),
              std::string::npos)
        << step << " did not run:\n"
        << run.out;
    EXPECT_TRUE(fs::exists(out / step / "step.json")) << step;
  }
  for (const char* output :
       {"profile/results.sqlite", "train/work/best.model", "train/split/best.model",
        "calibrate/calibration.yaml", "validate/validate.csv", "validate/validate.json",
        "simulate/jobs.csv", "explore/candidates.csv", "explore/summary.json",
        "report/report.html"}) {
    EXPECT_TRUE(fs::exists(out / output)) << output;
  }

  // What the user came for, at the end of the output: the held-out configurations' MAPE per
  // predictor, the cheapest mix meeting the deadline, and where the report is.
  const size_t table = run.out.find("validation (MAPE %):");
  ASSERT_NE(table, std::string::npos) << run.out;
  for (const char* predictor : {"\n  sim ", "\n  ml ", "\n  hybrid "}) {
    EXPECT_NE(run.out.find(predictor, table), std::string::npos) << predictor << "\n" << run.out;
  }
  EXPECT_NE(run.out.find("extrapolation", table), std::string::npos);
  EXPECT_NE(run.out.find("cheapest mix meeting the constraints: candidate"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("report: " + (out / "report/report.html").string()), std::string::npos)
      << run.out;

  // The validation holds every predictor, on the held-out (parallelism 2) configurations.
  json validation;
  std::ifstream(out / "validate/validate.json") >> validation;
  std::ostringstream dump;
  dump << validation;
  for (const char* predictor : {"\"sim\"", "\"ml\"", "\"hybrid\""}) {
    EXPECT_NE(dump.str().find(predictor), std::string::npos) << predictor;
  }

  // The report: every section's charts, drawn offline without a console error.
  json marks = CheckRenderedReport(
      (out / "report/report.html").string(),
      {"runs-makespan", "timeline", "runtime-cores", "runtime-input", "validation-1",
       "validation-2", "validation-3", "calibration-1", "calibration-2", "explore-1", "explore-2"},
      std::string(TWINPROF_TEST_ARTIFACTS) + "/pipeline-report.png");
  // 8 measured runs of 12 jobs each, the calibrated simulator's replay of each (the report's
  // inputs include validate/sim, so every measured run has its simulated twin), and the
  // simulated target's run.
  EXPECT_NE(run.out.find("(8 measured run(s), 9 simulated run(s)"), std::string::npos) << run.out;
  EXPECT_GE(marks.value("runs-makespan", 0), 8 + 8 + 1);
  // The exploration's 8 candidates in each of its two charts.
  EXPECT_GE(marks.value("explore-1", 0), 8);
  EXPECT_GE(marks.value("explore-2", 0), 8);

  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace twinprof::test
