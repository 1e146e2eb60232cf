#include "report_fixture.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "../subprocess.h"

namespace twinprof::test {

namespace fs = std::filesystem;

TempFolder::TempFolder() {
  std::string pattern = (fs::temp_directory_path() / "twinprof-report-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempFolder::~TempFolder() {
  std::error_code error;
  fs::remove_all(path_, error);
}

std::string ReportTestData(const std::string& name) {
  return std::string(TWINPROF_SOURCE_DIR) + "/tests/data/report/" + name;
}

ReportInputs MakeReportInputs(const std::string& folder, bool measured, bool explored) {
  ReportInputs inputs;
  if (measured) {
    std::string results = folder + "/measured";
    CommandResult profile =
        RunTwinprof({"profile", ReportTestData("campaign.yaml"), "-o", results, "-q"});
    EXPECT_EQ(profile.exit_status, 0) << profile.out << profile.err;
    if (profile.exit_status == 0) inputs.measured = results;
  }
  std::string simulated = folder + "/simulated";
  CommandResult simulate =
      RunTwinprof({"simulate", ReportTestData("scenario.yaml"), "-o", simulated, "--sweep",
                   "resources.burn.cpu=0.5,1", "-j", "2"});
  EXPECT_EQ(simulate.exit_status, 0) << simulate.out << simulate.err;
  if (simulate.exit_status == 0) inputs.simulated = simulated;
  inputs.validation = ReportTestData("validate");
  inputs.calibration =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/calibration.yaml";
  if (explored) {
    std::string explored_dir = folder + "/explored";
    CommandResult explore = RunTwinprof(
        {"explore", std::string(TWINPROF_SOURCE_DIR) + "/tests/explore/data/small-space.yaml", "-o",
         explored_dir, "-j", "2", "-q"});
    EXPECT_EQ(explore.exit_status, 0) << explore.out << explore.err;
    if (explore.exit_status == 0) inputs.exploration = explored_dir;
  }
  return inputs;
}

}  // namespace twinprof::test
