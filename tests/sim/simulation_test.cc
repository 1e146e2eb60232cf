// Closed-form checks of the simulator (CM02, no cross-traffic): each test builds a small
// platform and workflow in code, runs one Simulation (one per process: ctest runs each test on
// its own) and compares times with the formulas of docs/architecture.md's model. Relative error <=
// 1e-6.

#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace twinprof::test {
namespace {

constexpr double kFast = 1e15;  // bytes per second of links that should not matter

void ExpectClose(double actual, double expected, const std::string& what = "") {
  EXPECT_LE(std::abs(actual - expected), 1e-6 * std::max(1.0, std::abs(expected)))
      << what << ": actual " << actual << ", expected " << expected;
}

// One cluster "c" with `nodes` nodes of type "n" (cores, speed, memory); storage with the given
// bandwidth and latency; an ideal LAN; no overheads.
platform::Platform OneCluster(int nodes, int cores, double speed, double memory = 64e9,
                              double storage_bandwidth = kFast, double storage_latency = 0) {
  platform::Platform platform;
  platform.name = "test";
  platform::NodeType type;
  type.name = "n";
  type.arch = "x86_64";
  type.cores = cores;
  type.speed = speed;
  type.memory_bytes = memory;
  type.price_per_hour = 0.36;
  platform.node_types.push_back(type);
  platform::Cluster cluster;
  cluster.name = "c";
  cluster.nodes = {{"n", nodes}};
  cluster.lan = {kFast, 0};
  cluster.storage = {storage_bandwidth, storage_latency};
  platform.clusters.push_back(cluster);
  return platform;
}

workflow::Component MakeComponent(const std::string& name, double image_size = 0) {
  workflow::Component component;
  component.name = name;
  component.script = name + ".sh";
  component.image_size_bytes = image_size;
  return component;
}

// A scenario of the given workflow on the platform, every component on cluster "c" with
// `cpu` cores and parallelism `parallelism`, `files` inputs of `bytes` uploaded at time 0.
sim::Scenario MakeScenario(workflow::Workflow workflow, platform::Platform platform, double cpu,
                           int parallelism, int64_t files, double bytes = 0) {
  sim::Scenario scenario;
  scenario.name = "test";
  scenario.workflow = std::move(workflow);
  scenario.platform = std::move(platform);
  for (size_t i = 0; i < scenario.workflow.size(); ++i) {
    sim::ComponentDeployment deployment;
    deployment.cluster = "c";
    deployment.cpu = cpu;
    deployment.memory_bytes = 1e9;
    deployment.parallelism = parallelism;
    scenario.deployments.push_back(deployment);
    sim::ComponentBehaviour behaviour;
    behaviour.work_base = 4e9;
    behaviour.output_files_per_input = 0;
    scenario.behaviours.push_back(behaviour);
  }
  scenario.workload.files = files;
  scenario.workload.batch_size = files;
  scenario.workload.input_size.a = bytes;
  return scenario;
}

workflow::Workflow OneComponent() {
  workflow::Workflow workflow("one");
  workflow.AddComponent(MakeComponent("a", 2e8));
  return workflow;
}

struct Outcome {
  sim::Simulation::Summary summary;
  std::vector<JobRecord> jobs;  // in finishing order
  std::string csv;
};

Outcome Simulate(const sim::Scenario& scenario) {
  sim::ValidateScenario(scenario);
  Outcome outcome;
  std::ostringstream csv;
  sim::Simulation::Options options;
  options.jobs_csv = &csv;
  options.on_job = [&outcome](const JobRecord& record) { outcome.jobs.push_back(record); };
  outcome.summary = sim::Simulation(scenario).Run(options);
  outcome.csv = csv.str();
  return outcome;
}

// A power law in the input size (work.exponent, work.reference_size): a job alone on an idle node
// takes base + per_byte * r * (b / r)^e flops, here at b = 3 r (one simulation per process: one
// test per exponent).
void ExpectPowerLawWorkOfAJobAlone(double exponent, double work) {
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(1, 4, 2e9), 1, 1, 1, 3e7);
  sim::ComponentBehaviour& behaviour = scenario.behaviours[0];
  behaviour.work_base = 1e9;
  behaviour.work_per_byte = 100;  // 1e9 flops for an input of the reference size
  behaviour.work_exponent = exponent;
  behaviour.work_reference_bytes = 1e7;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 1u);
  ExpectClose(outcome.jobs[0].compute_s(), work / 2e9, "compute");
  ExpectClose(outcome.jobs[0].cpu_time_s, work / 2e9, "cpu seconds");
}

TEST(Simulation, PowerLawWorkOfAJobAloneSquareRoot) {
  ExpectPowerLawWorkOfAJobAlone(0.5, 1e9 + 1e9 * std::sqrt(3.0));
}

TEST(Simulation, PowerLawWorkOfAJobAloneSquare) { ExpectPowerLawWorkOfAJobAlone(2, 1e9 + 9e9); }

TEST(Simulation, OneJobOnAnIdleNode) {
  platform::Platform platform = OneCluster(1, 4, 2e9, 64e9, /*storage_bandwidth=*/1e8,
                                           /*storage_latency=*/0.004);
  platform.overheads.scheduling_s = 0.5;
  platform.overheads.pod_start_s = 1.5;
  platform.overheads.image_pull_bandwidth = 1e8;  // 2e8-byte image: 2 s
  sim::Scenario scenario = MakeScenario(OneComponent(), platform, 2, 1, 1, 3e7);
  sim::ComponentBehaviour& behaviour = scenario.behaviours[0];
  behaviour.work_base = 3e9;
  behaviour.work_per_byte = 100;  // 3e9 more flops
  behaviour.serial_fraction = 0.25;
  behaviour.output_files_per_input = 2;
  behaviour.output_bytes = 1e6;
  behaviour.output_bytes_per_input_byte = 0.5;  // 1.6e7 bytes out

  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 1u);
  const JobRecord& job = outcome.jobs[0];
  ExpectClose(job.t_submit, 0, "submit");
  ExpectClose(job.wait_s(), 0.5, "wait (scheduling delay)");
  ExpectClose(job.cold_start_s(), 2 + 1.5, "cold start (pull + pod start)");
  ExpectClose(job.download_s(), 0.004 + 3e7 / 1e8, "download");
  // 6e9 flops: 1.5e9 serial on one 2 GHz core, 4.5e9 over 2 cores.
  ExpectClose(job.compute_s(), 1.5e9 / 2e9 + 4.5e9 / 4e9, "compute");
  ExpectClose(job.compute_s(), behaviour.IdleComputeTime(3e7, 2, 2e9), "compute formula");
  ExpectClose(job.upload_s(), 0.004 + 1.6e7 / 1e8, "upload");
  EXPECT_EQ(job.output_files, 2);
  ExpectClose(job.output_bytes, 1.6e7, "output bytes");
  EXPECT_EQ(job.source, "sim");
  EXPECT_EQ(job.node, "c/n-0");
  EXPECT_EQ(job.component, "a");
  EXPECT_EQ(job.job_id, "a-1");
  const sim::SimulatedRun& result = outcome.summary.result;
  ExpectClose(result.makespan, job.t_finish, "makespan");
  EXPECT_EQ(result.image_pulls, 1);
  ExpectClose(result.cost, 0.36 * job.t_finish / 3600, "cost");
  // Busy: 6e9 flops of 4 x 2e9 over the makespan.
  ExpectClose(result.nodes[0].utilisation, 6e9 / 2e9 / (4 * result.makespan), "utilisation");
}

TEST(Simulation, ParallelismOneSerialisesJobs) {
  const int n = 5;
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(1, 4, 1e9), 1, 1, n);
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), static_cast<size_t>(n));
  ExpectClose(outcome.summary.result.makespan, n * 4.0, "makespan = N x job");
  for (int i = 0; i < n; ++i) {
    ExpectClose(outcome.jobs[i].t_finish, (i + 1) * 4.0, "finish");
    ExpectClose(outcome.jobs[i].compute_s(), 4.0, "compute");
  }
}

TEST(Simulation, ParallelismOnEnoughCores) {
  const int n = 7;
  const int p = 3;
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(2, 2, 1e9), 1, p, n);
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), static_cast<size_t>(n));
  ExpectClose(outcome.summary.result.makespan, std::ceil(double(n) / p) * 4.0,
              "makespan = ceil(N/p) x job");
  for (const JobRecord& job : outcome.jobs) ExpectClose(job.compute_s(), 4.0, "compute");
}

TEST(Simulation, ProcessorSharingOnFewerCores) {
  // 4 jobs request half a core each (so all fit on the 2-core node) but may use a whole one:
  // 4 threads share 2 cores, each runs at half speed.
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(1, 2, 1e9), 0.5, 4, 4);
  scenario.deployments[0].cpu_limit = 1;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 4u);
  for (const JobRecord& job : outcome.jobs) {
    ExpectClose(job.t_exec_start, 0, "all start together");
    ExpectClose(job.compute_s(), 4.0 * 4 / 2, "p x work / (cores x speed)");
  }
  ExpectClose(outcome.summary.result.nodes[0].utilisation, 1.0, "node fully busy");
}

TEST(Simulation, FractionalCpuIsALimit) {
  // cpu 1.5: one full thread and one bounded to half a core: 4e9 / 1.5e9.
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(1, 4, 1e9), 1.5, 1, 1);
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 1u);
  ExpectClose(outcome.jobs[0].compute_s(), 4e9 / 1.5e9, "compute");
}

TEST(Simulation, WanTransferOfKnownSize) {
  // a runs on the edge, b in the cloud: b downloads a's output from the edge storage over the
  // WAN (12.5 MB/s, 10 ms), the only slow link.
  platform::Platform platform = OneCluster(1, 2, 1e9);
  platform::Cluster cloud = platform.clusters[0];
  cloud.name = "cloud";
  platform.clusters.push_back(cloud);
  platform.links.push_back({"c", "cloud", {12.5e6, 0.01}, {}});
  workflow::Workflow workflow("wan");
  workflow::ComponentId a = workflow.AddComponent(MakeComponent("a"));
  workflow::ComponentId b = workflow.AddComponent(MakeComponent("b"));
  workflow.AddDependency(a, b);
  sim::Scenario scenario = MakeScenario(std::move(workflow), platform, 1, 1, 1, 1e6);
  scenario.deployments[b].cluster = "cloud";
  scenario.behaviours[a].output_files_per_input = 1;
  scenario.behaviours[a].output_bytes = 25e6;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 2u);
  const JobRecord& second = outcome.jobs[1];
  EXPECT_EQ(second.component, "b");
  EXPECT_EQ(second.cluster, "cloud");
  ExpectClose(second.input_bytes, 25e6, "input bytes");
  ExpectClose(second.download_s(), 0.01 + 25e6 / 12.5e6, "WAN download");
  ExpectClose(second.t_submit, outcome.jobs[0].t_finish, "triggered by a's upload");
  ExpectClose(outcome.jobs[0].download_s(), 0, "a's download stays in its cluster");
}

TEST(Simulation, ImagePulledOncePerNode) {
  platform::Platform platform = OneCluster(2, 2, 1e9);
  platform.overheads.pod_start_s = 1;
  platform.overheads.image_pull_bandwidth = 1e8;  // 2e8 bytes: 2 s
  // 8 jobs, 4 slots on 2 nodes of 2 cores: two waves of 4.
  sim::Scenario scenario = MakeScenario(OneComponent(), platform, 1, 4, 8);
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 8u);
  EXPECT_EQ(outcome.summary.result.image_pulls, 2);
  int first_wave = 0;
  for (const JobRecord& job : outcome.jobs) {
    if (job.t_pod_start == 0) {
      ++first_wave;
      ExpectClose(job.cold_start_s(), 3, "pull shared by the node's first jobs");
    } else {
      ExpectClose(job.cold_start_s(), 1, "image already there");
    }
  }
  EXPECT_EQ(first_wave, 4);
  ExpectClose(outcome.summary.result.makespan, 3 + 4 + 1 + 4, "two waves");
  std::map<std::string, int> per_node;
  for (const JobRecord& job : outcome.jobs) ++per_node[job.node];
  EXPECT_EQ(per_node.size(), 2u);
}

// One cluster of an arm64 board and an x86_64 VM (one core each), two 4 s jobs that may run side
// by side; the component's images are `images`.
sim::Scenario BoardAndVm(const std::map<std::string, std::string>& images) {
  platform::Platform platform = OneCluster(1, 1, 1e9);
  platform::NodeType board = platform.node_types[0];
  board.name = "board";
  board.arch = "arm64";
  platform.node_types.push_back(board);
  platform.clusters[0].nodes = {{"board", 1}, {"n", 1}};
  workflow::Workflow flow("one");
  workflow::Component component = MakeComponent("a");
  component.images = images;
  flow.AddComponent(component);
  return MakeScenario(std::move(flow), platform, 1, 2, 2);
}

TEST(Simulation, JobsRunOnlyWhereTheirImageHasTheNodesArchitecture) {
  // An x86_64 image only: both jobs wait for the VM even though the board is idle.
  Outcome outcome = Simulate(BoardAndVm({{"x86_64", "grycap/mask-detector-yolo"}}));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  for (const JobRecord& job : outcome.jobs) {
    EXPECT_EQ(job.arch, "x86_64");
    EXPECT_EQ(job.node, "c/n-0");
  }
  ExpectClose(outcome.summary.result.makespan, 8, "two 4 s jobs one after the other on the VM");
}

TEST(Simulation, AnImageForEachArchitectureUsesEveryNode) {
  Outcome outcome = Simulate(BoardAndVm(
      {{"x86_64", "grycap/mask-detector-yolo"}, {"arm64", "grycap/mask-detector-yolo-arm64"}}));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  EXPECT_NE(outcome.jobs[0].arch, outcome.jobs[1].arch);
  ExpectClose(outcome.summary.result.makespan, 4, "side by side");
}

TEST(Simulation, AComponentWithNoImageForItsNodesIsRefused) {
  platform::Platform platform = OneCluster(2, 4, 1e9);
  workflow::Workflow flow("one");
  workflow::Component component = MakeComponent("a");
  component.images = {{"arm64", "ghcr.io/srisco/blurry-faces-arm64"}};
  flow.AddComponent(component);
  sim::Scenario scenario = MakeScenario(std::move(flow), platform, 1, 1, 1);
  try {
    sim::ValidateScenario(scenario);
    FAIL() << "an arm64-only component on x86_64 nodes was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("component 'a' has images for arm64 only, but its nodes in "
                               "cluster 'c' are x86_64"),
              std::string::npos)
        << e.message();
  }
}

TEST(Simulation, MemoryRequestForbidsColocation) {
  // Plenty of cores, but memory for one job per node.
  sim::Scenario scenario = MakeScenario(OneComponent(), OneCluster(1, 8, 1e9, 4e9), 1, 3, 3);
  scenario.deployments[0].memory_bytes = 3e9;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ExpectClose(outcome.jobs[i].wait_s(), 4.0 * i, "waits for the previous job's memory");
  }
  ExpectClose(outcome.summary.result.makespan, 12, "serialised by memory");
}

TEST(Simulation, FanOutIntoDownstreamJobs) {
  const int k = 5;
  workflow::Workflow workflow("fan");
  workflow::ComponentId a = workflow.AddComponent(MakeComponent("a"));
  workflow::ComponentId b = workflow.AddComponent(MakeComponent("b"));
  workflow.AddDependency(a, b);
  sim::Scenario scenario = MakeScenario(std::move(workflow), OneCluster(1, 8, 1e9), 1, 8, 1);
  scenario.behaviours[a].output_files_per_input = k;
  scenario.behaviours[a].output_bytes = 1e6;
  scenario.behaviours[b].work_base = 1e9;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 1u + k);
  EXPECT_EQ(outcome.summary.result.components.at("b").jobs, k);
  for (int i = 1; i <= k; ++i) {
    const JobRecord& job = outcome.jobs[i];
    EXPECT_EQ(job.component, "b");
    ExpectClose(job.input_bytes, 1e6 / k, "each output file is one input");
    ExpectClose(job.t_submit, 4, "all triggered when a finishes");
    ExpectClose(job.t_finish, 5, "run side by side");
  }
  ExpectClose(outcome.summary.result.makespan, 5, "makespan");
}

TEST(Simulation, FanInCollectsEveryUpstreamFile) {
  workflow::Workflow workflow("fan-in");
  workflow::ComponentId a = workflow.AddComponent(MakeComponent("a"));
  workflow::ComponentId b = workflow.AddComponent(MakeComponent("b"));
  workflow::ComponentId c = workflow.AddComponent(MakeComponent("c"));
  workflow.AddDependency(a, c);
  workflow.AddDependency(b, c);
  sim::Scenario scenario = MakeScenario(std::move(workflow), OneCluster(1, 8, 1e9), 1, 4, 3);
  scenario.behaviours[a].output_files_per_input = 2;
  scenario.behaviours[b].output_files_per_input = 1;
  Outcome outcome = Simulate(scenario);
  EXPECT_EQ(outcome.summary.result.components.at("c").jobs, 3 * (2 + 1));
}

TEST(Simulation, SameScenarioSameCsv) {
  workflow::Workflow workflow("two");
  workflow::ComponentId a = workflow.AddComponent(MakeComponent("a", 1e8));
  workflow::ComponentId b = workflow.AddComponent(MakeComponent("b", 1e8));
  workflow.AddDependency(a, b);
  platform::Platform platform = OneCluster(3, 4, 1e9, 8e9, 1e8, 0.001);
  platform.overheads = {0.1, 0.5, 5e7, true};
  sim::Scenario scenario = MakeScenario(std::move(workflow), platform, 1, 3, 40, 1e6);
  scenario.workload.batch_size = 4;
  scenario.workload.inter_upload_time = 2;
  scenario.workload.exponential = true;
  scenario.behaviours[a].output_files_per_input = 2;
  scenario.behaviours[a].output_bytes_per_input_byte = 0.5;
  std::string csv = Simulate(scenario).csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 40 + 80);
  EXPECT_EQ(csv.rfind("campaign,run_id,", 0), 0u);
  // A second Engine in this process is refused.
  EXPECT_THROW(sim::Simulation(scenario).Run({}), std::logic_error);
}

}  // namespace
}  // namespace twinprof::test
