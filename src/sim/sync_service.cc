#include "sim/sync_service.h"

namespace twinprof {

std::optional<int> SyncContainers::FindWarm() const {
  std::optional<int> best;
  for (int i = 0; i < static_cast<int>(containers_.size()); ++i) {
    const Container& c = containers_[i];
    if (!c.alive || !c.ready || c.busy >= settings_.container_concurrency) continue;
    if (!best || c.last_used >= containers_[*best].last_used) best = i;
  }
  return best;
}

bool SyncContainers::CanGrow() const {
  return settings_.max_scale <= 0 || alive_ < settings_.max_scale;
}

int SyncContainers::Create(int node, bool ready, double now) {
  Container c;
  c.node = node;
  c.busy = ready ? 0 : 1;
  c.ready = ready;
  c.last_used = now;
  containers_.push_back(c);
  ++alive_;
  return static_cast<int>(containers_.size()) - 1;
}

void SyncContainers::Acquire(int container) { ++containers_[container].busy; }

void SyncContainers::Release(int container, double now) {
  Container& c = containers_[container];
  --c.busy;
  c.last_used = now;
  ++c.generation;
}

bool SyncContainers::Expire(int container, int64_t generation) {
  Container& c = containers_[container];
  if (!c.alive || c.busy > 0 || c.generation != generation || alive_ <= settings_.min_scale) {
    return false;
  }
  c.alive = false;
  --alive_;
  return true;
}

}  // namespace twinprof
