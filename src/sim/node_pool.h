// NodePool: the Kubernetes view of the simulated nodes — what each has left of its cpu and
// memory once the running jobs' requests are subtracted — and the queue of jobs waiting for room.
//
// Requests are kept in integer millicores and bytes, so allocating and releasing never drifts.
// A job that finds no node with room for its requests waits in a FIFO queue; whenever room is
// released, the queue is scanned in order and every job that now fits is placed (a small job
// may pass a big one that still does not fit, as the Kubernetes scheduler does).
// The pool is plain logic: it knows nothing of SimGrid or of time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace twinprof::sim {

struct PoolNode {
  std::string cluster;
  std::string node_type;
  int64_t cpu_millis = 0;    // capacity
  int64_t memory_bytes = 0;  // capacity
  int64_t free_cpu_millis = 0;
  int64_t free_memory_bytes = 0;
  std::string arch;  // the node type's architecture ("x86_64", "arm64"); empty = unknown
};

// What a job asks for: the nodes it may use (indices into the pool) and its requests.
struct PodRequest {
  const std::vector<int>* eligible = nullptr;  // not owned; outlives the request
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
};

inline int64_t ToMillicores(double cpu) { return static_cast<int64_t>(cpu * 1000 + 0.5); }

class NodePool {
 public:
  NodePool(std::vector<PoolNode> nodes, NodePolicy policy);

  const std::vector<PoolNode>& nodes() const { return nodes_; }
  // The indices of the nodes a deployment may use: its cluster, its node type when given, and,
  // when the component names its images by architecture (`images`, not empty), only nodes of an
  // architecture it has an image for (Kubernetes cannot start its container elsewhere). A node
  // of unknown architecture is eligible.
  std::vector<int> EligibleNodes(const ComponentDeployment& deployment,
                                 const std::map<std::string, std::string>& images = {}) const;

  // Places the request now if a node has room (returns it, with the requests subtracted), or
  // returns nothing.
  std::optional<int> TryPlace(const PodRequest& request);
  // Queues a request that could not be placed; `ticket` identifies it to the caller.
  void Enqueue(const PodRequest& request, int64_t ticket);
  // Removes a queued request (a pending container no longer needed); false if it is not queued.
  bool Cancel(int64_t ticket);
  size_t waiting() const { return queue_.size(); }

  // Gives back a job's requests, then places queued requests that now fit, in queue order.
  // Returns (ticket, node) for each placed one.
  std::vector<std::pair<int64_t, int>> Release(int node, const PodRequest& request);

 private:
  struct Waiting {
    PodRequest request;
    int64_t ticket;
  };

  std::vector<PoolNode> nodes_;
  NodePolicy policy_;
  std::deque<Waiting> queue_;
};

}  // namespace twinprof::sim
