// ServiceTime: how long one job of a component computes, when it is not derived from the
// component's work (ComponentBehaviour) but drawn from a distribution of measured or assumed
// times — the classic serverless models' "service time".
//
// A drawn time t is the compute phase on an otherwise idle node: the behaviour's off-CPU seconds
// (at most t) are slept, the rest is turned into work at the node's speed with the component's
// serial fraction and cpu (the inverse of ComponentBehaviour::IdleComputeTime), so concurrent
// jobs on a node still share its cores and slow each other down. The time does not depend on the
// node's speed (it was measured on the hardware the scenario runs on).
//
// Distributions (YAML, key `service_time` of a component's behaviour, docs/formats.md):
//   model                                       the work-based path (the default): calibrated
//                                               behaviour or an ML model
//   {distribution: deterministic, value: 2s}
//   {distribution: exponential, mean: 2s}
//   {distribution: lognormal, mean: 2s, stddev: 1s}   (of the time itself, not of its log)
//   {values: [1.2s, 1.4s, 2.0s]}                      an empirical list, drawn uniformly
//
// ServiceTimeSampler draws from them reproducibly: std::mt19937_64 (fixed by the standard) with
// our own transforms, so a seed gives the same times on every machine and standard library.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/yaml_file.h"

namespace twinprof::sim {

struct ServiceTime {
  enum class Kind { kModel, kDeterministic, kExponential, kLogNormal, kEmpirical };
  Kind kind = Kind::kModel;
  double mean_s = 0;             // deterministic value, exponential or log-normal mean
  double stddev_s = 0;           // log-normal standard deviation
  std::vector<double> values_s;  // empirical

  bool FromModel() const { return kind == Kind::kModel; }
  // The distribution's mean (the work-based path has none: 0).
  double Mean() const;
};

// Reads `model` or a distribution map; `key` names it in messages (`service_time`,
// `cold_service_time`). Throws InputError at the offending node: an unknown distribution name, a
// mean or value not > 0 (a deterministic value may be 0), a negative standard deviation, an
// empty or negative list, unknown keys.
ServiceTime ParseServiceTime(const YamlFile& file, const YAML::Node& node,
                             const std::string& key = "service_time");

class ServiceTimeSampler {
 public:
  explicit ServiceTimeSampler(uint64_t seed) : random_(seed) {}

  // One time in seconds (>= 0). Requires !time.FromModel().
  double Draw(const ServiceTime& time);

 private:
  double Uniform01();  // in [0, 1)

  std::mt19937_64 random_;
};

}  // namespace twinprof::sim
