// `twinprof report` end to end on real simulate outputs and a validate output: the sections and
// charts that appear, the size of a page for 10^5 jobs, and bad input (exit 2 naming it).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../subprocess.h"
#include "report/report_data.h"
#include "report_fixture.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReportCommandTest, ShowsTheSectionsOfWhatWasGiven) {
  TempFolder folder;
  ReportInputs inputs = MakeReportInputs(folder.path(), /*measured=*/false);
  ASSERT_FALSE(inputs.simulated.empty());
  const std::string page = folder.path() + "/report.html";

  CommandResult report =
      RunTwinprof({"report", inputs.simulated, "-o", page, "--title", "Split & burn"});
  ASSERT_EQ(report.exit_status, 0) << report.err;
  EXPECT_NE(report.out.find(page + ": 3 section(s), 4 chart(s)"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("0 measured run(s), 2 simulated run(s)"), std::string::npos);
  std::string html = ReadFile(page);
  EXPECT_NE(html.find("<title>Split &amp; burn</title>"), std::string::npos);
  for (const std::string id : {"runs-makespan", "timeline", "runtime-cores", "runtime-input"}) {
    EXPECT_NE(html.find("id=\"chart-" + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("id=\"validation\""), std::string::npos) << "no validate output was given";
  EXPECT_NE(html.find(inputs.simulated), std::string::npos) << "the inputs table names it";
  for (const auto& entry : fs::directory_iterator(folder.path())) {  // no temporary is left
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "report.html" || name.rfind("report.html", 0) != 0) << name;
  }

  // With the validate output: one more section, a chart per predictor and the MAPE table.
  CommandResult with_validation =
      RunTwinprof({"-v", "report", inputs.simulated, inputs.validation, "-o", page});
  ASSERT_EQ(with_validation.exit_status, 0) << with_validation.err;
  EXPECT_NE(with_validation.out.find("4 section(s), 6 chart(s)"), std::string::npos)
      << with_validation.out;
  EXPECT_NE(with_validation.out.find("chart: validation-2"), std::string::npos);
  html = ReadFile(page);
  EXPECT_NE(html.find("MAPE (%) and number of cells"), std::string::npos);
  EXPECT_NE(
      html.find(
          "Predictor sim: makespan MAPE 4.64% (training), 4.25% (extrapolation), 4.38% (all)"),
      std::string::npos);
}

// 10^5 simulated jobs: the page stays a few MB, and says how it reduced the data.
TEST(ReportCommandTest, LargeRunMakesASmallPageThatSaysItWasReduced) {
  TempFolder folder;
  const std::string simulated = folder.path() + "/large";
  CommandResult simulate =
      RunTwinprof({"simulate", ReportTestData("large-scenario.yaml"), "-o", simulated});
  ASSERT_EQ(simulate.exit_status, 0) << simulate.err;
  const std::string page = folder.path() + "/large.html";
  CommandResult report = RunTwinprof({"report", simulated, "-o", page});
  ASSERT_EQ(report.exit_status, 0) << report.err;
  EXPECT_NE(report.out.find("data reduced"), std::string::npos) << report.out;
  size_t bytes = fs::file_size(page);
  EXPECT_LT(bytes, 4'000'000u) << "a page for 10^5 jobs must stay small";
  std::string html = ReadFile(page);
  EXPECT_NE(html.find("draws at most 3000 jobs per run"), std::string::npos);
  EXPECT_NE(html.find("of 100000 jobs"), std::string::npos);
  EXPECT_NE(html.find("Points are sampled: 3000 of 100000 jobs are drawn"), std::string::npos);
}

TEST(ReportCommandTest, AFolderThatIsNoKnownOutputIsRefusedNamingIt) {
  TempFolder folder;
  const std::string stray = folder.path() + "/holiday-photos";
  fs::create_directories(stray);
  std::ofstream(stray + "/beach.jpg") << "not a twinprof output";
  ReportInputs inputs = MakeReportInputs(folder.path(), /*measured=*/false);
  const std::string page = folder.path() + "/report.html";
  CommandResult report = RunTwinprof({"report", inputs.simulated, stray, "-o", page});
  EXPECT_EQ(report.exit_status, 2);
  EXPECT_NE(report.err.find(stray + ": error: not a twinprof output folder"), std::string::npos)
      << report.err;
  EXPECT_FALSE(fs::exists(page)) << "nothing is written when an input is bad";

  report = RunTwinprof({"report", folder.path() + "/missing", "-o", page});
  EXPECT_EQ(report.exit_status, 2);
  EXPECT_NE(report.err.find("missing: error: no such file or folder"), std::string::npos)
      << report.err;
  report = RunTwinprof({"report", "-o", page});
  EXPECT_EQ(report.exit_status, 2) << "inputs are required";
}

}  // namespace
}  // namespace twinprof::test
