// The Ceres problems of FitCompute (compute_fit.h) and their solution: one residual per measured
// job (two with CPU seconds) under a Huber loss, the design's free parameters bounded to their box
// and the others held; solved in passes over the occupancy the fitted serial fractions and
// off-CPU times give, from several starting points each (fit_starts.h), keeping the lowest cost.
// Internal to the calibrate module.
#pragma once

#include <ceres/ceres.h>

#include <cmath>
#include <vector>

#include "calibrate/compute_fit.h"
#include "calibrate/compute_residuals.h"
#include "calibrate/fit_design.h"
#include "calibrate/fit_parameters.h"
#include "calibrate/measured_jobs.h"

namespace twinprof::calibrate {

// One residual block per measured job, over its component's and (component, node type)'s
// parameters in `p`, and one more for its CPU time when its record has one, all under one Huber
// loss (the problem owns the costs and the loss; `p` must outlive the problem).
void AddComputeResiduals(const MeasuredJobs& measured,
                         const std::vector<ComputeResidual>& residuals, double huber_scale,
                         Parameters& p, ceres::Problem& problem);

struct SolvedFit {
  Parameters best;                 // the lowest cost's; the priors when no start was usable
  ceres::Solver::Summary summary;  // the best start's (default-constructed when none was)
  double cost = INFINITY;          // infinite when no start was usable
  int starts = 0;                  // starting points per pass
  // The last pass's residuals, in MeasuredJobs order (the jobs' occupancy at the best start).
  std::vector<ComputeResidual> residuals;
};

// The best fit of `measured` under `design`, with options.starts starting points (at least one)
// and options.max_iterations per start.
SolvedFit SolveFit(const FitDesign& design, const MeasuredJobs& measured,
                   const ComputeFitOptions& options);

}  // namespace twinprof::calibrate
