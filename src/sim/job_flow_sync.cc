// JobFlow's synchronous services (sim/sync_containers.h has the model). A request is plain data: it
// takes a container slot at once or waits in the service's queue. Serving a request and
// cold-starting a container are tasks run by helper actors, which go back to a pool when done,
// or on SimGrid timers where nothing can contend (job_flow_direct.cc).
#include <algorithm>

#include "sim/job_flow.h"

namespace twinprof::sim {

namespace sg4 = simgrid::s4u;

void JobFlow::StartSync(ComponentState& component) {
  SyncContainers& sync = *component.sync;
  for (int i = 0; i < component.deployment.sync.min_scale; ++i) {
    std::optional<int> node = pool_->TryPlace(component.request);
    if (!node) {
      throw InputError(component.deployment.where,
                       "component '" + component.name + "': the nodes cannot hold its " +
                           std::to_string(component.deployment.sync.min_scale) +
                           " min_scale containers");
    }
    Placed(component, *node);
    sync.CreateReady(*node, 0);
  }
  if (component.deployment.sync.knative) {
    component.knative.emplace(component.deployment.sync.knative_settings);
    sg4::Actor::create(component.name + "-autoscaler", platform_.storage_hosts.front(),
                       [this, &component] { Autoscale(component); });
  } else {
    component.keeper =
        sg4::Actor::create(component.name + "-keep-alive", platform_.storage_hosts.front(),
                           [this, &component] { KeepAlive(component); })
            .get();
  }
  ++actors_;
}

void JobFlow::SubmitSync(ComponentState& component, const Job& job) {
  SyncContainers& sync = *component.sync;
  const double now = sg4::Engine::get_clock();
  component.concurrency.Change(now, 1);
  if (std::optional<int> warm = sync.TakeWarm()) {
    SyncTask task;
    task.component = static_cast<int>(component.id);
    task.container = *warm;
    task.job = job;
    task.t_pod_start = task.t_container_start = now;
    Dispatch(task);
    return;
  }
  if (component.knative) {
    // The activator holds the request; the autoscaler starts containers, but at once for a
    // service with none (scale from zero).
    component.sync_queue.push_back(job);
    if (sync.alive() == 0) GrowSync(component, nullptr, /*may_wait=*/true);  // may yield: last
    return;
  }
  // A starting container has a free slot for it.
  if (component.sync_queue.size() < component.promised) {
    component.sync_queue.push_back(job);
    return;
  }
  // A container of its own, started now (as AWS Lambda and SimFaaS do) ...
  if (GrowSync(component, &job, /*may_wait=*/false)) return;
  if (component.deployment.sync.reject_when_full) {
    component.concurrency.Change(now, -1);
    Reject(component, job);
    return;
  }
  // ... or, at max_scale or without node room, the first slot that frees up, in a running
  // container or in a pending one once it has a node and has started.
  component.sync_queue.push_back(job);
  GrowSync(component, nullptr, /*may_wait=*/true);
}

bool JobFlow::GrowSync(ComponentState& component, const Job* bound, bool may_wait) {
  SyncContainers& sync = *component.sync;
  const int concurrency = component.deployment.sync.container_concurrency;
  if (!sync.BelowMaxScale()) return false;
  if (std::optional<int> node = pool_->TryPlace(component.request)) {
    const int container = sync.CreatePending();
    sync.Place(container, *node);
    Placed(component, *node);
    SyncTask task;
    task.kind = SyncTask::Kind::kStart;
    task.component = static_cast<int>(component.id);
    task.container = container;
    if (bound != nullptr) {
      task.job = *bound;
      task.bound = true;
    }
    component.promised += concurrency - (task.bound ? 1 : 0);
    Dispatch(task);  // may yield: last
    return true;
  }
  if (!may_wait) return false;
  // No node has room: the container waits for some (a pod pending in Kubernetes), without
  // holding the requests, which take whichever slot frees up first.
  const int container = sync.CreatePending();
  const int64_t ticket = next_ticket_++;
  pending_[ticket] = {static_cast<int>(component.id), container};
  component.pending.emplace_back(container, ticket);
  component.promised += concurrency;
  pool_->Enqueue(component.request, ticket);
  return true;
}

void JobFlow::CancelSurplusPending(ComponentState& component) {
  const size_t concurrency = component.deployment.sync.container_concurrency;
  while (!component.pending.empty() &&
         component.sync_queue.size() + concurrency <= component.promised) {
    CancelPending(component);
  }
}

void JobFlow::CancelPending(ComponentState& component) {
  auto [container, ticket] = component.pending.back();
  component.pending.pop_back();
  pool_->Cancel(ticket);
  pending_.erase(ticket);
  component.sync->Remove(container);
  component.promised -= component.deployment.sync.container_concurrency;
}

void JobFlow::PlacePending(int64_t ticket, int node_index) {
  auto found = pending_.find(ticket);
  auto [component_id, container] = found->second;
  pending_.erase(found);
  ComponentState& component = components_[component_id];
  auto& list = component.pending;
  list.erase(std::find(list.begin(), list.end(), std::make_pair(container, ticket)));
  component.sync->Place(container, node_index);
  Placed(component, node_index);
  SyncTask task;
  task.kind = SyncTask::Kind::kStart;
  task.component = component_id;
  task.container = container;
  Dispatch(task);
}

void JobFlow::Dispatch(const SyncTask& task) {
  if (Timed(task)) {
    RunTimed(task);
    return;
  }
  if (!idle_helpers_.empty()) {
    Helper* helper = idle_helpers_.back();
    idle_helpers_.pop_back();
    helper->task = task;
    helper->actor->resume();
    return;
  }
  auto helper = std::make_unique<Helper>();
  helper->task = task;
  Helper* raw = helper.get();
  helpers_.push_back(std::move(helper));
  raw->actor = sg4::Actor::create("sync-helper-" + std::to_string(helpers_.size()),
                                  platform_.storage_hosts.front(), [this, raw] { HelperLoop(raw); })
                   .get();
  ++actors_;
}

void JobFlow::HelperLoop(Helper* helper) {
  while (true) {
    if (!helper->task) {
      if (stopping_) return;
      idle_helpers_.push_back(helper);
      sg4::this_actor::suspend();
      continue;
    }
    SyncTask task = *helper->task;
    helper->task.reset();
    RunTask(task);
  }
}

void JobFlow::RunTask(SyncTask task) {
  ComponentState& component = components_[task.component];
  const int node = component.sync->node(task.container);
  if (task.kind == SyncTask::Kind::kStart) {
    auto [t_pod_start, t_container_start] =
        ColdStart(component, node, component.deployment.sync.init_s);
    std::optional<SyncTask> mine = ContainerReady(component, task, t_pod_start, t_container_start);
    if (!mine) return;
    task = *mine;
  }
  // Serve; then the freed slot goes to the first queued request, on this helper.
  do {
    PlayJob(component, task.job, node, task.t_pod_start, task.t_container_start, task.cold);
  } while (TakeNextQueued(component, task));
  FreeSlot(component, task.container);
}

std::optional<JobFlow::SyncTask> JobFlow::ContainerReady(ComponentState& component,
                                                         const SyncTask& start, double t_pod_start,
                                                         double t_container_start) {
  SyncContainers& sync = *component.sync;
  const int container = start.container;
  sync.MarkReady(container);
  component.promised -= component.deployment.sync.container_concurrency - (start.bound ? 1 : 0);
  // The request it started for, then the queue's first requests take its slots; the caller
  // serves the first of them, the others go to Dispatch().
  std::optional<SyncTask> mine;
  if (start.bound) {
    sync.TakeSlot(container);
    mine = start;
    mine->kind = SyncTask::Kind::kServe;
    mine->cold = true;
    ColdServiceTime(component, mine->job);
    mine->t_pod_start = std::max(start.job.t_submit, t_pod_start);
    mine->t_container_start = t_container_start;
  }
  while (!component.sync_queue.empty() && sync.HasRoom(container)) {
    SyncTask serve;
    serve.component = start.component;
    serve.container = container;
    serve.job = component.sync_queue.front();
    component.sync_queue.pop_front();
    serve.cold = true;
    ColdServiceTime(component, serve.job);
    serve.t_pod_start = std::max(serve.job.t_submit, t_pod_start);
    serve.t_container_start = t_container_start;
    sync.TakeSlot(container);
    if (!mine) {
      mine = serve;
    } else {
      Dispatch(serve);
    }
  }
  sync.Publish(container, t_container_start);
  if (sync.busy(container) == 0 && component.keeper_waiting) {
    component.keeper_waiting = false;
    component.keeper->resume();
  }
  return mine;
}

void JobFlow::ColdServiceTime(ComponentState& component, Job& job) {
  if (!component.cold_service_times) return;
  job.service_s = component.cold_service_times->Draw(component.behaviour.cold_service_time);
}

bool JobFlow::TakeNextQueued(ComponentState& component, SyncTask& task) {
  component.concurrency.Change(sg4::Engine::get_clock(), -1);
  if (component.sync_queue.empty()) return false;
  task.job = component.sync_queue.front();
  component.sync_queue.pop_front();
  task.cold = false;
  task.t_pod_start = task.t_container_start = sg4::Engine::get_clock();
  CancelSurplusPending(component);
  JobDone();
  return true;
}

void JobFlow::FreeSlot(ComponentState& component, int container) {
  const bool idle = component.sync->Release(container, sg4::Engine::get_clock());
  if (idle && component.surplus > 0) {  // the autoscaler wanted fewer containers
    --component.surplus;
    RemoveContainer(component, container);
  } else if (idle && component.keeper_waiting) {
    component.keeper_waiting = false;
    component.keeper->resume();
  }
  JobDone();
}

void JobFlow::KeepAlive(ComponentState& component) {
  SyncContainers& sync = *component.sync;
  const double keep_alive = component.deployment.sync.keep_alive_s;
  while (!stopping_) {
    std::optional<std::pair<int, double>> oldest = sync.OldestIdle();
    if (!oldest) {
      component.keeper_waiting = true;
      sg4::this_actor::suspend();
      continue;
    }
    const double expiry = oldest->second + keep_alive;
    if (expiry > sg4::Engine::get_clock()) {
      // Containers idle later expire later: nothing else is due before this one.
      sg4::this_actor::sleep_until(expiry);
      continue;
    }
    sync.DropOldestIdle();
    if (sync.alive() - sync.pending() <= component.deployment.sync.min_scale) continue;
    RemoveContainer(component, oldest->first);
  }
}

void JobFlow::RemoveContainer(ComponentState& component, int container) {
  component.sync->Remove(container);
  ReleaseNode(component, component.sync->node(container));
}

void JobFlow::Autoscale(ComponentState& component) {
  SyncContainers& sync = *component.sync;
  const SyncSettings& settings = component.deployment.sync;
  while (true) {
    sg4::this_actor::sleep_for(settings.knative_settings.tick_s);
    if (stopping_) return;
    const double now = sg4::Engine::get_clock();
    int wanted = component.knative->Decide(now, component.concurrency.Area(now), sync.ready());
    wanted = std::max(wanted, settings.min_scale);
    if (settings.max_scale > 0) wanted = std::min(wanted, settings.max_scale);
    int current = sync.alive() - component.surplus;
    if (wanted > current) {
      const int kept = std::min(component.surplus, wanted - current);  // no longer removed
      component.surplus -= kept;
      current += kept;
      while (current < wanted && GrowSync(component, nullptr, /*may_wait=*/true)) ++current;
      continue;
    }
    int excess = current - wanted;
    while (excess > 0 && !component.pending.empty()) {  // cancel containers not placed yet
      CancelPending(component);
      --excess;
    }
    while (excess > 0) {  // then the longest idle; busy ones when they become idle
      std::optional<std::pair<int, double>> oldest = sync.OldestIdle();
      if (!oldest) break;
      sync.DropOldestIdle();
      RemoveContainer(component, oldest->first);
      --excess;
    }
    component.surplus += excess;
  }
}

void JobFlow::Reject(ComponentState& component, const Job& job) {
  const double now = sg4::Engine::get_clock();
  JobRecord record = BaseRecord(component, job);
  record.t_pod_start = record.t_container_start = record.t_exec_start = now;
  record.t_exec_end = record.t_finish = now;
  record.status = "failed";
  record.failure_reason = "rejected";
  statistics_.Rejected(static_cast<int>(component.id));
  if (csv_ != nullptr) csv_->Write(record);
  if (on_job_) on_job_(record);
  JobDone();
}

}  // namespace twinprof::sim
