// JobFlow's timer-driven parts: the arrivals, and the tasks of synchronous services whose end is
// known when they start.
//
// SimGrid plays an actor's sleep or compute as an activity of its resource models, and waking an
// actor costs two context switches: about 1 us per sleep and 3 us per compute (SimGrid 3.32 on
// this project's machine), so a million requests cost 7 CPU s. A kernel timer costs about
// 0.25 us. A task can run on one when nothing can change its duration:
// - its node can never hold more computing than it has cores, so a compute takes what it takes
//   on an idle node: every component that may be placed there requests at least the cores its
//   pod computes with (cpu limit x requests at once per pod), and none has interference on the
//   node's type (MarkDirectComponents);
// - it moves no data (input and output under one byte: only the routes' constant latencies).
// Timer callbacks run in SimGrid's kernel context (maestro): they never block; resuming or
// creating an actor there is immediate.
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/simix.hpp>

#include "sim/job_flow.h"

namespace twinprof::sim {

namespace sg4 = simgrid::s4u;

namespace {

// Calls `callback` at simulated time `date` (now if past), in the kernel context. From an actor
// the timer is set through a simcall, as SimGrid requires of kernel changes.
template <class F>
void SetTimer(double date, F callback) {
  date = std::max(date, sg4::Engine::get_clock());
  simgrid::kernel::actor::simcall_answered(
      [date, &callback] { simgrid::kernel::timer::Timer::set(date, std::move(callback)); });
}

}  // namespace

void JobFlow::MarkDirectComponents() {
  // Nodes whose computing demand can never exceed their cores. The pool places pods by their
  // cpu requests in millicores, so those must cover what a pod computes with.
  std::vector<char> calm(nodes_.size(), 1);
  for (const ComponentState& component : components_) {
    const SyncSettings& sync = component.deployment.sync;
    const double pod_cores =
        component.deployment.limit() * (sync.enabled ? sync.container_concurrency : 1);
    const bool covered =
        component.request.cpu_millis > 0 &&
        pod_cores * 1000 <= static_cast<double>(component.request.cpu_millis) + 1e-6;
    for (int n : component.eligible) {
      if (!covered || component.behaviour.Interference(nodes_[n].type->name) > 0) calm[n] = 0;
    }
  }
  for (ComponentState& component : components_) {
    component.direct = component.deployment.sync.enabled &&
                       std::all_of(component.eligible.begin(), component.eligible.end(),
                                   [&calm](int n) { return calm[n] != 0; });
  }
}

bool JobFlow::Timed(const SyncTask& task) const {
  const ComponentState& component = components_[task.component];
  if (!component.direct) return false;
  if (task.kind == SyncTask::Kind::kStart) return true;
  const ComponentBehaviour& behaviour = component.behaviour;
  return task.job.input_bytes < 1 && (behaviour.OutputFiles(task.job.input_bytes) <= 0 ||
                                      behaviour.OutputBytes(task.job.input_bytes) < 1);
}

void JobFlow::RunTimed(const SyncTask& task) {
  if (task.kind == SyncTask::Kind::kServe) {
    ServeTimed(task);
    return;
  }
  ComponentState& component = components_[task.component];
  const int node = component.sync->node(task.container);
  auto [t_pod_start, container_start] =
      ColdStartTimes(component, node, component.deployment.sync.init_s);
  const double t_container_start = std::max(container_start, sg4::Engine::get_clock());
  SetTimer(t_container_start, [this, task, t_pod_start, t_container_start] {
    ComponentState& component = components_[task.component];
    std::optional<SyncTask> first = ContainerReady(component, task, t_pod_start, t_container_start);
    if (first) Dispatch(*first);
  });
}

void JobFlow::ServeTimed(SyncTask task) {
  ComponentState& component = components_[task.component];
  const int node = component.sync->node(task.container);
  JobTimes times;
  times.t_pod_start = task.t_pod_start;
  times.t_container_start = task.t_container_start;
  times.t_exec_start =
      sg4::Engine::get_clock() + Latency(platform_.storage_hosts[task.job.input_cluster], node);
  const Demand demand = JobDemand(component, node, task.job);
  const double flops = demand.flops;
  times.cpu_s =
      flops / component.behaviour.SpeedFactor(nodes_[node].type->name) / nodes_[node].type->speed;
  times.t_exec_end =
      times.t_exec_start + IdleComputeSeconds(component, node, flops) + demand.off_cpu_s;
  times.t_finish = times.t_exec_end;
  if (component.behaviour.OutputFiles(task.job.input_bytes) > 0) {
    times.t_finish += Latency(platform_.storage_hosts[component.cluster], node);
  }
  SetTimer(times.t_finish, [this, task, node, times, flops] {
    ComponentState& component = components_[task.component];
    FinishJob(component, task.job, node, times, flops, task.cold);
    // The freed slot goes to the first queued request, as on a helper (RunTask).
    SyncTask next = task;
    if (TakeNextQueued(component, next)) {
      Dispatch(next);
    } else {
      FreeSlot(component, task.container);
    }
  });
}

double JobFlow::IdleComputeSeconds(const ComponentState& component, int node_index,
                                   double flops) const {
  if (flops <= 0) return 0;
  // As Compute() plays it: one activity bounded to c cores when c <= 1; else the serial part on
  // one core, then the parallel part on c cores.
  const NodeInfo& node = nodes_[node_index];
  const ComponentBehaviour& behaviour = component.behaviour;
  flops /= behaviour.SpeedFactor(node.type->name);
  const double cpu = component.deployment.limit();
  const double speed = node.type->speed;
  if (cpu <= 1) return flops / (cpu < 1 ? cpu * speed : speed);
  const double serial = flops * behaviour.serial_fraction;
  return serial / speed + (flops - serial) / (cpu * speed);
}

void JobFlow::ScheduleArrivals() {
  arrivals_.emplace(scenario_.workload);
  sources_ = scenario_.workflow.Sources();
  if (arrivals_->HasNext()) next_arrival_ = arrivals_->Next();
  ++outstanding_;  // the arrival stream itself, so that nothing stops before it ends
  SetTimer(next_arrival_ ? next_arrival_->time : 0.0, [this] { ArrivalsDue(); });
}

void JobFlow::ArrivalsDue() {
  // The arrival this timer was set for, then any others due by now.
  do {
    if (!next_arrival_) break;
    const FileArrival arrival = *next_arrival_;
    next_arrival_.reset();
    if (arrivals_->HasNext()) next_arrival_ = arrivals_->Next();
    for (workflow::ComponentId source : sources_) {
      Job job;
      job.t_submit = arrival.time;
      job.input_bytes = arrival.bytes;
      job.input_cluster = components_[source].cluster;
      Submit(static_cast<int>(source), job);
    }
  } while (next_arrival_ && next_arrival_->time <= sg4::Engine::get_clock());
  if (next_arrival_) {
    SetTimer(next_arrival_->time, [this] { ArrivalsDue(); });
    return;
  }
  arrivals_done_ = true;
  JobDone();
}

}  // namespace twinprof::sim
