// JobFlow's synchronous services (sim/sync_service.h has the model): each request is an actor
// that takes a warm container, starts a new one, waits in the service's queue, or is rejected.
#include "sim/job_flow.h"

namespace twinprof {

namespace sg4 = simgrid::s4u;

void JobFlow::StartSync(ComponentState& component) {
  for (int i = 0; i < component.deployment.sync.min_scale; ++i) {
    std::optional<int> node = pool_->TryPlace(component.request);
    if (!node) {
      throw InputError(component.deployment.where,
                       "component '" + component.name + "': the nodes cannot hold its " +
                           std::to_string(component.deployment.sync.min_scale) +
                           " min_scale containers");
    }
    component.sync->Create(*node, /*ready=*/true, 0);
  }
}

void JobFlow::ServeSync(ComponentState& component, Job job) {
  SyncContainers& sync = *component.sync;
  if (std::optional<int> warm = sync.FindWarm()) {
    sync.Acquire(*warm);
    const double now = sg4::Engine::get_clock();
    PlayJob(component, job, sync.node(*warm), now, now);
    FinishSync(component, *warm);
    return;
  }
  if (sync.CanGrow()) {
    // The container is counted now (max_scale) but gets its node when the pool has room.
    const int container = sync.Create(-1, /*ready=*/false, sg4::Engine::get_clock());
    auto worker = std::make_unique<Worker>();
    worker->component = static_cast<int>(component.id);
    worker->ticket = static_cast<int64_t>(workers_.size());
    worker->actor = sg4::Actor::self();
    Worker* raw = worker.get();
    workers_.push_back(std::move(worker));
    const int node = PlaceNode(raw, component.request);
    sync.SetNode(container, node);
    auto [t_pod_start, t_container_start] =
        ColdStart(component, node, component.deployment.sync.init_s);
    sync.MarkReady(container);
    // Its other slots (container_concurrency > 1) go to requests that queued meanwhile.
    while (!component.sync_queue.empty() && sync.HasRoom(container)) {
      auto [actor, slot] = component.sync_queue.front();
      component.sync_queue.pop_front();
      sync.Acquire(container);
      *slot = container;
      actor->resume();
    }
    PlayJob(component, job, node, t_pod_start, t_container_start);
    FinishSync(component, container);
    return;
  }
  if (component.deployment.sync.reject_when_full) {
    Reject(component, job);
    return;
  }
  int container = -1;
  component.sync_queue.emplace_back(sg4::Actor::self(), &container);
  while (container < 0) sg4::this_actor::suspend();
  const double now = sg4::Engine::get_clock();
  PlayJob(component, job, sync.node(container), now, now);
  FinishSync(component, container);
}

void JobFlow::FinishSync(ComponentState& component, int container) {
  SyncContainers& sync = *component.sync;
  if (!component.sync_queue.empty()) {  // the freed slot goes to the first waiting request
    auto [actor, slot] = component.sync_queue.front();
    component.sync_queue.pop_front();
    *slot = container;
    actor->resume();
    JobDone();
    return;
  }
  sync.Release(container, sg4::Engine::get_clock());
  JobDone();
  if (!sync.idle(container)) return;
  // This actor stays on as the keep-alive timer of the now idle container.
  const int64_t generation = sync.generation(container);
  sg4::this_actor::sleep_for(component.deployment.sync.keep_alive_s);
  if (sync.Expire(container, generation)) ReleaseNode(sync.node(container), component.request);
}

void JobFlow::Reject(ComponentState& component, const Job& job) {
  const double now = sg4::Engine::get_clock();
  JobRecord record = BaseRecord(component, job);
  record.t_pod_start = record.t_container_start = record.t_exec_start = now;
  record.t_exec_end = record.t_finish = now;
  record.status = "failed";
  record.failure_reason = "rejected";
  if (csv_ != nullptr) csv_->Write(record);
  if (on_job_) on_job_(record);
  JobDone();
}

}  // namespace twinprof
