#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/yaml_file.h"
#include "sim/component_behaviour.h"
#include "sim/scenario.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

const std::string kExample =
    std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/scenario.yaml";

// The example of docs/formats.md, "Scenario".
TEST(LoadScenario, DocumentedExample) {
  sim::Scenario scenario = sim::LoadScenario(kExample);
  EXPECT_EQ(scenario.name, "edge-cloud");
  ASSERT_EQ(scenario.workflow.size(), 2u);
  workflow::ComponentId blur = *scenario.workflow.Find("blurry-faces");
  workflow::ComponentId mask = *scenario.workflow.Find("mask-detector");
  EXPECT_EQ(scenario.deployments[blur].cluster, "edge");
  EXPECT_EQ(scenario.deployments[blur].node_type, "");
  EXPECT_EQ(scenario.deployments[blur].cpu, 2);
  EXPECT_EQ(scenario.deployments[blur].parallelism, 3);
  EXPECT_EQ(scenario.deployments[blur].memory_bytes, 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(scenario.deployments[mask].cluster, "cloud");
  EXPECT_EQ(scenario.deployments[mask].node_type, "vm-medium");
  EXPECT_EQ(scenario.deployments[mask].limit(), 2);
  EXPECT_EQ(scenario.node_policy, sim::NodePolicy::kLeastAllocated);
  EXPECT_EQ(scenario.workload.files, 200);
  EXPECT_EQ(scenario.workload.batch_size, 10);
  EXPECT_EQ(scenario.workload.inter_upload_time, 30);
  EXPECT_TRUE(scenario.workload.exponential);
  EXPECT_EQ(scenario.workload.input_size.kind, sim::Distribution::Kind::kUniform);
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
  EXPECT_EQ(scenario.behaviours[mask].off_cpu_base, 0);
  EXPECT_EQ(scenario.behaviours[mask].output_bytes, 2000);
  // The hardware section changes the platform.
  EXPECT_EQ(scenario.platform.FindCluster("cloud")->node_count(), 4);
  EXPECT_EQ(scenario.platform.FindNodeType("rpi4")->speed, 1.3e9);
}

// The synchronous-service example of docs/formats.md, "Scenario".
TEST(LoadScenario, SynchronousServiceExample) {
  sim::Scenario scenario = sim::LoadScenario(std::string(TWINPROF_SOURCE_DIR) +
                                             "/experiments/sim/edge-cloud/scenario-sync.yaml");
  const sim::SyncSettings& blur =
      scenario.deployments[*scenario.workflow.Find("blurry-faces")].sync;
  EXPECT_FALSE(blur.enabled);
  const sim::SyncSettings& sync =
      scenario.deployments[*scenario.workflow.Find("mask-detector")].sync;
  EXPECT_TRUE(sync.enabled);
  EXPECT_EQ(sync.container_concurrency, 1);
  EXPECT_EQ(sync.keep_alive_s, 60);
  EXPECT_EQ(sync.min_scale, 1);
  EXPECT_EQ(sync.max_scale, 4);
  EXPECT_FALSE(sync.reject_when_full);
  EXPECT_EQ(sync.init_s, 2);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// SimFaaS's scenario (docs/formats.md, "Service times", quoted verbatim): an exponential
// service time instead of work.
TEST(LoadScenario, SimFaasServiceTimeExample) {
  const std::string path =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/simfaas/scenario.yaml";
  sim::Scenario scenario = sim::LoadScenario(path);
  const workflow::ComponentId function = *scenario.workflow.Find("function");
  const sim::ServiceTime& time = scenario.behaviours[function].service_time;
  EXPECT_EQ(time.kind, sim::ServiceTime::Kind::kExponential);
  EXPECT_DOUBLE_EQ(time.mean_s, 1.991);
  const sim::ServiceTime& cold = scenario.behaviours[function].cold_service_time;
  EXPECT_EQ(cold.kind, sim::ServiceTime::Kind::kExponential);
  EXPECT_DOUBLE_EQ(cold.mean_s, 2.244);
  const sim::SyncSettings& sync = scenario.deployments[function].sync;
  EXPECT_TRUE(sync.enabled);
  EXPECT_EQ(sync.keep_alive_s, 600);
  EXPECT_TRUE(sync.reject_when_full);
  EXPECT_EQ(sync.init_s, 0);
  EXPECT_EQ(sync.routing, sim::Routing::kNewest);
  EXPECT_FALSE(sync.knative);
  std::string docs = ReadAll(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  EXPECT_NE(docs.find(ReadAll(path)), std::string::npos) << "formats.md does not quote " << path;
}

// The Knative example (docs/formats.md, "Knative autoscaler", quoted verbatim).
TEST(LoadScenario, KnativeAutoscalerExample) {
  const std::string path =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/scenario-knative.yaml";
  sim::Scenario scenario = sim::LoadScenario(path);
  const sim::SyncSettings& sync =
      scenario.deployments[*scenario.workflow.Find("mask-detector")].sync;
  EXPECT_TRUE(sync.knative);
  EXPECT_EQ(sync.max_scale, 8);
  const sim::KnativeSettings& knative = sync.knative_settings;
  EXPECT_DOUBLE_EQ(knative.target, 0.7);
  EXPECT_EQ(knative.stable_window_s, 60);
  EXPECT_EQ(knative.panic_window_s, 6);
  EXPECT_EQ(knative.panic_threshold, 2);
  EXPECT_EQ(knative.scale_to_zero_grace_s, 30);
  EXPECT_EQ(knative.max_scale_up_rate, 1000);
  EXPECT_EQ(knative.max_scale_down_rate, 2);
  EXPECT_EQ(knative.tick_s, 2);
  std::string docs = ReadAll(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  EXPECT_NE(docs.find(ReadAll(path)), std::string::npos) << "formats.md does not quote " << path;
}

// The power-law example of docs/formats.md ("Scenario", Compute), quoted verbatim: its figures
// (7.9e7 flops at 32 KB, 2.4e7 at 12.8 KB, 1.9e8 at 64 KB) are what the simulator computes.
TEST(LoadScenario, PowerLawWorkExample) {
  const std::string example =
      "grayify: {work: {base: 0, per_byte: 2460, exponent: 1.3, reference_size: 32KB}, "
      "serial_fraction: 1}";
  std::string docs = ReadAll(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  EXPECT_NE(docs.find(example), std::string::npos) << "formats.md does not quote " << example;
  YamlFile file = YamlFile::Parse(example, "formats.md");
  sim::ComponentBehaviour grayify = sim::ParseComponentBehaviour(file, file.root()["grayify"]);
  EXPECT_EQ(grayify.work_exponent, 1.3);
  EXPECT_EQ(grayify.work_reference_bytes, 32000);
  EXPECT_NEAR(grayify.Work(32000), 7.9e7, 0.05e7);
  EXPECT_NEAR(grayify.Work(12800), 2.4e7, 0.05e7);
  EXPECT_NEAR(grayify.Work(64000), 1.9e8, 0.05e8);
}

// Every service-time form of docs/formats.md, "Service times".
TEST(LoadScenario, ServiceTimeDistributions) {
  const std::string path =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/simfaas/scenario.yaml";
  auto with = [&](const std::string& value) {
    sim::Scenario scenario = sim::LoadScenario(path, {{"behaviour.function.service_time", value}});
    return scenario.behaviours[0].service_time;
  };
  EXPECT_TRUE(with("model").FromModel());
  sim::ServiceTime fixed = with("{distribution: deterministic, value: 250ms}");
  EXPECT_EQ(fixed.kind, sim::ServiceTime::Kind::kDeterministic);
  EXPECT_DOUBLE_EQ(fixed.Mean(), 0.25);
  sim::ServiceTime lognormal = with("{distribution: lognormal, mean: 2s, stddev: 1s}");
  EXPECT_EQ(lognormal.kind, sim::ServiceTime::Kind::kLogNormal);
  EXPECT_EQ(lognormal.stddev_s, 1);
  sim::ServiceTime empirical = with("{values: [1s, 2s, 6s]}");
  EXPECT_EQ(empirical.kind, sim::ServiceTime::Kind::kEmpirical);
  EXPECT_DOUBLE_EQ(empirical.Mean(), 3);
  EXPECT_THROW(with("{distribution: exponential, mean: 0s}"), InputError);
  EXPECT_THROW(with("gamma"), InputError);
}

// Every `routing` of docs/formats.md; most-recently-used when absent.
TEST(LoadScenario, SyncRoutings) {
  const std::string path =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/simfaas/scenario.yaml";
  auto with = [&](const std::string& value) {
    return sim::LoadScenario(path, {{"resources.function.routing", value}})
        .deployments[0]
        .sync.routing;
  };
  EXPECT_EQ(with("most-recently-used"), sim::Routing::kMostRecentlyUsed);
  EXPECT_EQ(with("newest"), sim::Routing::kNewest);
  EXPECT_EQ(with("oldest"), sim::Routing::kOldest);
  EXPECT_EQ(with("random"), sim::Routing::kRandom);
  EXPECT_THROW(with("round-robin"), InputError);
  EXPECT_EQ(sim::LoadScenario(kExample).deployments[0].sync.routing,
            sim::Routing::kMostRecentlyUsed);
  // cold_service_time: any distribution, not `model`.
  sim::Scenario lognormal = sim::LoadScenario(path, {{"behaviour.function.cold_service_time",
                                                      "{distribution: lognormal, mean: 3s, "
                                                      "stddev: 1s}"}});
  EXPECT_EQ(lognormal.behaviours[0].cold_service_time.kind, sim::ServiceTime::Kind::kLogNormal);
  EXPECT_THROW(sim::LoadScenario(path, {{"behaviour.function.cold_service_time", "model"}}),
               InputError);
}

TEST(LoadScenario, OverridesReplaceAndAddValues) {
  sim::Scenario scenario = sim::LoadScenario(kExample, {{"workload.files", "12"},
                                                        {"resources.blurry-faces.parallelism", "1"},
                                                        {"scheduling", "first-fit"},
                                                        {"workload.input_size", "5MB"}});
  EXPECT_EQ(scenario.workload.files, 12);
  EXPECT_EQ(scenario.deployments[*scenario.workflow.Find("blurry-faces")].parallelism, 1);
  EXPECT_EQ(scenario.node_policy, sim::NodePolicy::kFirstFit);
  EXPECT_EQ(scenario.workload.input_size.kind, sim::Distribution::Kind::kFixed);
  EXPECT_EQ(scenario.workload.input_size.a, 5e6);
  ASSERT_EQ(scenario.parameters.size(), 4u);
  EXPECT_EQ(scenario.parameters[0].first, "workload.files");
}

TEST(LoadScenario, BadOverrideValueIsAnInputError) {
  EXPECT_THROW(sim::LoadScenario(kExample, {{"workload.files", "many"}}), InputError);
  EXPECT_THROW(sim::LoadScenario(kExample, {{"workload.nonsense", "1"}}), InputError);
}

// A count of 0 takes the node type out of the cluster (explore's mixes); no nodes left is an error.
TEST(LoadScenario, HardwareCountZeroRemovesTheType) {
  sim::Scenario scenario =
      sim::LoadScenario(kExample, {{"hardware.nodes.edge", "{vm-medium: 2, rpi4: 0}"}});
  const platform::Cluster* edge = scenario.platform.FindCluster("edge");
  ASSERT_NE(edge, nullptr);
  ASSERT_EQ(edge->nodes.size(), 1u);
  EXPECT_EQ(edge->nodes[0].first, "vm-medium");
  EXPECT_EQ(edge->nodes[0].second, 2);
  try {
    sim::LoadScenario(kExample, {{"hardware.nodes.cloud.vm-medium", "0"}});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("cluster 'cloud' has no nodes left"), std::string::npos) << e.what();
    EXPECT_NE(e.where().file.find("scenario.yaml"), std::string::npos);
  }
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
  sim::Scenario scenario = sim::LoadScenario((dir / "s.yaml").string());
  workflow::ComponentId blur = *scenario.workflow.Find("blurry-faces");
  EXPECT_EQ(scenario.deployments[blur].cluster, "edge");
  EXPECT_EQ(scenario.deployments[blur].node_type, "rpi4");
  EXPECT_EQ(scenario.deployments[blur].cpu, 1);  // from the workflow
  EXPECT_EQ(scenario.deployments[blur].parallelism, 0);
  fs::remove_all(dir);
}

// The calibration example of docs/formats.md, "Calibration file": the file's values apply, the
// scenario's own behaviour entry overrides the values it gives.
TEST(LoadScenario, CalibrationFileExample) {
  const std::string dir = std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/";
  sim::Scenario scenario = sim::LoadScenario(dir + "scenario-calibrated.yaml");
  workflow::ComponentId blur = *scenario.workflow.Find("blurry-faces");
  workflow::ComponentId mask = *scenario.workflow.Find("mask-detector");
  EXPECT_EQ(scenario.behaviours[blur].work_base, 2.1e9);
  EXPECT_EQ(scenario.behaviours[blur].work_per_byte, 118);
  EXPECT_EQ(scenario.behaviours[blur].serial_fraction, 0.38);
  EXPECT_EQ(scenario.behaviours[blur].off_cpu_base, 0.12);
  EXPECT_EQ(scenario.behaviours[blur].off_cpu_per_byte, 2e-9);
  EXPECT_DOUBLE_EQ(scenario.behaviours[blur].OffCpuSeconds(50e6), 0.22);
  EXPECT_EQ(scenario.behaviours[blur].output_bytes_per_input_byte, 0.29);
  EXPECT_EQ(scenario.behaviours[blur].Interference("rpi4"), 0.04);
  EXPECT_EQ(scenario.behaviours[blur].Interference("vm-medium"), 0);
  EXPECT_EQ(scenario.behaviours[blur].SpeedFactor("rpi4"), 1);
  // The scenario's values win; what it does not give stays calibrated.
  EXPECT_EQ(scenario.behaviours[mask].work_base, 8e9);
  EXPECT_EQ(scenario.behaviours[mask].serial_fraction, 0.1);
  EXPECT_EQ(scenario.behaviours[mask].SpeedFactor("rpi4"), 1.4);
  EXPECT_EQ(scenario.behaviours[mask].Interference("vm-medium"), 0.025);
  EXPECT_EQ(scenario.platform.FindNodeType("rpi4")->speed, 1.25e9);
  EXPECT_EQ(scenario.platform.FindNodeType("vm-medium")->speed, 3e9);  // the reference
  EXPECT_DOUBLE_EQ(scenario.platform.FindCluster("edge")->storage.bandwidth, 38e6);
  EXPECT_DOUBLE_EQ(scenario.platform.FindCluster("edge")->storage.latency, 1.2e-3);
  EXPECT_DOUBLE_EQ(scenario.platform.FindCluster("cloud")->storage.bandwidth, 190e6);
  EXPECT_DOUBLE_EQ(scenario.platform.overheads.scheduling_s, 0.25);
  EXPECT_DOUBLE_EQ(scenario.platform.overheads.pod_start_s, 1.4);
  EXPECT_DOUBLE_EQ(scenario.platform.overheads.image_pull_bandwidth, 45e6);
  // The calibrated entry of mask-detector itself, read without the scenario's replacement.
  sim::Scenario file_only =
      sim::LoadScenario(dir + "scenario-calibrated.yaml", {{"behaviour", "{}"}});
  EXPECT_EQ(file_only.behaviours[mask].work_base, 7.6e9);
  EXPECT_EQ(file_only.behaviours[mask].SpeedFactor("rpi4"), 1.4);
  EXPECT_EQ(file_only.behaviours[mask].Interference("vm-medium"), 0.025);
}

// `--set` (and `--sweep`) on a calibrated scenario changes the one value it names: a what-if on one
// number kept nothing else of the calibrated behaviour before (serial fraction 0, outputs of one
// empty file, no speed factor), silently. Per node type maps merge too, and giving `model` or
// `work` replaces how the compute time is set, not the rest.
TEST(LoadScenario, ASetOnACalibratedBehaviourChangesOnlyThatValue) {
  const std::string dir = std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/";
  sim::Scenario scenario = sim::LoadScenario(
      dir + "scenario-calibrated.yaml", {{"behaviour.blurry-faces.work.base", "3e9"},
                                         {"behaviour.blurry-faces.interference.vm-medium", "0.1"}});
  workflow::ComponentId blur = *scenario.workflow.Find("blurry-faces");
  const sim::ComponentBehaviour& b = scenario.behaviours[blur];
  EXPECT_EQ(b.work_base, 3e9);
  EXPECT_EQ(b.work_per_byte, 118);
  EXPECT_EQ(b.serial_fraction, 0.38);
  EXPECT_EQ(b.off_cpu_base, 0.12);
  EXPECT_EQ(b.output_bytes_per_input_byte, 0.29);
  EXPECT_EQ(b.Interference("rpi4"), 0.04);
  EXPECT_EQ(b.Interference("vm-medium"), 0.1);

  // A model on top keeps the calibrated outputs and serial fraction; work on top of a drawn
  // service time drops the distribution.
  const fs::path folder =
      fs::temp_directory_path() / ("twinprof-merge-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  std::ofstream(folder / "behaviour.yaml")
      << "blurry-faces: {service_time: {distribution: exponential, mean: 2s}}\n";
  sim::Scenario drawn = sim::LoadScenario(
      dir + "scenario-calibrated.yaml", {{"behaviour_file", (folder / "behaviour.yaml").string()}});
  EXPECT_FALSE(drawn.behaviours[blur].service_time.FromModel());
  EXPECT_EQ(drawn.behaviours[blur].serial_fraction, 0.38);
  sim::Scenario worked = sim::LoadScenario(
      dir + "scenario-calibrated.yaml", {{"behaviour_file", (folder / "behaviour.yaml").string()},
                                         {"behaviour.blurry-faces.work.base", "1e9"}});
  EXPECT_TRUE(worked.behaviours[blur].service_time.FromModel());
  EXPECT_EQ(worked.behaviours[blur].work_base, 1e9);
  EXPECT_EQ(worked.behaviours[blur].work_per_byte, 118);
  fs::remove_all(folder);
}

// The scenario's hardware speeds replace the calibration's.
TEST(LoadScenario, HardwareSpeedReplacesCalibratedSpeed) {
  sim::Scenario scenario = sim::LoadScenario(
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/scenario-calibrated.yaml",
      {{"hardware.speed.rpi4", "2Gf"}});
  EXPECT_EQ(scenario.platform.FindNodeType("rpi4")->speed, 2e9);
}

// A bad calibration file is an InputError at its own FILE:LINE.
TEST(LoadScenario, BadCalibrationFileNamesItsLine) {
  fs::path dir = fs::temp_directory_path() / ("twinprof-calibration-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string base = std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/";
  std::ofstream(dir / "s.yaml") << "workflow: " << TWINPROF_SOURCE_DIR
                                << "/workflows/mask-detection.yaml\n"
                                << "platform: " << TWINPROF_SOURCE_DIR
                                << "/platforms/edge-cloud.yaml\n"
                                << "placement: {blurry-faces: edge, mask-detector: cloud}\n"
                                << "workload: {files: 3}\n"
                                << "behaviour_file: " << base << "behaviour.yaml\n"
                                << "calibration: c.yaml\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"format: twinprof-calibration-1\nworkflow: video-process\n", ":2:"},
      {"format: twinprof-calibration-1\nnode_types:\n  arm9: {speed: 1Gf}\n", ":3:"},
      {"format: twinprof-calibration-1\nbehaviour:\n  blurry-faces: {interference: {x: 1}}\n",
       ":3:"},
      {"format: twinprof-calibration-1\nbehaviour:\n  blurry-faces: {speed_factor: {rpi4: 0}}\n",
       ":3:"},
      {"format: twinprof-calibration-1\nclusters: {edge: {storage: {bandwidth: 0}}}\n", ":2:"},
      {"format: twinprof-calibration-2\n", ":1:"},
  };
  for (const auto& [text, line] : cases) {
    std::ofstream(dir / "c.yaml") << text;
    try {
      sim::LoadScenario((dir / "s.yaml").string());
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find((dir / "c.yaml").string() + line), std::string::npos)
          << error.what();
    }
  }
  fs::remove_all(dir);
}

// docs/formats.md quotes the calibration example verbatim.
TEST(LoadScenario, FormatsQuotesCalibrationExample) {
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string docs = read(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  for (const char* example : {"calibration.yaml", "scenario-calibrated.yaml"}) {
    std::string text =
        read(std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/" + example);
    ASSERT_FALSE(text.empty());
    EXPECT_NE(docs.find(text), std::string::npos) << "docs/formats.md does not quote " << example;
  }
}

}  // namespace
}  // namespace twinprof::test
