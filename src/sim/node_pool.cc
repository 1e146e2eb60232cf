#include "sim/node_pool.h"

namespace twinprof::sim {

NodePool::NodePool(std::vector<PoolNode> nodes, NodePolicy policy)
    : nodes_(std::move(nodes)), policy_(policy) {}

std::vector<int> NodePool::EligibleNodes(const ComponentDeployment& deployment,
                                         const std::map<std::string, std::string>& images) const {
  std::vector<int> eligible;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].cluster != deployment.cluster) continue;
    if (!deployment.node_type.empty() && nodes_[i].node_type != deployment.node_type) continue;
    if (!images.empty() && !nodes_[i].arch.empty() && images.count(nodes_[i].arch) == 0) continue;
    eligible.push_back(static_cast<int>(i));
  }
  return eligible;
}

std::optional<int> NodePool::TryPlace(const PodRequest& request) {
  std::optional<int> best;
  double best_score = -1;
  for (int i : *request.eligible) {
    const PoolNode& node = nodes_[i];
    if (node.free_cpu_millis < request.cpu_millis ||
        node.free_memory_bytes < request.memory_bytes) {
      continue;
    }
    if (policy_ == NodePolicy::kFirstFit) {
      best = i;
      break;
    }
    // Kubernetes' LeastAllocated score: the mean free fraction left after placing the pod.
    double score = static_cast<double>(node.free_cpu_millis - request.cpu_millis) /
                   static_cast<double>(node.cpu_millis);
    if (node.memory_bytes > 0) {
      score += static_cast<double>(node.free_memory_bytes - request.memory_bytes) /
               static_cast<double>(node.memory_bytes);
    }
    if (!best || score > best_score) {
      best = i;
      best_score = score;
    }
  }
  if (best) {
    nodes_[*best].free_cpu_millis -= request.cpu_millis;
    nodes_[*best].free_memory_bytes -= request.memory_bytes;
  }
  return best;
}

void NodePool::Enqueue(const PodRequest& request, int64_t ticket) {
  queue_.push_back({request, ticket});
}

bool NodePool::Cancel(int64_t ticket) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->ticket == ticket) {
      queue_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<std::pair<int64_t, int>> NodePool::Release(int node, const PodRequest& request) {
  nodes_[node].free_cpu_millis += request.cpu_millis;
  nodes_[node].free_memory_bytes += request.memory_bytes;
  std::vector<std::pair<int64_t, int>> placed;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (std::optional<int> where = TryPlace(it->request)) {
      placed.emplace_back(it->ticket, *where);
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  return placed;
}

}  // namespace twinprof::sim
