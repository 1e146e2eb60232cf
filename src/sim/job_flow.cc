#include "sim/job_flow.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace twinprof::sim {

namespace sg4 = simgrid::s4u;

namespace {

// The cores of each simulated node, in the platform's node order (NodeInterference's C).
std::vector<double> NodeCores(const platform::Platform& platform,
                              const platform::SimGridPlatform& built) {
  std::vector<double> cores;
  for (const platform::SimNode& node : built.nodes) {
    const platform::NodeType* type = platform.FindNodeType(node.node_type);
    cores.push_back(type != nullptr ? type->cores : 1);
  }
  return cores;
}

int ClusterIndex(const platform::Platform& platform, const std::string& name) {
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

// A seed of its own for each component's service times, so that changing one component's
// distribution leaves the arrivals and the other components' draws alone (SplitMix64's mixer).
// `stream` tells apart a component's streams: 0 service times, 1 cold service times, 2 routing.
uint64_t ComponentSeed(uint64_t seed, workflow::ComponentId id, uint64_t stream = 0) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(id) + 1) +
               0xd1b54a32d192ed03ULL * stream;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

JobFlow::JobFlow(const Scenario& scenario, const platform::SimGridPlatform& platform,
                 JobCsvWriter* csv, std::function<void(const JobRecord&)> on_job,
                 RunStatistics& statistics, int run_id, int repetition)
    : scenario_(scenario),
      platform_(platform),
      csv_(csv),
      on_job_(std::move(on_job)),
      statistics_(statistics),
      run_id_(run_id),
      repetition_(repetition),
      images_(platform.nodes.size(), scenario.platform.overheads.images_cached),
      interference_(NodeCores(scenario.platform, platform)) {
  std::vector<PoolNode> pool_nodes;
  for (const platform::SimNode& node : platform_.nodes) {
    const platform::NodeType* type = scenario_.platform.FindNodeType(node.node_type);
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
    pool_node.arch = type->arch;
    pool_nodes.push_back(pool_node);
  }
  pool_.emplace(std::move(pool_nodes), scenario_.node_policy);

  const workflow::Workflow& workflow = scenario_.workflow;
  components_.resize(workflow.size());
  for (workflow::ComponentId id : workflow.components()) {
    ComponentState& state = components_[id];
    state.id = id;
    state.name = workflow.component(id).name;
    state.deployment = scenario_.deployments[id];
    state.behaviour = scenario_.behaviours[id];
    if (!state.behaviour.service_time.FromModel()) {
      state.service_times.emplace(ComponentSeed(scenario_.workload.seed, id));
    }
    if (!state.behaviour.cold_service_time.FromModel()) {
      state.cold_service_times.emplace(ComponentSeed(scenario_.workload.seed, id, 1));
    }
    state.cluster = ClusterIndex(scenario_.platform, state.deployment.cluster);
    state.eligible = pool_->EligibleNodes(state.deployment, workflow.component(id).images);
    state.request.eligible = &state.eligible;
    state.request.cpu_millis = ToMillicores(state.deployment.cpu);
    state.request.memory_bytes = static_cast<int64_t>(state.deployment.memory_bytes);
    // Slots beyond what the placement can ever hold at once would only wait for a node.
    int64_t fit = MaxConcurrentJobs(*pool_, state.request);
    int64_t slots = state.deployment.parallelism > 0 ? state.deployment.parallelism : fit;
    state.slots = static_cast<int>(std::max<int64_t>(1, std::min(slots, fit)));
    if (const SyncSettings& sync = state.deployment.sync; sync.enabled) {
      state.sync =
          std::make_unique<SyncContainers>(sync, ComponentSeed(scenario_.workload.seed, id, 2));
      int64_t containers = sync.max_scale > 0 ? std::min<int64_t>(sync.max_scale, fit) : fit;
      state.sync_capped = sync.max_scale > 0 && sync.max_scale <= fit;
      state.slots = static_cast<int>(std::max<int64_t>(1, containers) * sync.container_concurrency);
    }
    state.successors = workflow.Successors(id);
    if (const ComputeTimeModel* model = state.behaviour.compute_model.get()) {
      state.features.emplace(scenario_, id, *model);
    } else if (!state.behaviour.model_path.empty()) {
      throw std::logic_error("component '" + state.name + "': model " + state.behaviour.model_path +
                             " was not loaded before the simulation");
    }
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
  MarkDirectComponents();
  ScheduleArrivals();
}

void JobFlow::Submit(int component, Job job) {
  ComponentState& state = components_[component];
  job.number = ++state.submitted;
  if (state.service_times) job.service_s = state.service_times->Draw(state.behaviour.service_time);
  // Every asynchronous job is a cold start; a synchronous request learns whether it is one when a
  // container takes it (ColdServiceTime).
  if (state.cold_service_times && !state.deployment.sync.enabled) {
    job.service_s = state.cold_service_times->Draw(state.behaviour.cold_service_time);
  }
  ++outstanding_;
  if (state.deployment.sync.enabled) {
    SubmitSync(state, job);
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
    if (component.keeper_waiting) {
      component.keeper_waiting = false;
      component.keeper->resume();
    }
  }
  for (Helper* helper : idle_helpers_) helper->actor->resume();
  idle_helpers_.clear();
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

double JobFlow::ModelSeconds(ComponentState& component, const Job& job) {
  std::vector<double> row = component.features->Row(job.input_bytes);
  auto [it, added] = component.predicted_seconds.try_emplace(std::move(row), 0.0);
  if (added) it->second = component.behaviour.compute_model->Seconds(it->first);
  // A regression may predict a negative time for a configuration far from its data: no work.
  return std::max(0.0, it->second);
}

double JobFlow::Compute(const ComponentState& component, int node_index, double flops) {
  if (flops <= 0) return 0;
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
      interference_.Enter(node_index, behaviour.Interference(node.type->name),
                          CoresWanted(behaviour.serial_fraction, cpu, node.type->cores));
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
  const double cpu_seconds = job->cpu_flops / speed;
  interference_.Leave(job);
  return cpu_seconds;
}

void JobFlow::Transfer(sg4::Host* storage, int node_index, bool to_node, double bytes) {
  sg4::Host* node = nodes_[node_index].host;
  if (bytes >= 1) {
    if (to_node) {
      sg4::Comm::sendto(storage, node, static_cast<uint64_t>(bytes));
    } else {
      sg4::Comm::sendto(node, storage, static_cast<uint64_t>(bytes));
    }
    return;
  }
  const double latency = Latency(storage, node_index);
  if (latency > 0) sg4::this_actor::sleep_for(latency);
}

double JobFlow::Latency(sg4::Host* storage, int node_index) {
  auto [entry, added] = latencies_.try_emplace({storage, node_index}, 0.0);
  if (added) {
    std::vector<sg4::Link*> links;
    storage->route_to(nodes_[node_index].host, links, &entry->second);
  }
  return entry->second;
}

int JobFlow::PlaceNode(Worker* worker, const ComponentState& component) {
  if (std::optional<int> node = pool_->TryPlace(component.request)) {
    Placed(component, *node);
    return *node;
  }
  worker->granted_node = -1;
  pool_->Enqueue(component.request, worker->ticket);
  while (worker->granted_node < 0) sg4::this_actor::suspend();
  return worker->granted_node;  // Placed() was called by the release that granted it
}

void JobFlow::Placed(const ComponentState& component, int node_index) {
  statistics_.ContainerPlaced(static_cast<int>(component.id), node_index,
                              static_cast<double>(component.request.cpu_millis) / 1000,
                              sg4::Engine::get_clock());
}

std::pair<double, double> JobFlow::ColdStart(const ComponentState& component, int node_index,
                                             double init_s) {
  auto [t_pod_start, container_start] = ColdStartTimes(component, node_index, init_s);
  if (container_start > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(container_start);
  return {t_pod_start, sg4::Engine::get_clock()};
}

std::pair<double, double> JobFlow::ColdStartTimes(const ComponentState& component, int node_index,
                                                  double init_s) {
  const platform::Overheads& overheads = scenario_.platform.overheads;
  const NodeInfo& node = nodes_[node_index];
  // Scheduling delay, then the cold start: the image of the node's architecture, then the
  // container. Every job has the same scheduling delay, so pods start in placement order and the
  // image cache can be asked now about t_pod_start; one sleep covers all three (fewer events).
  const double t_pod_start = sg4::Engine::get_clock() + overheads.scheduling_s;
  const workflow::Component& spec = scenario_.workflow.component(component.id);
  auto image = spec.images.find(node.type->arch);
  const std::string image_name =
      image != spec.images.end() ? image->second : spec.name + "@" + node.type->arch;
  const double pull_seconds = overheads.image_pull_bandwidth > 0
                                  ? spec.image_size_bytes / overheads.image_pull_bandwidth
                                  : 0;
  const double ready = images_.ReadyTime(node_index, image_name, t_pod_start, pull_seconds);
  return {t_pod_start, ready + overheads.pod_start_s + init_s};
}

void JobFlow::ReleaseNode(const ComponentState& component, int node_index) {
  statistics_.ContainerRemoved(static_cast<int>(component.id), node_index,
                               static_cast<double>(component.request.cpu_millis) / 1000,
                               sg4::Engine::get_clock());
  for (auto [ticket, placed] : pool_->Release(node_index, component.request)) {
    if (ticket >= kSyncTicketBase) {
      PlacePending(ticket, placed);
      continue;
    }
    Worker* waiting = workers_[ticket].get();
    Placed(components_[waiting->component], placed);
    waiting->granted_node = placed;
    waiting->actor->resume();
  }
}

void JobFlow::RunJob(Worker* worker, ComponentState& component, const Job& job) {
  const int node_index = PlaceNode(worker, component);
  auto [t_pod_start, t_container_start] = ColdStart(component, node_index, 0);
  PlayJob(component, job, node_index, t_pod_start, t_container_start, /*cold=*/true);
  ReleaseNode(component, node_index);
  JobDone();
}

void JobFlow::PlayJob(ComponentState& component, const Job& job, int node_index, double t_pod_start,
                      double t_container_start, bool cold) {
  JobTimes times;
  times.t_pod_start = t_pod_start;
  times.t_container_start = t_container_start;
  Transfer(platform_.storage_hosts[job.input_cluster], node_index, /*to_node=*/true,
           job.input_bytes);
  times.t_exec_start = sg4::Engine::get_clock();
  const Demand demand = JobDemand(component, node_index, job);
  times.cpu_s = Compute(component, node_index, demand.flops);
  // Off the CPU the job holds no core: no other job's sharing or interference stretches it.
  if (demand.off_cpu_s > 0) sg4::this_actor::sleep_for(demand.off_cpu_s);
  times.t_exec_end = sg4::Engine::get_clock();
  if (component.behaviour.OutputFiles(job.input_bytes) > 0) {
    Transfer(platform_.storage_hosts[component.cluster], node_index, /*to_node=*/false,
             component.behaviour.OutputBytes(job.input_bytes));
  }
  times.t_finish = sg4::Engine::get_clock();
  FinishJob(component, job, node_index, times, demand.flops, cold);
}

JobFlow::Demand JobFlow::JobDemand(ComponentState& component, int node_index, const Job& job) {
  const NodeInfo& node = nodes_[node_index];
  const ComponentBehaviour& behaviour = component.behaviour;
  const double off_cpu = behaviour.OffCpuSeconds(job.input_bytes);
  if (job.service_s < 0 && !component.features) return {behaviour.Work(job.input_bytes), off_cpu};
  // A drawn service time or a model's prediction is the whole compute phase on an idle node of
  // this type, whatever the speed factor: its off-CPU part is slept, the rest becomes work. A
  // drawn time holds at the job's cpu limit; a prediction at the cpu the model was evaluated at
  // (the limit, or the nearest cpu it was trained on), and Compute runs its work at the job's own
  // cpu.
  const bool drawn = job.service_s >= 0;
  const double seconds = drawn ? job.service_s : ModelSeconds(component, job);
  const double cpu = drawn ? component.deployment.limit() : component.features->evaluation_cpu();
  const double off = std::min(off_cpu, seconds);
  return {behaviour.WorkForSeconds(seconds - off, cpu, node.type->speed) *
              behaviour.SpeedFactor(node.type->name),
          off};
}

void JobFlow::FinishJob(ComponentState& component, const Job& job, int node_index,
                        const JobTimes& times, double flops, bool cold) {
  const NodeInfo& node = nodes_[node_index];
  const int files = component.behaviour.OutputFiles(job.input_bytes);
  const double output_bytes = files > 0 ? component.behaviour.OutputBytes(job.input_bytes) : 0;
  const double t_finish = times.t_finish;
  for (workflow::ComponentId successor : component.successors) {
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
  record.t_pod_start = times.t_pod_start;
  record.t_container_start = times.t_container_start;
  record.t_exec_start = times.t_exec_start;
  record.t_exec_end = times.t_exec_end;
  record.t_finish = t_finish;
  record.cpu_time_s = times.cpu_s;
  statistics_.Add(record, static_cast<int>(component.id), node_index, flops,
                  node.type->speed * component.behaviour.SpeedFactor(node.type->name), cold);
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
  if (component.sync && !component.sync_capped) {
    // Capped by the nodes, not by max_scale: the most containers reached so far.
    record.parallelism =
        component.sync->most_alive() * component.deployment.sync.container_concurrency;
  }
  record.input_bytes = job.input_bytes;
  record.t_submit = job.t_submit;
  record.limits = "simulated";
  record.parameters = scenario_.parameters;
  return record;
}

}  // namespace twinprof::sim
