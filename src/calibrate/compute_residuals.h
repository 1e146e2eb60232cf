// The residuals of FitCompute (compute_fit.h): the model of one measured job's compute time and
// of its CPU seconds, as Ceres autodiff cost functors. Internal to the calibrate module.
//
// Units, so that every parameter is of order one: work in seconds of one reference core, its
// per_byte relative to the component's mean input size (x = input bytes / that mean), the
// size-dependent part per_byte * x^exponent (the simulator's power law with its reference size
// at the mean input, sim/component_behaviour.h); the off-CPU time in seconds, its per_byte at the
// mean input size too (linear).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "calibrate/measured_jobs.h"

namespace twinprof::calibrate {

// per_byte * x^exponent, 0 for an empty input (whose x^e has no derivative in e at 0).
template <typename T>
T SizePart(const T& per_byte, double x, const T& exponent) {
  using std::pow;
  if (!(x > 0)) return T(0);
  return per_byte * pow(x, exponent);
}

// One job's compute time (the model of compute_fit.h).
struct ComputeResidual {
  double measured = 0;
  double x = 0;    // input bytes / the component's mean input bytes
  double cpu = 1;  // the container's cpu limit
  // The record's CPU seconds; NaN when it has none.
  double cpu_time = std::numeric_limits<double>::quiet_NaN();
  std::vector<OccupancyPiece> occupancy;

  template <typename T>
  T Model(const T* base, const T* per_byte, const T* exponent, const T* serial, const T* log_ratio,
          const T* interference, const T* off_base, const T* off_per_byte) const {
    T work = base[0] + SizePart(per_byte[0], x, exponent[0]);
    T amdahl = serial[0] / std::min(1.0, cpu) + (1.0 - serial[0]) / cpu;
    T idle = work * amdahl / exp(log_ratio[0]);
    T off = off_base[0] + off_per_byte[0] * x;
    if (occupancy.empty()) return idle + off;
    T progress(0);
    for (const OccupancyPiece& piece : occupancy) {
      progress += piece.seconds / ((1.0 + interference[0] * piece.others) * piece.oversubscription);
    }
    // The CPU part is slowed by the mean slowdown over the compute phase (where in it the job was
    // off the CPU the records do not say); the off-CPU seconds are not.
    return idle * measured / progress + off;
  }

  template <typename T>
  bool operator()(const T* base, const T* per_byte, const T* exponent, const T* serial,
                  const T* log_ratio, const T* interference, const T* off_base,
                  const T* off_per_byte, T* residual) const {
    T model =
        Model(base, per_byte, exponent, serial, log_ratio, interference, off_base, off_per_byte);
    if (!(model > T(0))) return false;
    residual[0] = std::log(measured) - log(model);
    return true;
  }
};

// One job's CPU seconds (the record's cpu_time_s): its work over its speed, times the slowdown
// interference gave it (a slowed-down job holds its cores longer, as the simulator counts it):
// the work done in each stretch of the compute, seconds / (f o), weighs f there.
struct CpuTimeResidual {
  double measured = 0;
  double x = 0;
  std::vector<OccupancyPiece> occupancy;

  template <typename T>
  T Model(const T* base, const T* per_byte, const T* exponent, const T* log_ratio,
          const T* interference) const {
    T cpu = (base[0] + SizePart(per_byte[0], x, exponent[0])) / exp(log_ratio[0]);
    if (occupancy.empty()) return cpu;
    T slowed(0), progress(0);
    for (const OccupancyPiece& piece : occupancy) {
      slowed += piece.seconds / piece.oversubscription;
      progress += piece.seconds / ((1.0 + interference[0] * piece.others) * piece.oversubscription);
    }
    return cpu * slowed / progress;
  }

  template <typename T>
  bool operator()(const T* base, const T* per_byte, const T* exponent, const T* log_ratio,
                  const T* interference, T* residual) const {
    T model = Model(base, per_byte, exponent, log_ratio, interference);
    if (!(model > T(0))) return false;
    residual[0] = std::log(measured) - log(model);
    return true;
  }
};

}  // namespace twinprof::calibrate
