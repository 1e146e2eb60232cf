#include "sim/image_cache.h"

#include <algorithm>

namespace twinprof::sim {

double ImageCache::ReadyTime(int node, const std::string& image, double now, double pull_seconds) {
  // An empty image (no size, or nothing to pull) is no pull.
  if (!cached_) {
    if (pull_seconds > 0) ++pulls_;
    return now + pull_seconds;
  }
  auto [it, inserted] = ready_[node].try_emplace(image, now + pull_seconds);
  if (inserted && pull_seconds > 0) ++pulls_;
  return std::max(now, it->second);
}

}  // namespace twinprof::sim
