// ImageCache: which container images each node holds, for cold starts.
//
// A job's container needs its component's image for the node's architecture. The first job of
// an image on a node pulls it (image size / pull bandwidth); jobs arriving while the pull is under
// way wait for that same pull; later jobs find it there. When the platform says images are not
// cached, every job pulls. Plain logic over times in seconds.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace twinprof::sim {

class ImageCache {
 public:
  ImageCache(size_t nodes, bool cached) : ready_(nodes), cached_(cached) {}

  // A job on `node` needing `image` at time `now`, whose pull would take `pull_seconds`: returns
  // when the image is ready on the node (>= now). Counts a pull when one starts and takes time
  // (an image of 0 bytes is not pulled).
  double ReadyTime(int node, const std::string& image, double now, double pull_seconds);

  long pulls() const { return pulls_; }

 private:
  std::vector<std::unordered_map<std::string, double>> ready_;  // per node: image -> ready time
  bool cached_;
  long pulls_ = 0;
};

}  // namespace twinprof::sim
