#include "sim/job_flow.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/arrivals.h"

namespace twinprof {

namespace sg4 = simgrid::s4u;

namespace {

int ClusterIndex(const Platform& platform, const std::string& name) {
  for (size_t i = 0; i < platform.clusters.size(); ++i) {
    if (platform.clusters[i].name == name) return static_cast<int>(i);
  }
  return 0;  // ValidateScenario guarantees the cluster exists
}

// How many jobs of `request` the eligible nodes can hold at once.
int64_t MaxConcurrentJobs(const NodePool& pool, const PodRequest& request) {
  int64_t total = 0;
  for (int i : *request.eligible) {
    const PoolNode& node = pool.nodes()[i];
    int64_t by_cpu = request.cpu_millis > 0 ? node.cpu_millis / request.cpu_millis
                                            : std::numeric_limits<int32_t>::max();
    int64_t by_memory = request.memory_bytes > 0 ? node.memory_bytes / request.memory_bytes
                                                 : std::numeric_limits<int32_t>::max();
    total += std::min(by_cpu, by_memory);
  }
  return total;
}

}  // namespace

JobFlow::JobFlow(const Scenario& scenario, const SimGridPlatform& platform, JobCsvWriter* csv,
                 std::function<void(const JobRecord&)> on_job, RunStatistics& statistics,
                 int run_id, int repetition)
    : scenario_(scenario),
      platform_(platform),
      csv_(csv),
      on_job_(std::move(on_job)),
      statistics_(statistics),
      run_id_(run_id),
      repetition_(repetition),
      images_(platform.nodes.size(), scenario.platform.overheads.images_cached),
      interference_(platform.nodes.size()) {
  std::vector<PoolNode> pool_nodes;
  for (const SimNode& node : platform_.nodes) {
    const NodeType* type = scenario_.platform.FindNodeType(node.node_type);
    NodeInfo info;
    info.host = node.host;
    info.name = node.host->get_name();
    info.type = type;
    info.cluster = ClusterIndex(scenario_.platform, node.cluster);
    nodes_.push_back(info);
    PoolNode pool_node;
    pool_node.cluster = node.cluster;
    pool_node.node_type = node.node_type;
    pool_node.cpu_millis = ToMillicores(type->cores);
    pool_node.memory_bytes = static_cast<int64_t>(type->memory_bytes);
    pool_node.free_cpu_millis = pool_node.cpu_millis;
    pool_node.free_memory_bytes = pool_node.memory_bytes;
    pool_nodes.push_back(pool_node);
  }
  pool_.emplace(std::move(pool_nodes), scenario_.node_policy);

  const Workflow& workflow = scenario_.workflow;
  components_.resize(workflow.size());
  for (ComponentId id : workflow.components()) {
    ComponentState& state = components_[id];
    state.id = id;
    state.name = workflow.component(id).name;
    state.deployment = scenario_.deployments[id];
    state.behaviour = scenario_.behaviours[id];
    state.cluster = ClusterIndex(scenario_.platform, state.deployment.cluster);
    state.eligible = pool_->EligibleNodes(state.deployment);
    state.request.eligible = &state.eligible;
    state.request.cpu_millis = ToMillicores(state.deployment.cpu);
    state.request.memory_bytes = static_cast<int64_t>(state.deployment.memory_bytes);
    // Slots beyond what the placement can ever hold at once would only wait for a node.
    int64_t fit = MaxConcurrentJobs(*pool_, state.request);
    int64_t slots = state.deployment.parallelism > 0 ? state.deployment.parallelism : fit;
    state.slots = static_cast<int>(std::max<int64_t>(1, std::min(slots, fit)));
    if (const SyncSettings& sync = state.deployment.sync; sync.enabled) {
      state.sync = std::make_unique<SyncContainers>(sync);
      int64_t containers = sync.max_scale > 0 ? std::min<int64_t>(sync.max_scale, fit) : fit;
      state.slots = static_cast<int>(std::max<int64_t>(1, containers) * sync.container_concurrency);
    }
    state.successors = workflow.Successors(id);
  }
}

void JobFlow::Start() {
  sg4::Host* home = platform_.storage_hosts.front();
  for (ComponentState& component : components_) {
    if (component.deployment.sync.enabled) {
      StartSync(component);
      continue;
    }
    for (int slot = 0; slot < component.slots; ++slot) {
      auto worker = std::make_unique<Worker>();
      worker->component = static_cast<int>(component.id);
      worker->ticket = static_cast<int64_t>(workers_.size());
      Worker* raw = worker.get();
      workers_.push_back(std::move(worker));
      raw->actor =
          sg4::Actor::create(component.name + "#" + std::to_string(slot), home, [this, raw] {
            WorkerLoop(raw);
          }).get();
      ++actors_;
    }
  }
  sg4::Actor::create("arrivals", home, [this] { Arrivals(); });
  ++actors_;
}

void JobFlow::Submit(int component, Job job) {
  ComponentState& state = components_[component];
  job.number = ++state.submitted;
  ++outstanding_;
  if (state.deployment.sync.enabled) {  // one actor per request
    sg4::Actor::create(state.name + "-" + std::to_string(job.number),
                       platform_.storage_hosts.front(),
                       [this, &state, job] { ServeSync(state, job); });
    ++actors_;
    return;
  }
  state.queue.push_back(job);
  if (!state.idle.empty()) {
    Worker* worker = state.idle.front();
    state.idle.pop_front();
    worker->actor->resume();
  }
}

void JobFlow::JobDone() {
  --outstanding_;
  if (!arrivals_done_ || outstanding_ > 0 || stopping_) return;
  stopping_ = true;
  for (ComponentState& component : components_) {
    for (Worker* worker : component.idle) worker->actor->resume();
    component.idle.clear();
  }
}

void JobFlow::Arrivals() {
  ArrivalGenerator generator(scenario_.workload);
  std::vector<ComponentId> sources = scenario_.workflow.Sources();
  ++outstanding_;  // the arrival stream itself, so workers do not stop before it ends
  while (generator.HasNext()) {
    FileArrival arrival = generator.Next();
    if (arrival.time > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(arrival.time);
    for (ComponentId source : sources) {
      Job job;
      job.t_submit = arrival.time;
      job.input_bytes = arrival.bytes;
      job.input_cluster = components_[source].cluster;
      Submit(static_cast<int>(source), job);
    }
  }
  arrivals_done_ = true;
  JobDone();
}

void JobFlow::WorkerLoop(Worker* worker) {
  ComponentState& component = components_[worker->component];
  while (true) {
    if (component.queue.empty()) {
      if (stopping_) return;
      component.idle.push_back(worker);
      sg4::this_actor::suspend();
      continue;
    }
    Job job = component.queue.front();
    component.queue.pop_front();
    RunJob(worker, component, job);
  }
}

void JobFlow::Compute(const ComponentState& component, int node_index, double flops) {
  if (flops <= 0) return;
  const NodeInfo& node = nodes_[node_index];
  const ComponentBehaviour& behaviour = component.behaviour;
  // A speed factor g makes the job need 1/g of the node's flops: the node's speed (and so the
  // bounds below, and the sharing with other jobs) stays that of the host.
  flops /= behaviour.SpeedFactor(node.type->name);
  const double cpu = component.deployment.limit();
  const double speed = node.type->speed;
  const double serial = flops * behaviour.serial_fraction;
  const double parallel = flops - serial;
  NodeInterference::Job* job =
      interference_.Enter(node_index, behaviour.Interference(node.type->name));
  if (cpu <= 1) {
    // With c <= 1 core both parts run at c x speed: one activity does.
    interference_.Run(job, node.host, {{flops, cpu < 1 ? cpu * speed : 0}});
  } else {
    if (serial > 0) interference_.Run(job, node.host, {{serial, 0}});
    // The container's cpu c as floor(c) full threads plus one bounded to the fractional rest,
    // each doing its share so that they all end together on an idle node. Each thread competes
    // for the node's cores like any other (processor sharing).
    const double full_threads = std::floor(cpu);
    const double rest = cpu - full_threads;
    std::vector<NodeInterference::Thread> threads(static_cast<size_t>(full_threads),
                                                  {parallel / cpu, 0});
    if (rest > 1e-9) threads.push_back({parallel * rest / cpu, rest * speed});
    interference_.Run(job, node.host, threads);
  }
  interference_.Leave(job);
}

int JobFlow::PlaceNode(Worker* worker, const PodRequest& request) {
  if (std::optional<int> node = pool_->TryPlace(request)) return *node;
  worker->granted_node = -1;
  pool_->Enqueue(request, worker->ticket);
  while (worker->granted_node < 0) sg4::this_actor::suspend();
  return worker->granted_node;
}

std::pair<double, double> JobFlow::ColdStart(const ComponentState& component, int node_index,
                                             double init_s) {
  const Overheads& overheads = scenario_.platform.overheads;
  const NodeInfo& node = nodes_[node_index];
  // Scheduling delay, then the cold start: the image of the node's architecture, then the
  // container. Every job has the same scheduling delay, so pods start in placement order and the
  // image cache can be asked now about t_pod_start; one sleep covers all three (fewer events).
  const double t_pod_start = sg4::Engine::get_clock() + overheads.scheduling_s;
  const Component& spec = scenario_.workflow.component(component.id);
  auto image = spec.images.find(node.type->arch);
  const std::string image_name =
      image != spec.images.end() ? image->second : spec.name + "@" + node.type->arch;
  const double pull_seconds = overheads.image_pull_bandwidth > 0
                                  ? spec.image_size_bytes / overheads.image_pull_bandwidth
                                  : 0;
  const double ready = images_.ReadyTime(node_index, image_name, t_pod_start, pull_seconds);
  const double container_start = ready + overheads.pod_start_s + init_s;
  if (container_start > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(container_start);
  return {t_pod_start, sg4::Engine::get_clock()};
}

void JobFlow::ReleaseNode(int node_index, const PodRequest& request) {
  for (auto [ticket, placed] : pool_->Release(node_index, request)) {
    Worker* waiting = workers_[ticket].get();
    waiting->granted_node = placed;
    waiting->actor->resume();
  }
}

void JobFlow::RunJob(Worker* worker, ComponentState& component, const Job& job) {
  const int node_index = PlaceNode(worker, component.request);
  auto [t_pod_start, t_container_start] = ColdStart(component, node_index, 0);
  PlayJob(component, job, node_index, t_pod_start, t_container_start);
  ReleaseNode(node_index, component.request);
  JobDone();
}

void JobFlow::PlayJob(ComponentState& component, const Job& job, int node_index, double t_pod_start,
                      double t_container_start) {
  const NodeInfo& node = nodes_[node_index];
  sg4::Comm::sendto(platform_.storage_hosts[job.input_cluster], node.host,
                    static_cast<uint64_t>(job.input_bytes));
  const double t_exec_start = sg4::Engine::get_clock();

  const double flops = component.behaviour.Work(job.input_bytes);
  Compute(component, node_index, flops);
  const double t_exec_end = sg4::Engine::get_clock();

  const int files = component.behaviour.output_files_per_input;
  const double output_bytes = files > 0 ? component.behaviour.OutputBytes(job.input_bytes) : 0;
  if (files > 0) {
    sg4::Comm::sendto(node.host, platform_.storage_hosts[component.cluster],
                      static_cast<uint64_t>(output_bytes));
  }
  const double t_finish = sg4::Engine::get_clock();

  for (ComponentId successor : component.successors) {
    for (int f = 0; f < files; ++f) {
      Job next;
      next.t_submit = t_finish;
      next.input_bytes = output_bytes / files;
      next.input_cluster = component.cluster;
      Submit(static_cast<int>(successor), next);
    }
  }

  JobRecord record = BaseRecord(component, job);
  record.node = node.name;
  record.node_type = node.type->name;
  record.arch = node.type->arch;
  record.output_bytes = output_bytes;
  record.output_files = files;
  record.t_pod_start = t_pod_start;
  record.t_container_start = t_container_start;
  record.t_exec_start = t_exec_start;
  record.t_exec_end = t_exec_end;
  record.t_finish = t_finish;
  statistics_.Add(record, node_index, flops,
                  node.type->speed * component.behaviour.SpeedFactor(node.type->name),
                  component.deployment.cpu);
  if (csv_ != nullptr) csv_->Write(record);
  if (on_job_) on_job_(record);
}

JobRecord JobFlow::BaseRecord(const ComponentState& component, const Job& job) const {
  JobRecord record;
  record.campaign = scenario_.name;
  record.run_id = run_id_;
  record.repetition = repetition_;
  record.component = component.name;
  record.job_id = component.name + "-" + std::to_string(job.number);
  record.source = "sim";
  record.cluster = component.deployment.cluster;
  record.cpu = component.deployment.limit();
  record.memory_mb = component.deployment.memory_bytes / 1048576;
  record.parallelism = component.slots;
  record.input_bytes = job.input_bytes;
  record.t_submit = job.t_submit;
  record.limits = "simulated";
  record.parameters = scenario_.parameters;
  return record;
}

}  // namespace twinprof
