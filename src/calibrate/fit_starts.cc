#include "calibrate/fit_starts.h"

#include <algorithm>
#include <cmath>

namespace twinprof::calibrate {

namespace {

// How a job's time scales from its work at `p` (time = work * amdahl / ratio): the Amdahl factor
// of its cpu limit, and its node type's speed ratio to the reference (every job's pair has one).
struct JobScaling {
  double amdahl = 1;
  double ratio = 1;
};

JobScaling ScalingAt(Parameters& p, const MeasuredJob& job, const ComputeResidual& r) {
  const size_t k = job.component;
  return {Amdahl(p.serial[k], r.cpu), std::exp(p.log_ratio[{job.component, job.node_type}])};
}

}  // namespace

Parameters StartingPoint(const FitDesign& design, const MeasuredJobs& measured,
                         const std::vector<ComputeResidual>& residuals, int start) {
  const size_t components = design.count.size();
  const double serial_starts[] = {0.1, 0.5, 0.9};
  const double interference_starts[] = {0.02, 0.1, 0.3};
  Parameters p = design.prior;
  for (size_t k = 0; k < components; ++k) {
    if (design.serial_free[k]) p.serial[k] = serial_starts[start % 3];
  }
  for (auto& [pair, value] : p.log_ratio) {
    if (design.ratio_free.at(pair)) value = 0;
  }
  for (auto& [pair, value] : p.interference) {
    if (design.interference_free.at(pair)) value = interference_starts[start % 3];
  }
  // Work from a least-squares line through time * speed ratio / Amdahl factor (the CPU
  // seconds * speed ratio where the records have them; the off-CPU time starts at the mean
  // of what the compute times leave).
  for (size_t k = 0; k < components; ++k) {
    const bool per_byte_free = design.per_byte_free[k], off_free = design.off_free[k];
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
    for (size_t j = 0; j < measured.jobs.size(); ++j) {
      const MeasuredJob& job = measured.jobs[j];
      if (job.component != k) continue;
      const ComputeResidual& r = residuals[j];
      const auto [amdahl, ratio] = ScalingAt(p, job, r);
      const double y =
          off_free && r.cpu_time > 0 ? r.cpu_time * ratio : r.measured * ratio / amdahl;
      // The line in x^e (e the prior exponent, where the fit starts).
      const double xe = std::pow(r.x, p.exponent[k]);
      sx += xe, sy += y, sxx += xe * xe, sxy += xe * y, n += 1;
    }
    double slope = 0, intercept = sy / n;
    if (per_byte_free && n * sxx - sx * sx > 0) {
      slope = std::max(0.0, (n * sxy - sx * sy) / (n * sxx - sx * sx));
      intercept = (sy - slope * sx) / n;
    }
    if (per_byte_free) p.per_byte[k] = slope;
    p.base[k] = std::max(intercept, 0.01 * sy / n);
    if (!off_free) continue;
    double left = 0, measured_sum = 0;
    for (size_t j = 0; j < measured.jobs.size(); ++j) {
      const MeasuredJob& job = measured.jobs[j];
      if (job.component != k) continue;
      const ComputeResidual& r = residuals[j];
      const auto [amdahl, ratio] = ScalingAt(p, job, r);
      left +=
          r.measured - (p.base[k] + SizePart(p.per_byte[k], r.x, p.exponent[k])) * amdahl / ratio;
      measured_sum += r.measured;
    }
    p.off_base[k] = std::max(left / n, 0.01 * measured_sum / n);
    p.off_per_byte[k] = 0;
  }
  return p;
}

}  // namespace twinprof::calibrate
