// Synchronous services against queueing theory, with closed forms computed here: M/M/c with a
// queue (Erlang C), M/M/c/c with rejection (Erlang B), M/D/1 (Pollaczek-Khinchine), over 10^5
// Poisson requests. Containers start instantly (no overheads, no image), so a container is a
// server. The bound is a confidence interval from batch means (20 batches of consecutive
// requests, which are nearly independent at these loads): the simulated figure must lie within
// 4 standard errors of the exact one, and that error must be small (the test is sharp).
//
// Also the node-capped cases of issue 19: when the nodes, not max_scale, cap the containers, a
// request waits for a container that frees up (it used to wait for an idle one to expire), and
// reject_when_full rejects at the node cap.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/simulation.h"

namespace twinprof::test {
namespace {

struct QueueSetup {
  int cores = 1;             // one node; each container requests one core
  double arrival_rate = 1;   // requests per second (Poisson); 0: all at t = 0
  sim::ServiceTime service;  // of each request
  sim::SyncSettings sync;    // mode: sync is set
  int64_t requests = 100000;
  uint64_t seed = 1;
  bool poisson = true;  // exponential gaps between requests; deterministic otherwise
};

sim::Scenario QueueScenario(const QueueSetup& setup) {
  sim::Scenario scenario;
  scenario.name = "queue";
  platform::Platform& platform = scenario.platform;
  platform.name = "one-node";
  platform::NodeType type;
  type.name = "n";
  type.arch = "x86_64";
  type.cores = setup.cores;
  type.speed = 1e9;
  type.memory_bytes = 1e12;
  platform.node_types.push_back(type);
  platform::Cluster cluster;
  cluster.name = "c";
  cluster.nodes = {{"n", 1}};
  cluster.lan = {1e15, 0};
  cluster.storage = {1e15, 0};
  platform.clusters.push_back(cluster);
  platform.overheads.scheduling_s = 0;
  platform.overheads.pod_start_s = 0;
  platform.overheads.image_pull_bandwidth = 1e9;
  workflow::Component component;
  component.name = "s";
  component.script = "s.sh";
  scenario.workflow = workflow::Workflow("one");
  scenario.workflow.AddComponent(component);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  deployment.cpu = 1;
  deployment.memory_bytes = 1e6;
  deployment.sync = setup.sync;
  deployment.sync.enabled = true;
  scenario.deployments.push_back(deployment);
  sim::ComponentBehaviour behaviour;
  behaviour.service_time = setup.service;
  behaviour.output_files_per_input = 0;
  scenario.behaviours.push_back(behaviour);
  scenario.workload.files = setup.requests;
  if (setup.arrival_rate > 0) {
    scenario.workload.inter_upload_time = 1 / setup.arrival_rate;
    scenario.workload.exponential = setup.poisson;
  } else {
    scenario.workload.batch_size = setup.requests;
  }
  scenario.workload.seed = setup.seed;
  return scenario;
}

struct Served {
  std::vector<JobRecord> records;  // in finishing order (rejections at their submission)
  sim::Simulation::Summary summary;
};

// Keeps every record (small runs) or none (`keep` false: only `values` of each record).
Served RunQueue(const QueueSetup& setup, bool keep,
                const std::function<void(const JobRecord&)>& each = nullptr) {
  sim::Scenario scenario = QueueScenario(setup);
  sim::ValidateScenario(scenario);
  Served served;
  sim::Simulation::Options options;
  options.on_job = [&](const JobRecord& record) {
    if (keep) served.records.push_back(record);
    if (each) each(record);
  };
  served.summary = sim::Simulation(scenario).Run(options);
  return served;
}

sim::ServiceTime Exponential(double mean) {
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kExponential;
  time.mean_s = mean;
  return time;
}

sim::ServiceTime Deterministic(double value) {
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kDeterministic;
  time.mean_s = value;
  return time;
}

// Mean of `values` and the standard error of that mean from `batches` batch means.
std::pair<double, double> BatchMeans(const std::vector<double>& values, int batches) {
  const size_t size = values.size() / static_cast<size_t>(batches);
  std::vector<double> means;
  for (int b = 0; b < batches; ++b) {
    auto begin = values.begin() + static_cast<std::ptrdiff_t>(b * size);
    means.push_back(std::accumulate(begin, begin + static_cast<std::ptrdiff_t>(size), 0.0) /
                    static_cast<double>(size));
  }
  const double mean = std::accumulate(means.begin(), means.end(), 0.0) / batches;
  double squares = 0;
  for (double m : means) squares += (m - mean) * (m - mean);
  const double error = std::sqrt(squares / (batches - 1) / batches);
  return {mean, error};
}

void ExpectWithinSamplingError(const std::vector<double>& values, double exact,
                               const std::string& what) {
  auto [mean, error] = BatchMeans(values, 20);
  EXPECT_LE(std::abs(mean - exact), 4 * error)
      << what << ": simulated " << mean << " +- " << error << ", exact " << exact;
  EXPECT_LT(error, 0.05 * exact) << what << ": the bound is too loose to test anything";
}

// Erlang B blocking probability for c servers at offered load a (recurrence, stable).
double ErlangB(int c, double a) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b;
}

// Erlang C: the probability of waiting, for c servers at offered load a < c.
double ErlangC(int c, double a) {
  const double b = ErlangB(c, a);
  return c * b / (c - a * (1 - b));
}

sim::SyncSettings NeverExpire() {
  sim::SyncSettings sync;
  sync.keep_alive_s = 1e9;
  return sync;
}

// The repro of issue 19: one 1-core node, three 1 s requests at t = 0. The second and third
// wait for the first container to free up: 0-1, 1-2, 2-3 s (they ran at 61-62 and 122-123 s,
// after an idle container's keep-alive).
void ExpectServedOneAfterAnother(const sim::SyncSettings& sync) {
  QueueSetup setup;
  setup.arrival_rate = 0;
  setup.requests = 3;
  setup.service = Deterministic(1);
  setup.sync = sync;
  setup.sync.keep_alive_s = 60;
  Served served = RunQueue(setup, /*keep=*/true);
  ASSERT_EQ(served.records.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const JobRecord& job = served.records[i];
    EXPECT_TRUE(job.succeeded()) << job.job_id;
    EXPECT_NEAR(job.t_exec_start, i, 1e-9) << job.job_id;
    EXPECT_NEAR(job.t_finish, i + 1, 1e-9) << job.job_id;
  }
  const sim::ResponseTimes& figures = served.summary.result.components.at("s");
  EXPECT_NEAR(figures.containers_max, 1, 0);
  EXPECT_NEAR(figures.cold_start_probability, 1.0 / 3, 1e-12);
  EXPECT_NEAR(figures.wait_mean, 1, 1e-9);  // 0, 1 and 2 s
}

TEST(NodeCappedScale, RequestsWaitForAFreedContainerWithoutMaxScale) {
  ExpectServedOneAfterAnother(sim::SyncSettings{});
}

TEST(NodeCappedScale, RequestsWaitForAFreedContainerAboveWhatFits) {
  sim::SyncSettings sync;
  sync.max_scale = 3;
  ExpectServedOneAfterAnother(sync);
}

TEST(NodeCappedScale, RequestsWaitForAFreedContainerAtMaxScale) {
  sim::SyncSettings sync;
  sync.max_scale = 1;
  ExpectServedOneAfterAnother(sync);
}

TEST(NodeCappedScale, RejectWhenFullRejectsAtTheNodeCap) {
  QueueSetup setup;
  setup.arrival_rate = 0;
  setup.requests = 3;
  setup.service = Deterministic(1);
  setup.sync.reject_when_full = true;
  Served served = RunQueue(setup, /*keep=*/true);
  ASSERT_EQ(served.records.size(), 3u);
  int rejected = 0;
  for (const JobRecord& job : served.records) {
    if (job.failure_reason == "rejected") {
      ++rejected;
      EXPECT_NEAR(job.t_finish, 0, 0);
    } else {
      EXPECT_NEAR(job.t_finish, 1, 1e-9);
    }
  }
  EXPECT_EQ(rejected, 2);
  const sim::ResponseTimes& figures = served.summary.result.components.at("s");
  EXPECT_EQ(figures.rejected, 2);
  EXPECT_NEAR(figures.rejection_probability, 2.0 / 3, 1e-12);
}

// M/M/4 with a queue: λ = 3/s, mean service 1 s (ρ = 0.75), the 4 containers capped by a
// 4-core node (no max_scale). Erlang C: mean wait 0.509 s (it was 7,188 s).
TEST(Queueing, ErlangCMeanWaitWithNodeCappedScale) {
  QueueSetup setup;
  setup.cores = 4;
  setup.arrival_rate = 3;
  setup.service = Exponential(1);
  setup.sync = NeverExpire();
  std::vector<double> waits;
  waits.reserve(setup.requests);
  Served served = RunQueue(setup, false, [&](const JobRecord& r) { waits.push_back(r.wait_s()); });
  ASSERT_EQ(static_cast<int64_t>(waits.size()), setup.requests);
  const double exact = ErlangC(4, 3) / (4 * 1.0 - 3);
  ExpectWithinSamplingError(waits, exact, "M/M/4 mean wait");
  EXPECT_NEAR(served.summary.result.components.at("s").wait_mean,
              std::accumulate(waits.begin(), waits.end(), 0.0) / waits.size(), 1e-9);
  EXPECT_EQ(served.summary.result.components.at("s").containers_max, 4);
}

// M/M/4/4 with rejection (reject_when_full at max_scale 4 on an 8-core node): λ = 3/s, mean
// service 1 s. Erlang B: 20.6% rejected.
TEST(Queueing, ErlangBRejectionAtMaxScale) {
  QueueSetup setup;
  setup.cores = 8;
  setup.arrival_rate = 3;
  setup.service = Exponential(1);
  setup.sync = NeverExpire();
  setup.sync.max_scale = 4;
  setup.sync.reject_when_full = true;
  std::vector<double> rejected;
  rejected.reserve(setup.requests);
  Served served = RunQueue(setup, false, [&](const JobRecord& r) {
    rejected.push_back(r.failure_reason == "rejected" ? 1 : 0);
  });
  // Batches in order of the records (a rejection is recorded when it happens).
  ExpectWithinSamplingError(rejected, ErlangB(4, 3), "M/M/4/4 rejection probability");
  const sim::ResponseTimes& figures = served.summary.result.components.at("s");
  EXPECT_NEAR(figures.rejection_probability,
              std::accumulate(rejected.begin(), rejected.end(), 0.0) / rejected.size(), 1e-12);
}

// The same with the node as the cap (4 cores, no max_scale).
TEST(Queueing, ErlangBRejectionAtTheNodeCap) {
  QueueSetup setup;
  setup.cores = 4;
  setup.arrival_rate = 3;
  setup.service = Exponential(1);
  setup.sync = NeverExpire();
  setup.sync.reject_when_full = true;
  setup.requests = 50000;
  std::vector<double> rejected;
  RunQueue(setup, false,
           [&](const JobRecord& r) { rejected.push_back(r.failure_reason == "rejected" ? 1 : 0); });
  ExpectWithinSamplingError(rejected, ErlangB(4, 3), "M/M/4/4 (node cap) rejection");
}

// M/D/1: one container (max_scale 1), deterministic service D = 1 s, λ = 0.75/s. Pollaczek-
// Khinchine: Wq = ρ D / (2 (1 - ρ)) = 1.5 s.
TEST(Queueing, PollaczekKhinchineMeanWaitWithDeterministicService) {
  QueueSetup setup;
  setup.cores = 2;
  setup.arrival_rate = 0.75;
  setup.service = Deterministic(1);
  setup.sync = NeverExpire();
  setup.sync.max_scale = 1;
  std::vector<double> waits;
  waits.reserve(setup.requests);
  RunQueue(setup, false, [&](const JobRecord& r) { waits.push_back(r.wait_s()); });
  const double rho = 0.75;
  ExpectWithinSamplingError(waits, rho * 1 / (2 * (1 - rho)), "M/D/1 mean wait");
}

// Knative's autoscaler end to end: a request to a service with no container starts one at once;
// with no traffic the stable window (60 s) empties, one container stays for the grace period
// (30 s), then none: the container lives from 0 to 92 s (ticks every 2 s), and the request at
// 300 s finds none and starts another.
TEST(KnativeService, ScalesFromZeroAndBackToZero) {
  QueueSetup setup;
  setup.arrival_rate = 1.0 / 300;
  setup.poisson = false;
  setup.requests = 2;
  setup.service = Deterministic(1);
  setup.sync.knative = true;
  Served served = RunQueue(setup, /*keep=*/true);
  ASSERT_EQ(served.records.size(), 2u);
  EXPECT_NEAR(served.records[1].t_finish, 301, 1e-9);
  const sim::ResponseTimes& figures = served.summary.result.components.at("s");
  EXPECT_EQ(figures.cold_start_probability, 1);
  EXPECT_EQ(figures.containers_max, 1);
  EXPECT_NEAR(figures.containers_mean, (92 + 1) / 301.0, 1e-9);
}

// Steady Poisson load of 2 requests in flight (λ 2/s, 1 s each) at a target of 0.7 per container:
// the KPA keeps about ceil(2 / 0.7) = 3 containers (more when the panic window sees bursts), and
// every request is served.
TEST(KnativeService, SteadyLoadKeepsTargetConcurrency) {
  QueueSetup setup;
  setup.cores = 64;
  setup.arrival_rate = 2;
  setup.requests = 20000;
  setup.service = Deterministic(1);
  setup.sync.knative = true;
  int64_t served_count = 0;
  Served served =
      RunQueue(setup, false, [&](const JobRecord& r) { served_count += r.succeeded(); });
  EXPECT_EQ(served_count, setup.requests);
  const sim::ResponseTimes& figures = served.summary.result.components.at("s");
  EXPECT_GT(figures.containers_mean, 2.9);
  EXPECT_LT(figures.containers_mean, 5);
  EXPECT_LT(figures.cold_start_probability, 0.05);
}

}  // namespace
}  // namespace twinprof::test
