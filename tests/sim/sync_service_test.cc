// Closed-form checks of synchronous services (sim/sync_containers.h): warm containers, keep-alive,
// max_scale queueing and rejection. One node of 4 cores at 1e9 flops per core; each request does
// 4e9 flops on 1 core (4 s). Overheads: scheduling 0.5 s, image pull 2 s (first time on the
// node), container start 1.5 s, application init 0.25 s. Relative error <= 1e-6.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/process_pool.h"
#include "sim/simulation.h"

namespace twinprof::test {
namespace {

void ExpectClose(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), 1e-6 * std::max(1.0, std::abs(expected)))
      << what << ": actual " << actual << ", expected " << expected;
}

constexpr double kScheduling = 0.5, kPull = 2, kStart = 1.5, kInit = 0.25, kCompute = 4;

// `files` requests, `gap` seconds apart (all at t = 0 when gap is 0).
sim::Scenario SyncScenario(const sim::SyncSettings& sync, int64_t files, double gap) {
  sim::Scenario scenario;
  scenario.name = "sync";
  platform::Platform& platform = scenario.platform;
  platform.name = "test";
  platform::NodeType type;
  type.name = "n";
  type.arch = "x86_64";
  type.cores = 4;
  type.speed = 1e9;
  type.memory_bytes = 64e9;
  platform.node_types.push_back(type);
  platform::Cluster cluster;
  cluster.name = "c";
  cluster.nodes = {{"n", 1}};
  cluster.lan = {1e15, 0};
  cluster.storage = {1e15, 0};
  platform.clusters.push_back(cluster);
  platform.overheads.scheduling_s = kScheduling;
  platform.overheads.pod_start_s = kStart;
  platform.overheads.image_pull_bandwidth = 1e8;
  workflow::Component component;
  component.name = "a";
  component.script = "a.sh";
  component.image_size_bytes = kPull * 1e8;
  scenario.workflow = workflow::Workflow("one");
  scenario.workflow.AddComponent(component);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  deployment.cpu = 1;
  deployment.memory_bytes = 1e9;
  deployment.sync = sync;
  deployment.sync.enabled = true;
  deployment.sync.init_s = kInit;
  scenario.deployments.push_back(deployment);
  sim::ComponentBehaviour behaviour;
  behaviour.work_base = kCompute * 1e9;
  behaviour.output_files_per_input = 0;
  scenario.behaviours.push_back(behaviour);
  scenario.workload.files = files;
  scenario.workload.batch_size = gap > 0 ? 1 : files;
  scenario.workload.inter_upload_time = gap;
  return scenario;
}

struct Outcome {
  sim::Simulation::Summary summary;
  std::vector<JobRecord> jobs;  // by job number
};

Outcome Simulate(const sim::Scenario& scenario) {
  sim::ValidateScenario(scenario);
  Outcome outcome;
  std::ostringstream csv;
  sim::Simulation::Options options;
  options.jobs_csv = &csv;
  options.on_job = [&outcome](const JobRecord& record) { outcome.jobs.push_back(record); };
  outcome.summary = sim::Simulation(scenario).Run(options);
  std::sort(outcome.jobs.begin(), outcome.jobs.end(),
            [](const JobRecord& a, const JobRecord& b) { return a.job_id < b.job_id; });
  return outcome;
}

// A cold start on a node with (without) the image.
constexpr double kColdWithPull = kPull + kStart + kInit;
constexpr double kColdCached = kStart + kInit;

TEST(SyncService, WarmMinScaleContainerHasNoColdStart) {
  sim::SyncSettings sync;
  sync.min_scale = 1;
  Outcome outcome = Simulate(SyncScenario(sync, 1, 0));
  ASSERT_EQ(outcome.jobs.size(), 1u);
  const JobRecord& job = outcome.jobs[0];
  ExpectClose(job.wait_s(), 0, "wait");
  ExpectClose(job.cold_start_s(), 0, "cold start");
  ExpectClose(job.compute_s(), kCompute, "compute");
  ExpectClose(job.total_s(), kCompute, "total");
  EXPECT_EQ(outcome.summary.result.image_pulls, 0);
}

TEST(SyncService, FirstRequestColdStarts) {
  Outcome outcome = Simulate(SyncScenario(sim::SyncSettings{}, 1, 0));
  ASSERT_EQ(outcome.jobs.size(), 1u);
  ExpectClose(outcome.jobs[0].wait_s(), kScheduling, "wait");
  ExpectClose(outcome.jobs[0].cold_start_s(), kColdWithPull, "cold start");
  ExpectClose(outcome.jobs[0].t_finish, kScheduling + kColdWithPull + kCompute, "finish");
}

// The first request ends at 8.25 s; its container stays until 8.25 + keep_alive = 18.25 s.
TEST(SyncService, RequestWithinKeepAliveIsWarm) {
  sim::SyncSettings sync;
  sync.keep_alive_s = 10;
  Outcome outcome = Simulate(SyncScenario(sync, 2, 12));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  ExpectClose(outcome.jobs[0].cold_start_s(), kColdWithPull, "first cold start");
  const JobRecord& second = outcome.jobs[1];
  ExpectClose(second.t_submit, 12, "second submit");
  ExpectClose(second.wait_s(), 0, "second wait");
  ExpectClose(second.cold_start_s(), 0, "second cold start");
  ExpectClose(second.t_finish, 12 + kCompute, "second finish");
}

TEST(SyncService, RequestAfterKeepAliveColdStartsAgain) {
  sim::SyncSettings sync;
  sync.keep_alive_s = 10;
  Outcome outcome = Simulate(SyncScenario(sync, 2, 20));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  ExpectClose(outcome.jobs[0].cold_start_s(), kColdWithPull, "first cold start");
  const JobRecord& second = outcome.jobs[1];
  ExpectClose(second.wait_s(), kScheduling, "second wait");
  // The node kept the image: no pull this time.
  ExpectClose(second.cold_start_s(), kColdCached, "second cold start");
  ExpectClose(second.t_finish, 20 + kScheduling + kColdCached + kCompute, "second finish");
  EXPECT_EQ(outcome.summary.result.image_pulls, 1);
}

TEST(SyncService, MaxScaleQueuesTheSecondRequest) {
  sim::SyncSettings sync;
  sync.max_scale = 1;
  Outcome outcome = Simulate(SyncScenario(sync, 2, 0));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  const JobRecord& first = outcome.jobs[0];
  const JobRecord& second = outcome.jobs[1];
  ExpectClose(first.t_finish, kScheduling + kColdWithPull + kCompute, "first finish");
  ExpectClose(second.wait_s(), first.total_s(), "second wait = first's service time");
  ExpectClose(second.cold_start_s(), 0, "second cold start");
  ExpectClose(second.t_finish, first.t_finish + kCompute, "second finish");
  EXPECT_TRUE(second.succeeded());
}

TEST(SyncService, MaxScaleRejectsTheSecondRequest) {
  sim::SyncSettings sync;
  sync.max_scale = 1;
  sync.reject_when_full = true;
  Outcome outcome = Simulate(SyncScenario(sync, 2, 0));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  EXPECT_TRUE(outcome.jobs[0].succeeded());
  ExpectClose(outcome.jobs[0].t_finish, kScheduling + kColdWithPull + kCompute, "first finish");
  EXPECT_EQ(outcome.jobs[1].status, "failed");
  EXPECT_EQ(outcome.jobs[1].failure_reason, "rejected");
  ExpectClose(outcome.jobs[1].total_s(), 0, "rejected at once");
  EXPECT_EQ(outcome.summary.result.jobs, 1);  // statistics count served requests
}

// container_concurrency 2 at max_scale 1: the second request queues while the one container
// starts, then shares it (each with its own 1-core limit on the 4-core node). Both waited for a
// container that was not ready when they came: both are cold starts.
TEST(SyncService, ConcurrencyShareOneContainer) {
  sim::SyncSettings sync;
  sync.max_scale = 1;
  sync.container_concurrency = 2;
  Outcome outcome = Simulate(SyncScenario(sync, 2, 0));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  const double ready = kScheduling + kColdWithPull;
  ExpectClose(outcome.jobs[0].t_finish, ready + kCompute, "first finish");
  ExpectClose(outcome.jobs[1].wait_s(), kScheduling, "second wait");
  ExpectClose(outcome.jobs[1].cold_start_s(), kColdWithPull, "second waits for the container");
  ExpectClose(outcome.summary.result.components.at("a").cold_start_probability, 1, "P(cold)");
  ExpectClose(outcome.jobs[1].t_finish, ready + kCompute, "second finish");
}

// Two simultaneous requests without max_scale: two containers, the second waits for the image
// pull the first started on the same node.
TEST(SyncService, SimultaneousRequestsStartTwoContainers) {
  Outcome outcome = Simulate(SyncScenario(sim::SyncSettings{}, 2, 0));
  ASSERT_EQ(outcome.jobs.size(), 2u);
  for (const JobRecord& job : outcome.jobs) {
    ExpectClose(job.cold_start_s(), kColdWithPull, job.job_id + " cold start");
    ExpectClose(job.t_finish, kScheduling + kColdWithPull + kCompute, job.job_id + " finish");
  }
  EXPECT_EQ(outcome.summary.result.image_pulls, 1);
}

// Routing among idle containers, seen from the records: three requests at t = 0 start three
// containers, one per 1-core node (first-fit, so in creation order), computing 4, 6 and 2 s
// (input bytes x 1e9 flops per byte): they are freed third, first, second. A fourth request at
// t = 30, within keep_alive, finds all three idle and goes to the one its routing promises: the
// most recently used (the second), the newest (the third), the oldest (the first), or any
// (random: over 12 seeds, more than one of them, and only those).
TEST(SyncService, EachRoutingSendsTheRequestToTheContainerItPromises) {
  struct Run {
    sim::Routing routing;
    uint64_t seed;
  };
  std::vector<Run> runs = {
      {sim::Routing::kMostRecentlyUsed, 1}, {sim::Routing::kNewest, 1}, {sim::Routing::kOldest, 1}};
  for (uint64_t seed = 1; seed <= 12; ++seed) runs.push_back({sim::Routing::kRandom, seed});
  std::vector<std::vector<std::string>> nodes(runs.size());
  sim::RunInChildProcesses(
      runs.size(), 2,
      [&runs](size_t i) {
        sim::SyncSettings sync;
        sync.keep_alive_s = 100;
        sync.routing = runs[i].routing;
        sim::Scenario scenario = SyncScenario(sync, 4, 0);
        scenario.platform.node_types[0].cores = 1;
        scenario.platform.clusters[0].nodes = {{"n", 3}};
        scenario.node_policy = sim::NodePolicy::kFirstFit;
        scenario.behaviours[0].work_base = 0;
        scenario.behaviours[0].work_per_byte = 1e9;
        scenario.workload.uploads = {{0, 4}, {0, 6}, {0, 2}, {30, 1}};
        scenario.workload.seed = runs[i].seed;
        Outcome outcome = Simulate(scenario);
        std::string out;
        for (const JobRecord& job : outcome.jobs) {
          out += job.node + " " + (job.cold_start_s() > 0 ? "cold" : "warm") + "\n";
        }
        return out;
      },
      [&nodes](size_t i, sim::ChildOutcome outcome) {
        ASSERT_TRUE(outcome.ok) << outcome.failure;
        std::istringstream in(outcome.output);
        std::string node, start;
        while (in >> node >> start) nodes[i].push_back(node + " " + start);
      });
  for (const std::vector<std::string>& run : nodes) ASSERT_EQ(run.size(), 4u);
  const std::vector<std::string>& first = nodes[0];
  EXPECT_NE(first[0], first[1]);
  EXPECT_NE(first[1], first[2]);
  EXPECT_NE(first[0], first[2]);
  auto warm = [](const std::string& cold_record) {
    return cold_record.substr(0, cold_record.find(' ')) + " warm";
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    for (int k = 0; k < 3; ++k) EXPECT_EQ(nodes[i][k], first[k]) << "run " << i;  // same start
  }
  EXPECT_EQ(nodes[0][3], warm(first[1])) << "most-recently-used";
  EXPECT_EQ(nodes[1][3], warm(first[2])) << "newest";
  EXPECT_EQ(nodes[2][3], warm(first[0])) << "oldest";
  std::set<std::string> random;
  for (size_t i = 3; i < runs.size(); ++i) {
    EXPECT_TRUE(nodes[i][3] == warm(first[0]) || nodes[i][3] == warm(first[1]) ||
                nodes[i][3] == warm(first[2]))
        << nodes[i][3];
    random.insert(nodes[i][3]);
  }
  EXPECT_GE(random.size(), 2u);  // all 12 alike by chance: 3 x (1/3)^12 = 6e-6
}

// cold_service_time: a cold request computes for a time of its own distribution (here always
// 7 s), a warm one for service_time's (4 s). With container_concurrency 2 and max_scale 1, the
// second request at t = 0 waits for the starting container: it is cold too. The third, at
// t = 20, finds the container warm.
TEST(SyncService, ColdRequestsDrawTheirOwnServiceTime) {
  sim::SyncSettings sync;
  sync.max_scale = 1;
  sync.container_concurrency = 2;
  sync.keep_alive_s = 100;
  sim::Scenario scenario = SyncScenario(sync, 3, 0);
  scenario.workload.uploads = {{0, 0}, {0, 0}, {20, 0}};
  sim::ComponentBehaviour& behaviour = scenario.behaviours[0];
  behaviour.work_base = 0;
  behaviour.service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  behaviour.service_time.mean_s = kCompute;
  behaviour.cold_service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  behaviour.cold_service_time.mean_s = 7;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 3u);
  ExpectClose(outcome.jobs[0].compute_s(), 7, "first (cold) compute");
  ExpectClose(outcome.jobs[1].compute_s(), 7, "second (waited for the new container) compute");
  ExpectClose(outcome.jobs[1].cold_start_s(), kColdWithPull, "second cold start");
  ExpectClose(outcome.jobs[2].cold_start_s(), 0, "third is warm");
  ExpectClose(outcome.jobs[2].compute_s(), kCompute, "third (warm) compute");
}

// Every job of an asynchronous component starts its own container: all draw cold_service_time.
TEST(SyncService, AsynchronousJobsDrawColdServiceTime) {
  sim::Scenario scenario = SyncScenario(sim::SyncSettings{}, 2, 12);
  scenario.deployments[0].sync = sim::SyncSettings{};  // mode: async
  sim::ComponentBehaviour& behaviour = scenario.behaviours[0];
  behaviour.work_base = 0;
  behaviour.service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  behaviour.service_time.mean_s = kCompute;
  behaviour.cold_service_time.kind = sim::ServiceTime::Kind::kDeterministic;
  behaviour.cold_service_time.mean_s = 7;
  Outcome outcome = Simulate(scenario);
  ASSERT_EQ(outcome.jobs.size(), 2u);
  for (const JobRecord& job : outcome.jobs) ExpectClose(job.compute_s(), 7, job.job_id);
}

// Where a service's node can never hold more computing than it has cores, its requests run on
// SimGrid timers instead of helper actors (job_flow_direct.cc). The same Poisson stream of
// exponential requests both ways: a cpu limit a hair above the request (the same compute time
// alone, but the node could be oversubscribed in principle) sends every task to the actors.
// Every request must get the same times, CPU seconds and cold or warm start; so with SimFaaS's
// semantics (routing: newest, cold requests' own exponential times). Half a second of each drawn
// time is spent off the CPU.
class TimedTasks : public ::testing::TestWithParam<bool> {};

TEST_P(TimedTasks, MatchActorTasks) {
  sim::SyncSettings sync;
  sync.keep_alive_s = 15;
  sync.reject_when_full = true;
  if (GetParam()) sync.routing = sim::Routing::kNewest;
  sim::Scenario scenario = SyncScenario(sync, 3000, 1.5);
  scenario.workload.exponential = true;
  scenario.workload.seed = 7;
  scenario.behaviours[0].work_base = 0;
  scenario.behaviours[0].service_time.kind = sim::ServiceTime::Kind::kExponential;
  scenario.behaviours[0].service_time.mean_s = 3;
  scenario.behaviours[0].off_cpu_base = 0.5;
  if (GetParam()) {
    scenario.behaviours[0].cold_service_time.kind = sim::ServiceTime::Kind::kExponential;
    scenario.behaviours[0].cold_service_time.mean_s = 5;
  }
  std::vector<std::string> runs(2);
  sim::RunInChildProcesses(
      2, 1,
      [&scenario](size_t i) {
        sim::Scenario run = scenario;
        if (i == 1) run.deployments[0].cpu_limit = 1 + 1e-7;
        Outcome outcome = Simulate(run);
        std::ostringstream out;
        out.precision(17);
        out << outcome.summary.actors << "\n";
        for (const JobRecord& job : outcome.jobs) {
          out << job.job_id << ' ' << job.status << ' ' << job.t_submit << ' ' << job.t_pod_start
              << ' ' << job.t_container_start << ' ' << job.t_exec_end << ' ' << job.t_finish << ' '
              << (std::isnan(job.cpu_time_s) ? -1 : job.cpu_time_s) << "\n";
        }
        return out.str();
      },
      [&runs](size_t i, sim::ChildOutcome outcome) {
        ASSERT_TRUE(outcome.ok) << outcome.failure;
        runs[i] = outcome.output;
      });
  std::istringstream timed(runs[0]), actors(runs[1]);
  long timed_actors = 0, actor_actors = 0;
  timed >> timed_actors;
  actors >> actor_actors;
  // Timers: the keep-alive actor only; actors: it and the helpers.
  EXPECT_EQ(timed_actors, 1);
  EXPECT_GT(actor_actors, 2);
  int jobs = 0, cold = 0;
  std::string id_a, id_b, status_a, status_b;
  double a[6], b[6];
  while (timed >> id_a >> status_a >> a[0] >> a[1] >> a[2] >> a[3] >> a[4] >> a[5]) {
    ASSERT_TRUE(actors >> id_b >> status_b >> b[0] >> b[1] >> b[2] >> b[3] >> b[4] >> b[5]);
    ASSERT_EQ(id_a, id_b);
    EXPECT_EQ(status_a, status_b) << id_a;
    for (int k = 0; k < 6; ++k) ExpectClose(a[k], b[k], id_a + " time " + std::to_string(k));
    ++jobs;
    if (a[2] > a[1]) ++cold;
  }
  EXPECT_EQ(jobs, 3000);
  EXPECT_GT(cold, 20);  // keep-alive expiries happen: both paths start containers again
}

INSTANTIATE_TEST_SUITE_P(SyncService, TimedTasks, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "NewestWithColdServiceTime"
                                                         : "MostRecentlyUsed");
                         });

}  // namespace
}  // namespace twinprof::test
