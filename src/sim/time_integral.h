// TimeIntegral: a level that changes at instants (containers alive, cores requested), with its
// running integral over time and its maximum, so time averages need no history.
#pragma once

#include <algorithm>

namespace twinprof::sim {

class TimeIntegral {
 public:
  // The level changes by `delta` at `now` (never before the previous change).
  void Change(double now, double delta) {
    area_ += level_ * (now - last_);
    last_ = now;
    level_ += delta;
    max_ = std::max(max_, level_);
  }
  // The integral from 0 to `end` (>= the last change; the level holds until then).
  double Area(double end) const { return area_ + (end > last_ ? level_ * (end - last_) : 0); }
  double level() const { return level_; }
  double max() const { return max_; }

 private:
  double level_ = 0;
  double area_ = 0;
  double last_ = 0;
  double max_ = 0;
};

}  // namespace twinprof::sim
