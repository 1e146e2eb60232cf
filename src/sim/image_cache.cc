#include "sim/image_cache.h"

#include <algorithm>

namespace twinprof {

double ImageCache::ReadyTime(int node, const std::string& image, double now, double pull_seconds) {
  if (!cached_) {
    ++pulls_;
    return now + pull_seconds;
  }
  auto [it, inserted] = ready_[node].try_emplace(image, now + pull_seconds);
  if (inserted) ++pulls_;
  return std::max(now, it->second);
}

}  // namespace twinprof
