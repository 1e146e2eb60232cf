// The interference model, the speed factor and the off-CPU time in the simulator, against closed
// forms: a job progresses 1 + a m times slower while m other jobs compute at the same moment on
// its node (n - 1 of n while their cores fit beside its own; src/sim/interference.h), speed_factor
// g divides its work on that node type, and its off-CPU seconds follow its work without holding a
// core (src/sim/component_behaviour.h). Relative error <= 1e-6.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "sim/simulation.h"

namespace twinprof::test {
namespace {

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), 1e-6 * std::max(1.0, std::abs(expected)))
      << what << ": actual " << actual << ", expected " << expected;
}

// One node of type "n" (cores, 1 Gf per core) in cluster "c", ideal network, no overheads; one
// component per entry of `works` (flops per job), each with one job at time 0, cpu `cpu`.
sim::Scenario Make(int cores, double cpu, const std::vector<double>& works) {
  sim::Scenario scenario;
  scenario.name = "interference";
  platform::NodeType type;
  type.name = "n";
  type.arch = "x86_64";
  type.cores = cores;
  type.speed = 1e9;
  type.memory_bytes = 64e9;
  scenario.platform.name = "p";
  scenario.platform.node_types.push_back(type);
  platform::Cluster cluster;
  cluster.name = "c";
  cluster.nodes = {{"n", 1}};
  cluster.lan = {1e15, 0};
  cluster.storage = {1e15, 0};
  scenario.platform.clusters.push_back(cluster);
  workflow::Workflow workflow("w");
  for (size_t i = 0; i < works.size(); ++i) {
    workflow::Component component;
    component.name = "k" + std::to_string(i);
    component.script = "k.sh";
    workflow::ComponentId id = workflow.AddComponent(component);
    (void)id;
    sim::ComponentDeployment deployment;
    deployment.cluster = "c";
    deployment.cpu = cpu;
    deployment.memory_bytes = 1e6;
    deployment.parallelism = 1;
    scenario.deployments.push_back(deployment);
    sim::ComponentBehaviour behaviour;
    behaviour.work_base = works[i];
    behaviour.output_files_per_input = 0;
    scenario.behaviours.push_back(behaviour);
  }
  scenario.workflow = std::move(workflow);
  scenario.workload.files = 1;
  scenario.workload.batch_size = 1;
  return scenario;
}

std::map<std::string, double> ComputeTimes(const sim::Scenario& scenario) {
  sim::ValidateScenario(scenario);
  std::map<std::string, double> times;
  sim::Simulation::Options options;
  options.on_job = [&](const JobRecord& job) { times[job.component] = job.compute_s(); };
  sim::Simulation(scenario).Run(options);
  return times;
}

// Each component's one job, as recorded.
std::map<std::string, JobRecord> Records(const sim::Scenario& scenario) {
  sim::ValidateScenario(scenario);
  std::map<std::string, JobRecord> records;
  sim::Simulation::Options options;
  options.on_job = [&](const JobRecord& job) { records[job.component] = job; };
  sim::Simulation(scenario).Run(options);
  return records;
}

TEST(Interference, ZeroKeepsProcessorSharingExact) {
  sim::Scenario scenario = Make(4, 1, {4e9, 2e9});
  auto times = ComputeTimes(scenario);
  ExpectClose(times["k0"], 4, "k0");
  ExpectClose(times["k1"], 2, "k1");
}

// Both jobs start at 0 with f = 1.5; k1 (2e9) ends at 3 s, when k0 has done 2e9 of its 4e9;
// alone, k0 does the rest in 2 s: 5 s.
TEST(Interference, SlowdownFollowsOccupancy) {
  sim::Scenario scenario = Make(4, 1, {4e9, 2e9});
  for (sim::ComponentBehaviour& behaviour : scenario.behaviours) behaviour.interference["n"] = 0.5;
  auto times = ComputeTimes(scenario);
  ExpectClose(times["k1"], 3, "k1");
  ExpectClose(times["k0"], 5, "k0");
}

// Only k0 suffers: k1 runs as without interference (2 s); k0 does 2e9 / 1.5 flops' worth by then
// and the remaining 4e9 - 1.333e9 alone.
TEST(Interference, PerComponent) {
  sim::Scenario scenario = Make(4, 1, {4e9, 2e9});
  scenario.behaviours[0].interference["n"] = 0.5;
  auto times = ComputeTimes(scenario);
  ExpectClose(times["k1"], 2, "k1");
  ExpectClose(times["k0"], 2 + (4e9 - 2e9 / 1.5) / 1e9, "k0");
}

// Interference comes from jobs running at the same moment: two jobs time-sliced on one core
// never do, so each takes what processor sharing alone gives (half the core: 4 s for 2e9).
TEST(Interference, TimeSlicedJobsOnOneCoreDoNotInterfere) {
  sim::Scenario scenario = Make(1, 0.5, {2e9, 2e9});  // requests fit, limits of 1 core compete
  for (sim::ComponentDeployment& deployment : scenario.deployments) deployment.cpu_limit = 1;
  for (sim::ComponentBehaviour& behaviour : scenario.behaviours) behaviour.interference["n"] = 0.5;
  auto times = ComputeTimes(scenario);
  ExpectClose(times["k0"], 4, "k0");
  ExpectClose(times["k1"], 4, "k1");
}

// Interference multiplies processor sharing on an oversubscribed node, counting the jobs that
// run at once: four single-threaded jobs on two cores each get half a core, and beside each one
// runs one other at a time (3 others x the 1 free core / their 3 cores), so f = 1 + 0.5 x 1 and
// 2e9 flops take 2e9 x 1.5 / 0.5e9 = 6 s (10 s if all three others counted).
TEST(Interference, OnAnOversubscribedNodeCountsTheJobsRunningAtOnce) {
  sim::Scenario scenario = Make(2, 0.5, {2e9, 2e9, 2e9, 2e9});  // requests fit, limits compete
  for (sim::ComponentDeployment& deployment : scenario.deployments) deployment.cpu_limit = 1;
  for (sim::ComponentBehaviour& behaviour : scenario.behaviours) behaviour.interference["n"] = 0.5;
  auto times = ComputeTimes(scenario);
  for (const char* job : {"k0", "k1", "k2", "k3"}) ExpectClose(times[job], 6, job);
}

// Multi-threaded jobs (cpu 2.5: two full threads and a bounded one) with a serial part, both
// computing the whole time: the idle-node formula times 1 + a.
TEST(Interference, ThreadedJobsWithSerialPart) {
  sim::Scenario scenario = Make(8, 2.5, {5e9, 5e9});
  for (sim::ComponentBehaviour& behaviour : scenario.behaviours) {
    behaviour.serial_fraction = 0.2;
    behaviour.interference["n"] = 0.3;
  }
  auto times = ComputeTimes(scenario);
  const double idle = scenario.behaviours[0].IdleComputeTime(0, 2.5, 1e9);
  ExpectClose(times["k0"], idle * 1.3, "k0");
  ExpectClose(times["k1"], idle * 1.3, "k1");
}

// Many jobs arriving over time, threaded with a fractional thread: every job is slower than on
// an idle node by at most 1 + a (n_max - 1), at least as slow as alone, and all finish.
TEST(Interference, StaggeredArrivalsStayWithinBounds) {
  sim::Scenario scenario = Make(4, 1.5, {3e9});
  scenario.deployments[0].parallelism = 4;
  scenario.behaviours[0].serial_fraction = 0.1;
  scenario.behaviours[0].interference["n"] = 0.2;
  scenario.workload.files = 30;
  scenario.workload.batch_size = 1;
  scenario.workload.inter_upload_time = 0.7;
  sim::ValidateScenario(scenario);
  std::vector<double> times;
  sim::Simulation::Options options;
  options.on_job = [&](const JobRecord& job) { times.push_back(job.compute_s()); };
  sim::Simulation(scenario).Run(options);
  ASSERT_EQ(times.size(), 30u);
  const double idle = scenario.behaviours[0].IdleComputeTime(0, 1.5, 1e9);
  // 4 jobs of 1.5 cores on 4 cores: processor sharing adds at most 6 / 4.
  for (double t : times) {
    EXPECT_GE(t, idle * (1 - 1e-9));
    EXPECT_LE(t, idle * 1.5 * (1 + 0.2 * 3) * (1 + 1e-9));
  }
  EXPECT_GT(*std::max_element(times.begin(), times.end()), idle * 1.05);
}

TEST(SpeedFactor, DividesTheWorkOnItsNodeType) {
  sim::Scenario scenario = Make(4, 0.5, {4e9});
  scenario.behaviours[0].speed_factor["n"] = 2;
  scenario.behaviours[0].speed_factor["other"] = 7;  // another node type: no effect here
  auto times = ComputeTimes(scenario);
  ExpectClose(times["k0"], 4e9 / 2 / (0.5e9), "k0");
}

// A job alone: its compute phase is its work's time on the idle node plus its off-CPU seconds
// (base + per_byte x input), and it consumed the work's CPU seconds only.
TEST(OffCpu, AloneAddsToTheIdleComputeTime) {
  sim::Scenario scenario = Make(4, 2, {3e9});
  scenario.behaviours[0].serial_fraction = 0.5;
  scenario.behaviours[0].off_cpu_base = 0.25;
  scenario.behaviours[0].off_cpu_per_byte = 1e-7;
  scenario.workload.input_size.a = 5e6;  // 0.5 s more off the CPU
  auto records = Records(scenario);
  // 1.5e9 serial on one core, 1.5e9 over two: 1.5 + 0.75 s, then 0.75 s off the CPU.
  ExpectClose(records["k0"].compute_s(), 1.5 + 0.75 + 0.75, "compute");
  ExpectClose(records["k0"].compute_s(), scenario.behaviours[0].IdleComputeTime(5e6, 2, 1e9),
              "IdleComputeTime");
  ExpectClose(records["k0"].cpu_time_s, 3, "cpu_time_s");
}

// Two jobs time-sliced on one core share only their CPU parts: k1 (1e9, then 3 s off the CPU)
// computes at half the core until 2 s, then sleeps until 5 s; k0 (2e9) has the core to itself
// from 2 s and ends at 3 s (4 s if k1's off-CPU time held half the core).
TEST(OffCpu, TwoJobsOnOneCoreShareOnlyTheirCpuParts) {
  sim::Scenario scenario = Make(1, 0.5, {2e9, 1e9});  // requests fit, limits of 1 core compete
  for (sim::ComponentDeployment& deployment : scenario.deployments) deployment.cpu_limit = 1;
  scenario.behaviours[1].off_cpu_base = 3;
  auto records = Records(scenario);
  ExpectClose(records["k0"].compute_s(), 3, "k0");
  ExpectClose(records["k1"].compute_s(), 5, "k1");
  ExpectClose(records["k0"].cpu_time_s, 2, "k0 cpu_time_s");
  ExpectClose(records["k1"].cpu_time_s, 1, "k1 cpu_time_s");
}

// Interference counts only jobs computing: k1 (2e9 at f = 1.5 until 3 s, then 1 s off the CPU)
// leaves k0 (4e9, 2e9 done by 3 s) alone from 3 s, so k0 ends at 5 s (6 s if k1's sleep counted as
// computing), and k1's off-CPU second is not stretched (4 s, not 4.5). A slowed-down job holds
// its core longer: k0 consumed 2e9 x 1.5 + 2e9 flops' worth of CPU time.
TEST(OffCpu, InterferenceDoesNotStretchTheOffCpuPart) {
  sim::Scenario scenario = Make(4, 1, {4e9, 2e9});
  for (sim::ComponentBehaviour& behaviour : scenario.behaviours) behaviour.interference["n"] = 0.5;
  scenario.behaviours[1].off_cpu_base = 1;
  auto records = Records(scenario);
  ExpectClose(records["k1"].compute_s(), 4, "k1");
  ExpectClose(records["k0"].compute_s(), 5, "k0");
  ExpectClose(records["k0"].cpu_time_s, 5, "k0 cpu_time_s");
  ExpectClose(records["k1"].cpu_time_s, 3, "k1 cpu_time_s");
}

// A drawn service time is the whole compute phase on an idle node: its off-CPU part is slept and
// the rest computed (2 s drawn, 0.5 s of them off the CPU: 1.5 CPU seconds); a drawn time shorter
// than the off-CPU time is all off the CPU.
TEST(OffCpu, ADrawnServiceTimeIncludesIt) {
  sim::Scenario scenario = Make(4, 1, {0, 0});
  scenario.behaviours[0].service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  scenario.behaviours[0].service_time.mean_s = 2;
  scenario.behaviours[0].off_cpu_base = 0.5;
  scenario.behaviours[1].service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  scenario.behaviours[1].service_time.mean_s = 0.2;
  scenario.behaviours[1].off_cpu_base = 0.5;
  auto records = Records(scenario);
  ExpectClose(records["k0"].compute_s(), 2, "k0");
  ExpectClose(records["k0"].cpu_time_s, 1.5, "k0 cpu_time_s");
  ExpectClose(records["k1"].compute_s(), 0.2, "k1");
  ExpectClose(records["k1"].cpu_time_s, 0, "k1 cpu_time_s");
}

// An ML model that predicts the same seconds for every job (no features).
class ConstantModel : public sim::ComputeTimeModel {
 public:
  explicit ConstantModel(double seconds) : seconds_(seconds) {}
  const std::vector<std::string>& inputs() const override { return inputs_; }
  const std::map<std::string, std::pair<double, double>>& input_ranges() const override {
    return ranges_;
  }
  double Seconds(const std::vector<double>&) const override { return seconds_; }
  const std::string& source() const override { return source_; }

 private:
  double seconds_;
  std::vector<std::string> inputs_;
  std::map<std::string, std::pair<double, double>> ranges_;
  std::string source_ = "constant";
};

// A model's seconds are the whole compute phase on an idle node, off-CPU time included: k0's
// model says 2 s, 1 s of them off the CPU, so it computes 1e9 flops, beside k1's 2e9 on one core
// (half each until 2 s), then sleeps until 3 s while k1 computes alone until 3 s. Were the 2 s all
// work, both would end at 4 s.
TEST(OffCpu, AModelsSecondsIncludeIt) {
  sim::Scenario scenario = Make(1, 0.5, {0, 2e9});  // requests fit, limits of 1 core compete
  for (sim::ComponentDeployment& deployment : scenario.deployments) deployment.cpu_limit = 1;
  scenario.behaviours[0].compute_model = std::make_shared<ConstantModel>(2);
  scenario.behaviours[0].off_cpu_base = 1;
  auto records = Records(scenario);
  ExpectClose(records["k0"].compute_s(), 3, "k0");
  ExpectClose(records["k1"].compute_s(), 3, "k1");
  ExpectClose(records["k0"].cpu_time_s, 1, "k0 cpu_time_s");
  ExpectClose(records["k1"].cpu_time_s, 2, "k1 cpu_time_s");
}

}  // namespace
}  // namespace twinprof::test
