// The standard errors of FitCompute (compute_fit.h): the covariance of the free parameters at the
// best fit, from Ceres' linearisation scaled by the residual variance, with the values that ended
// on a bound of their box held (AtBound). Internal to the calibrate module.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "calibrate/compute_residuals.h"
#include "calibrate/fit_design.h"
#include "calibrate/fit_parameters.h"
#include "calibrate/measured_jobs.h"

namespace twinprof::calibrate {

// A fitted value that ended on a bound of its box: the data ask for a value beyond it, the
// linearised covariance (which ignores the box) does not describe its uncertainty, and it would
// inflate the others' through their correlation with it. Such a value is reported "at its bound"
// and held fixed when the others' standard errors are computed (their errors given it).
bool AtBound(double value, double lower, double upper);

// The covariance of the blocks of one Parameters, keyed by their addresses.
struct FitCovariance {
  bool available = false;  // false when there are no more residuals than free parameters, the
                           // residuals are not finite, or Ceres could not compute it
  std::set<const double*> at_bound;  // the free blocks that ended on a bound
  std::map<std::pair<const double*, const double*>, double> covariance;

  // The covariance of blocks a and b; NaN when either was held or it is not available.
  double Of(const double* a, const double* b) const;
  // What the report says of a value on a bound in place of a standard error ("" for one that is
  // not): `meaning` says what the bound means.
  std::string BoundNote(const double* block, const std::string& meaning) const;
};

// The covariance of the free parameters of `best` under `design` (the residual variance from
// `log_residuals`, the log-residuals of the jobs at `best`). The keys point into `best`, which
// must outlive the result and not move.
FitCovariance ComputeCovariance(const FitDesign& design, const MeasuredJobs& measured,
                                const std::vector<ComputeResidual>& residuals, double huber_scale,
                                const std::vector<double>& log_residuals, Parameters& best);

}  // namespace twinprof::calibrate
