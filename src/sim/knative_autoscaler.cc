#include "sim/knative_autoscaler.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace twinprof::sim {

KnativeSettings ParseKnativeSettings(const YamlFile& file, const YAML::Node& node) {
  file.CheckKeys(node,
                 {"target", "stable_window", "panic_window", "panic_threshold",
                  "scale_to_zero_grace", "max_scale_up_rate", "max_scale_down_rate", "tick"},
                 "'knative'", nullptr);
  KnativeSettings settings;
  auto positive = [&](const char* key, double& value, bool duration) {
    YAML::Node entry = YamlFile::Optional(node, key);
    if (!entry) return;
    value = duration ? file.Duration(entry, key) : file.Number(entry, key);
    if (!(value > 0)) file.Fail(entry, std::string("knative ") + key + " must be > 0");
  };
  positive("target", settings.target, false);
  positive("stable_window", settings.stable_window_s, true);
  positive("panic_window", settings.panic_window_s, true);
  positive("panic_threshold", settings.panic_threshold, false);
  positive("scale_to_zero_grace", settings.scale_to_zero_grace_s, true);
  positive("max_scale_up_rate", settings.max_scale_up_rate, false);
  positive("max_scale_down_rate", settings.max_scale_down_rate, false);
  positive("tick", settings.tick_s, true);
  if (settings.panic_window_s > settings.stable_window_s) {
    file.Fail(node, "knative panic_window must not be longer than stable_window");
  }
  return settings;
}

double KnativeAutoscaler::Average(double now, double area, double window) const {
  // The area at now - window, from the tick history (linear between ticks; exact at a tick).
  const double start = now - window;
  if (start <= 0 || history_.empty()) return now > 0 ? area / now : 0;
  auto after = std::lower_bound(history_.begin() + static_cast<std::ptrdiff_t>(oldest_needed_),
                                history_.end(), start,
                                [](const auto& entry, double t) { return entry.first < t; });
  double area_then = 0;
  if (after == history_.end()) {
    area_then = history_.back().second;
  } else if (after == history_.begin()) {
    area_then = after->second * start / after->first;
  } else {
    const auto before = after - 1;
    const double weight = (start - before->first) / (after->first - before->first);
    area_then = before->second + weight * (after->second - before->second);
  }
  return (area - area_then) / window;
}

int KnativeAutoscaler::Decide(double now, double concurrency_area, int ready) {
  const double stable = Average(now, concurrency_area, settings_.stable_window_s);
  const double panic = Average(now, concurrency_area, settings_.panic_window_s);
  history_.emplace_back(now, concurrency_area);
  while (oldest_needed_ + 1 < history_.size() &&
         history_[oldest_needed_ + 1].first < now - settings_.stable_window_s) {
    ++oldest_needed_;
  }
  if (oldest_needed_ > 4096) {  // keep the history short
    history_.erase(history_.begin(),
                   history_.begin() + static_cast<std::ptrdiff_t>(oldest_needed_));
    oldest_needed_ = 0;
  }

  const double ready_pods = std::max(1, ready);
  const int most = static_cast<int>(std::ceil(settings_.max_scale_up_rate * ready_pods));
  const int least = static_cast<int>(std::floor(ready_pods / settings_.max_scale_down_rate));
  auto bounded = [&](double average) {
    const int pods = static_cast<int>(std::ceil(average / settings_.target - 1e-9));
    return std::clamp(pods, least, most);
  };
  const int stable_pods = bounded(stable);
  const int panic_pods = bounded(panic);

  if (panic_pods / ready_pods >= settings_.panic_threshold) {
    if (panic_since_ < 0) panic_pods_ = 0;
    panic_since_ = now;
  } else if (panic_since_ >= 0 && now - panic_since_ >= settings_.stable_window_s) {
    panic_since_ = -1;
  }
  int wanted = stable_pods;
  if (panic_since_ >= 0) {
    panic_pods_ = std::max({panic_pods_, panic_pods, ready});
    wanted = panic_pods_;
  }

  if (wanted > 0) {
    zero_since_ = -1;
    return wanted;
  }
  if (zero_since_ < 0) zero_since_ = now;
  // During the grace period one container stays (Knative scales to one, then to zero).
  return now - zero_since_ >= settings_.scale_to_zero_grace_s ? 0 : std::min(1, ready);
}

}  // namespace twinprof::sim
