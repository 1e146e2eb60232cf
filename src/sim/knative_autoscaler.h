// KnativeAutoscaler: the decisions of Knative's Pod Autoscaler (KPA) for one synchronous
// service, as plain logic over times in seconds; JobFlow asks it on every tick
// (job_flow_sync.cc) and starts or removes containers to match.
//
// The KPA (knative.dev/serving, pkg/autoscaler; documented at knative.dev "Configuring the
// Autoscaler") scales on concurrency: requests in flight, in containers or waiting in the
// activator's buffer. Every tick (2 s) it averages the concurrency over the stable window (60 s)
// and over the panic window (10% of it, 6 s), and wants
//     stable pods = ceil(stable average / target),  panic pods = ceil(panic average / target)
// each bounded by the rates: at most max_scale_up_rate x ready pods, at least ready pods /
// max_scale_down_rate. When panic pods >= panic_threshold (200%) x ready pods it panics: for a
// stable window after the last such tick it never scales down (it keeps the most panic pods
// wanted). Otherwise it wants the stable pods. min_scale and max_scale bound the result; a
// service is scaled to zero only after it has wanted zero for scale_to_zero_grace (30 s), and a
// request to a service with no container at all starts one at once (the activator pokes the
// autoscaler).
//
// The target is concurrency per container: container-concurrency-target-default (100), or the
// hard container_concurrency when smaller, times container-concurrency-target-percentage (70%).
// OSCAR creates its services with containerConcurrency 1 (pkg/backends/knative.go), min-scale
// and max-scale from the FDL's synchronous settings, and leaves the rest to the cluster's
// config-autoscaler defaults: target 1 x 70% = 0.7, stable window 60 s, panic window 6 s,
// panic threshold 200%, scale-to-zero grace 30 s, max scale-up rate 1000, max scale-down rate 2,
// tick 2 s.
#pragma once

#include <cstdint>
#include <vector>

#include "core/yaml_file.h"

namespace twinprof::sim {

struct KnativeSettings {
  double target = 0.7;  // concurrency per container (target x utilisation)
  double stable_window_s = 60;
  double panic_window_s = 6;
  double panic_threshold = 2.0;  // panic pods / ready pods that starts panic mode
  double scale_to_zero_grace_s = 30;
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  double tick_s = 2;
};

// Reads `knative: {target, stable_window, panic_window, panic_threshold, scale_to_zero_grace,
// max_scale_up_rate, max_scale_down_rate, tick}` (all optional). Throws InputError at the
// offending node (values not > 0, a panic window longer than the stable one, unknown keys).
KnativeSettings ParseKnativeSettings(const YamlFile& file, const YAML::Node& node);

class KnativeAutoscaler {
 public:
  explicit KnativeAutoscaler(const KnativeSettings& settings) : settings_(settings) {}

  // One tick at `now`: `concurrency_area` is the integral of the concurrency from t = 0 to now,
  // `ready` the ready containers. Returns the containers wanted, before min/max_scale.
  int Decide(double now, double concurrency_area, int ready);
  bool panicking() const { return panic_since_ >= 0; }

 private:
  // The average concurrency over the `window` seconds before `now`.
  double Average(double now, double area, double window) const;

  KnativeSettings settings_;
  std::vector<std::pair<double, double>> history_;  // (tick time, concurrency area), in order
  size_t oldest_needed_ = 0;                        // first history entry still in a window
  double panic_since_ = -1;                         // last tick over the panic threshold
  int panic_pods_ = 0;                              // most pods wanted while panicking
  double zero_since_ = -1;                          // wanted zero pods since then
};

}  // namespace twinprof::sim
