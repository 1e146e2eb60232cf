// The parameters of FitCompute (compute_fit.h) as Ceres sees them: one double per block, in the
// units of compute_residuals.h, each bounded to the box below. Internal to the calibrate module.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "calibrate/measured_jobs.h"

namespace twinprof::calibrate {

// The bounds of the fit (work in reference-core seconds, per_byte relative to the mean input).
constexpr double kMinBase = 1e-9;
constexpr double kMaxLogRatio = 7;
constexpr double kMaxInterference = 3;
// The work's exponent (compute_fit.h): from far sublinear (a cache) to beyond quadratic.
constexpr double kMinExponent = 0.3;
constexpr double kMaxExponent = 3;

// A component on a node type: the key of the parameters fitted per node type.
struct Pair {
  workflow::ComponentId component;
  std::string node_type;
  bool operator<(const Pair& o) const {
    return std::tie(component, node_type) < std::tie(o.component, o.node_type);
  }
};

// The parameters of one fit, as Ceres' blocks (one double each): per component (indexed by
// ComponentId) and per (component, node type).
struct Parameters {
  std::vector<double> base, per_byte, exponent, serial, off_base, off_per_byte;
  std::map<Pair, double> log_ratio, interference;
};

// Amdahl's factor A(c) = s / min(1, c) + (1 - s) / c of a job with serial fraction s under a cpu
// limit c (compute_fit.h): its time over that of one core's worth.
inline double Amdahl(double serial, double cpu) {
  return serial / std::min(1.0, cpu) + (1 - serial) / cpu;
}

}  // namespace twinprof::calibrate
