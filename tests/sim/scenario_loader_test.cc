#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/scenario.h"

namespace twinprof {
namespace {

namespace fs = std::filesystem;

const std::string kExample =
    std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/scenario.yaml";

// The example of docs/formats.md, "Scenario".
TEST(LoadScenario, DocumentedExample) {
  Scenario scenario = LoadScenario(kExample);
  EXPECT_EQ(scenario.name, "edge-cloud");
  ASSERT_EQ(scenario.workflow.size(), 2u);
  ComponentId blur = *scenario.workflow.Find("blurry-faces");
  ComponentId mask = *scenario.workflow.Find("mask-detector");
  EXPECT_EQ(scenario.deployments[blur].cluster, "edge");
  EXPECT_EQ(scenario.deployments[blur].node_type, "");
  EXPECT_EQ(scenario.deployments[blur].cpu, 2);
  EXPECT_EQ(scenario.deployments[blur].parallelism, 3);
  EXPECT_EQ(scenario.deployments[blur].memory_bytes, 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(scenario.deployments[mask].cluster, "cloud");
  EXPECT_EQ(scenario.deployments[mask].node_type, "vm-medium");
  EXPECT_EQ(scenario.deployments[mask].limit(), 2);
  EXPECT_EQ(scenario.node_policy, NodePolicy::kLeastAllocated);
  EXPECT_EQ(scenario.workload.files, 200);
  EXPECT_EQ(scenario.workload.batch_size, 10);
  EXPECT_EQ(scenario.workload.inter_upload_time, 30);
  EXPECT_TRUE(scenario.workload.exponential);
  EXPECT_EQ(scenario.workload.input_size.kind, Distribution::Kind::kUniform);
  EXPECT_EQ(scenario.workload.input_size.a, 20e6);
  EXPECT_EQ(scenario.workload.input_size.b, 80e6);
  EXPECT_EQ(scenario.workload.seed, 42u);
  // From the behaviour file...
  EXPECT_EQ(scenario.behaviours[blur].work_base, 2e9);
  EXPECT_EQ(scenario.behaviours[blur].work_per_byte, 120);
  EXPECT_EQ(scenario.behaviours[blur].output_files_per_input, 12);
  EXPECT_EQ(scenario.behaviours[blur].output_bytes_per_input_byte, 0.3);
  // ... replaced by the scenario's own entry.
  EXPECT_EQ(scenario.behaviours[mask].work_base, 8e9);
  EXPECT_EQ(scenario.behaviours[mask].serial_fraction, 0.1);
  EXPECT_EQ(scenario.behaviours[mask].output_bytes, 2000);
  // The hardware section changes the platform.
  EXPECT_EQ(scenario.platform.FindCluster("cloud")->node_count(), 4);
  EXPECT_EQ(scenario.platform.FindNodeType("rpi4")->speed, 1.3e9);
}

TEST(LoadScenario, OverridesReplaceAndAddValues) {
  Scenario scenario = LoadScenario(kExample, {{"workload.files", "12"},
                                              {"resources.blurry-faces.parallelism", "1"},
                                              {"scheduling", "first-fit"},
                                              {"workload.input_size", "5MB"}});
  EXPECT_EQ(scenario.workload.files, 12);
  EXPECT_EQ(scenario.deployments[*scenario.workflow.Find("blurry-faces")].parallelism, 1);
  EXPECT_EQ(scenario.node_policy, NodePolicy::kFirstFit);
  EXPECT_EQ(scenario.workload.input_size.kind, Distribution::Kind::kFixed);
  EXPECT_EQ(scenario.workload.input_size.a, 5e6);
  ASSERT_EQ(scenario.parameters.size(), 4u);
  EXPECT_EQ(scenario.parameters[0].first, "workload.files");
}

TEST(LoadScenario, BadOverrideValueIsAnInputError) {
  EXPECT_THROW(LoadScenario(kExample, {{"workload.files", "many"}}), InputError);
  EXPECT_THROW(LoadScenario(kExample, {{"workload.nonsense", "1"}}), InputError);
}

TEST(LoadScenario, NodeTypeAsPlacement) {
  fs::path dir = fs::temp_directory_path() / ("twinprof-scenario-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string base = std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/";
  std::ofstream(dir / "s.yaml") << "workflow: " << TWINPROF_SOURCE_DIR
                                << "/workflows/mask-detection.yaml\n"
                                << "platform: " << TWINPROF_SOURCE_DIR
                                << "/platforms/edge-cloud.yaml\n"
                                << "placement: {blurry-faces: rpi4, mask-detector: cloud}\n"
                                << "workload: {files: 3}\n"
                                << "behaviour_file: " << base << "behaviour.yaml\n";
  Scenario scenario = LoadScenario((dir / "s.yaml").string());
  ComponentId blur = *scenario.workflow.Find("blurry-faces");
  EXPECT_EQ(scenario.deployments[blur].cluster, "edge");
  EXPECT_EQ(scenario.deployments[blur].node_type, "rpi4");
  EXPECT_EQ(scenario.deployments[blur].cpu, 1);  // from the workflow
  EXPECT_EQ(scenario.deployments[blur].parallelism, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace twinprof
