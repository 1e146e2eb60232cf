#include "sim/sync_containers.h"

#include <algorithm>

namespace twinprof::sim {

int SyncContainers::Add(Container container) {
  containers_.push_back(container);
  free_position_.push_back(-1);
  ++alive_;
  most_alive_ = std::max(most_alive_, alive_);
  return static_cast<int>(containers_.size()) - 1;
}

std::optional<int> SyncContainers::TakeWarm() {
  if (settings_.routing != Routing::kMostRecentlyUsed) {
    const std::optional<int> picked = PickFree();
    if (!picked) return std::nullopt;
    Container& c = containers_[*picked];
    ++c.busy;
    if (c.busy >= settings_.container_concurrency) MarkFull(*picked);
    return picked;
  }
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

void SyncContainers::TakeSlot(int container) {
  Container& c = containers_[container];
  ++c.busy;
  if (settings_.routing != Routing::kMostRecentlyUsed &&
      c.busy >= settings_.container_concurrency) {
    MarkFull(container);
  }
}

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
  const bool has_room = c.busy < settings_.container_concurrency;
  if (settings_.routing == Routing::kMostRecentlyUsed) {
    if (has_room) warm_.push_back({container, c.generation, now});
  } else if (has_room) {
    MarkFree(container);
  } else {
    MarkFull(container);
  }
  if (c.busy == 0) idle_.push_back({container, c.generation, now});
}

void SyncContainers::Remove(int container) {
  Container& c = containers_[container];
  if (c.state == State::kPending) --pending_;
  if (c.state == State::kStarting) --starting_;
  c.state = State::kGone;
  --alive_;
  if (settings_.routing != Routing::kMostRecentlyUsed) MarkFull(container);
}

void SyncContainers::MarkFree(int container) {
  if (settings_.routing == Routing::kRandom) {
    if (free_position_[container] >= 0) return;
    free_position_[container] = static_cast<int>(free_list_.size());
    free_list_.push_back(container);
    return;
  }
  free_.insert(container);
}

void SyncContainers::MarkFull(int container) {
  if (settings_.routing == Routing::kRandom) {
    const int position = free_position_[container];
    if (position < 0) return;
    const int last = free_list_.back();  // takes the removed one's place
    free_list_[position] = last;
    free_position_[last] = position;
    free_list_.pop_back();
    free_position_[container] = -1;
    return;
  }
  free_.erase(container);
}

std::optional<int> SyncContainers::PickFree() {
  switch (settings_.routing) {
    case Routing::kNewest:
      if (free_.empty()) return std::nullopt;
      return *free_.rbegin();
    case Routing::kOldest:
      if (free_.empty()) return std::nullopt;
      return *free_.begin();
    case Routing::kRandom: {
      if (free_list_.empty()) return std::nullopt;
      // A uniform double in [0, 1) from the top 53 bits: the same picks on every standard
      // library (std::uniform_int_distribution's algorithm is the library's choice).
      const double u = static_cast<double>(random_() >> 11) * 0x1.0p-53;
      return free_list_[static_cast<size_t>(u * static_cast<double>(free_list_.size()))];
    }
    case Routing::kMostRecentlyUsed:
      break;
  }
  return std::nullopt;  // most-recently-used keeps warm_ instead
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
