// The fits besides compute, each a linear least-squares problem solved in closed form (with
// standard errors from the residual variance):
// - outputs per component: files per input (the mean, rounded; or files_per_input +
//   files_per_input_byte * input bytes when the count follows the input size), output bytes = bytes
//   + bytes_per_input_byte * input bytes (both >= 0; one of them when the other would be negative
//   or the inputs had one size);
// - storage per cluster: download and upload times = latency + bytes / bandwidth, in the
//   simulator's terms a route of the node's LAN link and the storage link (so the storage's
//   latency is the intercept less the LAN's, and its bandwidth the slope's inverse);
// - overheads (the platform has one set, so fitted on all clusters' jobs): pod_start from the
//   cold starts of jobs that were not the first of their component on their node in their run,
//   the image pull bandwidth from the extra cold start of first jobs (image size / extra time),
//   the scheduling delay from the waits of jobs that had a free slot when submitted.
#pragma once

#include <string>
#include <vector>

#include "calibrate/fitted_value.h"
#include "calibrate/measured_jobs.h"
#include "platform/platform.h"
#include "sim/scenario.h"

namespace twinprof::calibrate {

struct PhaseFits {
  std::vector<FittedValue> parameters;
  // Indexed by ComponentId: output fields filled in (the rest as given).
  std::vector<sim::ComponentBehaviour> behaviours;
  // Per cluster with jobs: the calibrated storage link.
  std::vector<std::pair<std::string, platform::NetworkLink>> storage;
  platform::Overheads overheads;
  // Per measured job, the model's phase times (for MAPE): download, upload, cold start, wait
  // (NaN where the model does not predict it: the wait of a job that found no free slot).
  std::vector<double> download, upload, cold_start, wait;
};

// `behaviours` are the scenario's (or the compute fit's) behaviours to complete.
PhaseFits FitPhases(const sim::Scenario& scenario, const MeasuredJobs& measured,
                    std::vector<sim::ComponentBehaviour> behaviours);

}  // namespace twinprof::calibrate
