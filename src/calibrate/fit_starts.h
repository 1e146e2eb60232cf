// The starting points of FitCompute's multi-start fit (compute_fit.h): each start spreads the
// free serial fractions and interferences over the box, starts the free speed ratios at the
// reference's speed, and the work (and off-CPU time) from a least-squares line through the jobs.
// Internal to the calibrate module.
#pragma once

#include <vector>

#include "calibrate/compute_residuals.h"
#include "calibrate/fit_design.h"
#include "calibrate/fit_parameters.h"
#include "calibrate/measured_jobs.h"

namespace twinprof::calibrate {

// The fit's starting point number `start` (0, 1, 2, ... wrapping after three): the design's
// priors, with the free parameters moved as above. `residuals` are the jobs' (in MeasuredJobs
// order) under the occupancy of the current pass.
Parameters StartingPoint(const FitDesign& design, const MeasuredJobs& measured,
                         const std::vector<ComputeResidual>& residuals, int start);

}  // namespace twinprof::calibrate
