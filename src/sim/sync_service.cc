#include "sim/sync_service.h"

#include <algorithm>

namespace twinprof::sim {

int SyncContainers::Add(Container container) {
  containers_.push_back(container);
  ++alive_;
  most_alive_ = std::max(most_alive_, alive_);
  return static_cast<int>(containers_.size()) - 1;
}

std::optional<int> SyncContainers::TakeWarm() {
  while (!warm_.empty()) {
    const Entry entry = warm_.back();
    Container& c = containers_[entry.container];
    if (c.state != State::kReady || c.generation != entry.generation ||
        c.busy >= settings_.container_concurrency) {
      warm_.pop_back();  // stale
      continue;
    }
    ++c.busy;
    if (c.busy >= settings_.container_concurrency) warm_.pop_back();
    return entry.container;
  }
  return std::nullopt;
}

void SyncContainers::TakeSlot(int container) { ++containers_[container].busy; }

bool SyncContainers::Release(int container, double now) {
  Container& c = containers_[container];
  --c.busy;
  Publish(container, now);
  return c.busy == 0;
}

int SyncContainers::CreatePending() {
  Container c;
  c.state = State::kPending;
  ++pending_;
  return Add(c);
}

void SyncContainers::Place(int container, int node) {
  Container& c = containers_[container];
  c.node = node;
  c.state = State::kStarting;
  --pending_;
  ++starting_;
}

int SyncContainers::CreateReady(int node, double now) {
  Container c;
  c.node = node;
  c.state = State::kReady;
  const int container = Add(c);
  Publish(container, now);
  return container;
}

void SyncContainers::MarkReady(int container) {
  containers_[container].state = State::kReady;
  --starting_;
}

void SyncContainers::Publish(int container, double now) {
  Container& c = containers_[container];
  ++c.generation;
  if (c.busy < settings_.container_concurrency) warm_.push_back({container, c.generation, now});
  if (c.busy == 0) idle_.push_back({container, c.generation, now});
}

void SyncContainers::Remove(int container) {
  Container& c = containers_[container];
  if (c.state == State::kPending) --pending_;
  if (c.state == State::kStarting) --starting_;
  c.state = State::kGone;
  --alive_;
}

std::optional<std::pair<int, double>> SyncContainers::OldestIdle() {
  while (!idle_.empty()) {
    const Entry entry = idle_.front();
    const Container& c = containers_[entry.container];
    if (c.state == State::kReady && c.busy == 0 && c.generation == entry.generation) {
      return std::make_pair(entry.container, entry.since);
    }
    idle_.pop_front();
  }
  return std::nullopt;
}

}  // namespace twinprof::sim
