// SyncContainers: the containers of one synchronous service (OSCAR /run, Knative underneath), as
// plain bookkeeping over times in seconds; JobFlow plays them in SimGrid (job_flow_sync.cc).
//
// The model (docs/architecture.md, "Simulator"; docs/formats.md, "Scenario"):
// - a request goes to a ready container with a free slot (`container_concurrency` requests at a
//   time), the one `routing` picks (the most recently used one, the newest or oldest by creation,
//   or any at random); it then has no wait and no cold start;
// - otherwise it joins the service's FIFO queue, and a new container is started for it when the
//   queue holds more requests than the starting containers have slots and there are fewer than
//   `max_scale` containers. A new container needs a node with room for its cpu and memory
//   requests: without one it is pending (it waits for room, like any pod) and is cancelled when
//   the requests it was started for are served by containers that freed up;
// - a queued request takes the first slot that frees up, in a running container or in a new one
//   once it is ready (scheduling delay, image pull, container start, application init): so when
//   the nodes, not `max_scale`, cap the containers, requests wait for containers, never for room;
// - with `reject_when_full`, a request that finds no free slot, no starting container with a
//   slot left for it, and neither `max_scale` nor node room for a new container is rejected;
// - a container idle for `keep_alive` is removed (its node's cpu and memory are released),
//   unless that would leave fewer than `min_scale` containers; `min_scale` containers exist,
//   ready, from t = 0. With Knative's autoscaler (sim/knative_autoscaler.h) the autoscaler
//   decides instead how many containers there are.
// Concurrent requests in one container each compute with the container's cpu limit (they compete
// with each other only for the node's cores, not for the container's limit).
//
// This class keeps the states and answers "which container"; it never decides to create one.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "sim/scenario.h"

namespace twinprof::sim {

class SyncContainers {
 public:
  enum class State {
    kPending,   // waiting for a node with room
    kStarting,  // placed, cold-starting
    kReady,     // serving (or idle)
    kGone,      // removed, or cancelled while pending
  };

  // `seed` drives the choices of `routing: random` only.
  explicit SyncContainers(const SyncSettings& settings, uint64_t seed = 1)
      : settings_(settings), random_(seed) {}

  // --- Requests.
  // Takes a slot of a ready container with a free slot, if any: the one settings().routing picks.
  // Containers are numbered in creation order (CreatePending, CreateReady), which is what
  // `newest` and `oldest` go by.
  std::optional<int> TakeWarm();
  // Takes a slot of `container` (ready, with room): a queued request it serves.
  void TakeSlot(int container);
  // Gives a slot back at `now`; returns true when the container is now idle.
  bool Release(int container, double now);

  // --- Containers.
  // A new container without a node (pending); Place() gives it one.
  int CreatePending();
  // Gives a pending container its node: it is starting.
  void Place(int container, int node);
  // A container already running on `node` (min_scale at t = 0).
  int CreateReady(int node, double now);
  // A starting container is ready; call TakeSlot() for the queued requests it serves first, then
  // Publish() to offer its remaining slots.
  void MarkReady(int container);
  void Publish(int container, double now);
  // Removes a pending (cancelled) or idle ready container.
  void Remove(int container);

  // --- Keep-alive.
  // The idle ready container idle the longest, and since when, skipping containers used since.
  std::optional<std::pair<int, double>> OldestIdle();
  // Forgets OldestIdle()'s entry (after removing it, or keeping it for min_scale).
  void DropOldestIdle() { idle_.pop_front(); }

  bool BelowMaxScale() const { return settings_.max_scale <= 0 || alive_ < settings_.max_scale; }
  State state(int container) const { return containers_[container].state; }
  int node(int container) const { return containers_[container].node; }
  int busy(int container) const { return containers_[container].busy; }
  bool HasRoom(int container) const {
    return containers_[container].busy < settings_.container_concurrency;
  }
  // Containers not gone: pending, starting and ready.
  int alive() const { return alive_; }
  int pending() const { return pending_; }
  int starting() const { return starting_; }
  int ready() const { return alive_ - pending_ - starting_; }
  // The most containers alive at once so far.
  int most_alive() const { return most_alive_; }
  int created() const { return static_cast<int>(containers_.size()); }
  const SyncSettings& settings() const { return settings_; }

 private:
  struct Container {
    int node = -1;
    int busy = 0;
    State state = State::kPending;
    int64_t generation = 0;  // bumped by Publish and Release: older list entries are stale
  };
  struct Entry {
    int container;
    int64_t generation;
    double since;
  };

  int Add(Container container);
  // The ready containers with a free slot, for the routings other than most-recently-used (which
  // keeps `warm_`): `container` has a free slot now, or no longer has one (full or removed).
  // Both are idempotent.
  void MarkFree(int container);
  void MarkFull(int container);
  std::optional<int> PickFree();

  SyncSettings settings_;
  std::vector<Container> containers_;
  // Ready containers with a free slot, most recently used last (most-recently-used routing);
  // idle ones, longest idle first. Entries go stale (generation) instead of being searched for
  // and erased.
  std::deque<Entry> warm_;
  std::deque<Entry> idle_;
  // Other routings: the ready containers with a free slot, exactly; by number (newest, oldest),
  // or as a list with each member's position in it (random: O(1) draw and removal).
  std::set<int> free_;
  std::vector<int> free_list_;
  std::vector<int> free_position_;  // per container; -1 = not in free_list_
  std::mt19937_64 random_;
  int alive_ = 0;
  int pending_ = 0;
  int starting_ = 0;
  int most_alive_ = 0;
};

}  // namespace twinprof::sim
