// SyncContainers: the containers of one synchronous service (OSCAR /run, Knative underneath), as
// plain bookkeeping over times in seconds; JobFlow plays them in SimGrid (job_flow_sync.cc).
//
// The model (docs/architecture.md, "Simulator"):
// - a request goes to a ready container with a free slot (`container_concurrency` requests at a
//   time), the most recently used one; it then has no wait and no cold start;
// - otherwise, below `max_scale` containers, a new container cold-starts for it (node placement,
//   scheduling delay, image pull if the node lacks the image, container start, application
//   init) and serves it;
// - otherwise the request waits in a FIFO queue for the first free slot (its wait is the time in
//   the queue; a request queued while a container cold-starts takes one of its free slots once it
//   is ready), or is rejected (a failed job, reason "rejected") when `reject_when_full`;
// - a container idle for `keep_alive` is removed (its node's cpu and memory are released),
//   unless that would leave fewer than `min_scale` containers; `min_scale` containers exist,
//   ready, from t = 0.
// Concurrent requests in one container each compute with the container's cpu limit (they compete
// with each other only for the node's cores, not for the container's limit).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/scenario.h"

namespace twinprof {

class SyncContainers {
 public:
  explicit SyncContainers(const SyncSettings& settings) : settings_(settings) {}

  // The ready container with a free slot used most recently, if any.
  std::optional<int> FindWarm() const;
  // Whether a new container may be created (fewer than max_scale alive).
  bool CanGrow() const;
  // A new container on `node` (ready or still starting); it serves one request already.
  int Create(int node, bool ready, double now);
  void SetNode(int container, int node) { containers_[container].node = node; }
  void MarkReady(int container) { containers_[container].ready = true; }
  // One more / one fewer request in the container.
  void Acquire(int container);
  void Release(int container, double now);

  // Whether `container`, idle since the release that returned `generation`, should now be
  // removed; if so it is marked dead. Call keep_alive after that release.
  bool Expire(int container, int64_t generation);
  int64_t generation(int container) const { return containers_[container].generation; }
  bool HasRoom(int container) const {
    return containers_[container].busy < settings_.container_concurrency;
  }
  bool idle(int container) const { return containers_[container].busy == 0; }
  int node(int container) const { return containers_[container].node; }
  int alive() const { return alive_; }
  int created() const { return static_cast<int>(containers_.size()); }

 private:
  struct Container {
    int node = -1;
    int busy = 0;
    bool ready = false;
    bool alive = true;
    double last_used = 0;
    int64_t generation = 0;  // counts releases, so a stale expiry is recognised
  };

  SyncSettings settings_;
  std::vector<Container> containers_;
  int alive_ = 0;
};

}  // namespace twinprof
