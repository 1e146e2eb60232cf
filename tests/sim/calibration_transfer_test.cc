// A calibration fitted on another platform (its reference node type is not in the scenario's
// platform) is transferred: its behaviours apply, the measured platform's speeds, storage and
// overheads do not (docs/formats.md, "Calibration file", "On another platform").
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "sim/scenario.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

const std::string kScenario =
    std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/scenario-calibrated.yaml";

class CalibrationTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        (fs::temp_directory_path() / ("twinprof-transfer-" + std::to_string(::getpid()) + ".yaml"))
            .string();
  }
  void TearDown() override { fs::remove(path_); }
  void Write(const std::string& reference) {
    std::ofstream(path_) << "format: twinprof-calibration-1\n"
                            "workflow: mask-detection\n"
                            "reference_node_type: "
                         << reference
                         << "\n"
                            "behaviour:\n"
                            "  blurry-faces:\n"
                            "    work: {base: 5e9, per_byte: 7}\n"
                            "    serial_fraction: 0.3\n"
                            "    interference: {local: 0.2}\n"
                            "node_types: {local: {speed: 2Gf}}\n"
                            "clusters: {local: {storage: {bandwidth: 1GBps, latency: 0.1ms}}}\n"
                            "overheads: {scheduling: 0s, pod_start: 0s}\n";
  }
  std::string path_;
};

TEST_F(CalibrationTransferTest, BehavioursApplyAndTheMeasuredPlatformDoesNot) {
  Write("local");
  sim::Scenario scenario = sim::LoadScenario(kScenario, {{"calibration", path_}});
  std::optional<workflow::ComponentId> id = scenario.workflow.Find("blurry-faces");
  ASSERT_TRUE(id);
  EXPECT_DOUBLE_EQ(scenario.behaviours[*id].work_base, 5e9);
  EXPECT_DOUBLE_EQ(scenario.behaviours[*id].work_per_byte, 7);
  EXPECT_DOUBLE_EQ(scenario.behaviours[*id].serial_fraction, 0.3);
  // The platform keeps its own overheads (platforms/edge-cloud.yaml: pod_start 1.5s), not the
  // measured machine's 0 s.
  EXPECT_DOUBLE_EQ(scenario.platform.overheads.pod_start_s, 1.5);
}

TEST_F(CalibrationTransferTest, OnItsOwnPlatformUnknownNodeTypesAreStillErrors) {
  Write("vm-medium");  // the platform has this type: not a transfer, so 'local' is an error
  try {
    sim::LoadScenario(kScenario, {{"calibration", path_}});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no node type 'local'"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, path_);
  }
}

}  // namespace
}  // namespace twinprof::test
