// Calibrate: fits the simulator's parameters to measured job records, so that a scenario using
// the result (`calibration: FILE`) reproduces the measurements and predicts what was not run.
//
//   calibrate::Options options;                       // defaults below
//   calibrate::Summary summary = calibrate::Calibrate(scenario, {ReadJobRecords(dir)}, options);
//   std::cout << summary.BriefReport() << "\n";        // FullReport(): every parameter, MAPEs
//   WriteText(out_path, summary.CalibrationFile());   // docs/formats.md, "Calibration file"
//
// The scenario gives the structure (workflow, platform, placement) and the priors (its behaviour
// values; the platform's speeds, storage and overheads): a parameter the data cannot identify
// keeps its prior and is reported as not identified, with why. What is fitted and how:
// compute_fit.h (Ceres) and phase_fits.h (outputs, storage, overheads). Bad data (records of
// another workflow, empty or all-failed data, a component without records, a node type the
// platform lacks, NaN times) throws InputError naming the file and line (measured_jobs.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "calibrate/compute_fit.h"
#include "calibrate/measured_jobs.h"
#include "calibrate/phase_fits.h"
#include "profile/job_records_source.h"
#include "sim/scenario.h"

namespace twinprof::calibrate {

struct Options {
  std::string reference_node_type;  // "" = the node type with most jobs
  int starts = 3;                   // starting points of the compute fit
  double huber_scale = 0.1;         // robust loss scale, on log time
  int max_iterations = 200;         // Ceres iterations per start
};

// The mean absolute percentage error of the fitted model on its own records, per phase (NaN
// where the model does not predict that phase or no record has it).
struct PhaseMape {
  std::string component;
  int jobs = 0;
  double compute = 0, download = 0, upload = 0, cold_start = 0, wait = 0;
  // The measured phases' means in seconds, to read each MAPE against: 800% of a 20 us download
  // says nothing of a 2 s job's predictions.
  double mean_compute_s = 0, mean_download_s = 0, mean_upload_s = 0, mean_cold_start_s = 0,
         mean_wait_s = 0;
};

struct Summary {
  std::string workflow;
  std::string reference_node_type;
  std::vector<std::string> data;  // the files fitted on
  int jobs = 0;                   // succeeded jobs fitted on
  int failed = 0;                 // failed jobs left out
  int ignored = 0;                // jobs without compute time left out
  std::vector<FittedValue> parameters;
  std::vector<PhaseMape> mape;  // per component
  bool converged = false;
  int iterations = 0;
  int starts = 0;
  bool covariance_available = false;
  double wall_seconds = 0;
  // The calibrated values, in scenario terms.
  std::vector<std::string> component_names;                 // by ComponentId
  std::vector<sim::ComponentBehaviour> behaviours;          // by ComponentId
  std::vector<std::pair<std::string, double>> node_speeds;  // fitted, non-reference types
  std::vector<std::pair<std::string, platform::NetworkLink>> storage;
  platform::Overheads overheads;

  // One line: jobs, components, whether the fit converged, the worst compute MAPE, time.
  std::string BriefReport() const;
  // Every parameter with its standard error (or why it is not identified) and the MAPE table.
  std::string FullReport() const;
  // The calibration file (YAML; docs/formats.md, "Calibration file").
  std::string CalibrationFile() const;
};

// Fits `data` (at least one set) to `scenario`. Throws InputError for bad data (see above).
Summary Calibrate(const sim::Scenario& scenario, const std::vector<profile::JobRecordSet>& data,
                  const Options& options);

}  // namespace twinprof::calibrate
