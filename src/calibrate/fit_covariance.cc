#include "calibrate/fit_covariance.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "calibrate/fit_solve.h"

namespace twinprof::calibrate {

bool AtBound(double value, double lower, double upper) {
  // The parameters are of order one (seconds of a reference core, fractions, log ratios).
  const double range = std::isfinite(upper - lower) ? upper - lower : 1.0;
  const double tolerance = 1e-6 * std::max(1.0, range);
  return value <= lower + tolerance || value >= upper - tolerance;
}

double FitCovariance::Of(const double* a, const double* b) const {
  auto found = covariance.find({a, b});
  return found != covariance.end() ? found->second : std::numeric_limits<double>::quiet_NaN();
}

std::string FitCovariance::BoundNote(const double* block, const std::string& meaning) const {
  return at_bound.count(block) ? "at a bound of the fit (" + meaning +
                                     "): the data ask for a value beyond it, so it has no "
                                     "standard error; the others' are given it"
                               : std::string();
}

FitCovariance ComputeCovariance(const FitDesign& design, const MeasuredJobs& measured,
                                const std::vector<ComputeResidual>& residuals, double huber_scale,
                                const std::vector<double>& log_residuals, Parameters& best) {
  const size_t components = design.count.size();
  FitCovariance result;
  std::set<const double*>& at_bound = result.at_bound;
  std::vector<const double*> free_blocks;
  ceres::Problem problem;  // the best parameters again, for ceres::Covariance
  {
    AddComputeResiduals(measured, residuals, huber_scale, best, problem);
    // A free block enters the covariance unless it ended on a bound (AtBound).
    auto add = [&](double* block, bool free, double lower, double upper) {
      if (free && AtBound(*block, lower, upper)) at_bound.insert(block);
      if (free && !at_bound.count(block))
        free_blocks.push_back(block);
      else
        problem.SetParameterBlockConstant(block);
    };
    const double unbounded = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < components; ++k) {
      if (design.count[k] == 0) continue;
      const bool per_byte_free = design.per_byte_free[k], off_free = design.off_free[k];
      add(&best.base[k], true, kMinBase, unbounded);
      add(&best.per_byte[k], per_byte_free, 0, unbounded);
      add(&best.exponent[k], design.exponent_free[k], kMinExponent, kMaxExponent);
      add(&best.serial[k], design.serial_free[k], 0, 1);
      add(&best.off_base[k], off_free, 0, unbounded);
      add(&best.off_per_byte[k], off_free && per_byte_free, 0, unbounded);
    }
    for (auto& [pair, value] : best.log_ratio) {
      add(&value, design.ratio_free.at(pair), -kMaxLogRatio, kMaxLogRatio);
    }
    for (auto& [pair, value] : best.interference) {
      add(&value, design.interference_free.at(pair), 0, kMaxInterference);
    }
  }
  const double dof = static_cast<double>(log_residuals.size()) - free_blocks.size();
  double rss = 0;
  for (double r : log_residuals) rss += r * r;
  // A failed fit leaves infinite residuals: no standard errors then (Eigen's SVD of a Jacobian
  // with infinities crashes).
  if (dof > 0 && std::isfinite(rss)) {
    const double sigma2 = rss / dof;
    ceres::Covariance::Options covariance_options;
    covariance_options.algorithm_type = ceres::DENSE_SVD;
    ceres::Covariance engine(covariance_options);
    std::vector<std::pair<const double*, const double*>> wanted;
    for (size_t a = 0; a < free_blocks.size(); ++a) {
      for (size_t b = a; b < free_blocks.size(); ++b) {
        wanted.emplace_back(free_blocks[a], free_blocks[b]);
      }
    }
    if (engine.Compute(wanted, &problem)) {
      result.available = true;
      for (const auto& [a, b] : wanted) {
        double value = 0;
        engine.GetCovarianceBlock(a, b, &value);
        result.covariance[{a, b}] = result.covariance[{b, a}] = value * sigma2;
      }
    }
  }
  return result;
}

}  // namespace twinprof::calibrate
