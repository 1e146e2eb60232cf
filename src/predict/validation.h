// `twinprof validate`: every predictor against the measurements, joined on
// configuration and component (docs/formats.md, "Validation", for the metrics,
// the split and the files).
//
//   ValidateOptions options;
//   options.measured = "results";  options.predicted = {"sim=out-sim",
//   "ml=out-ml"}; options.trained_where = "split-video.cpu<=1";
//   options.output_dir = "validation"; ValidationSummary summary =
//   RunValidation(options);   // writes validate.csv, validate.json std::cout
//   << summary.BriefReport();
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "predict/configuration.h"
#include "predict/measured_runs.h"
#include "predict/predicted_set.h"

namespace twinprof::predict {

struct ValidateOptions {
  std::string measured;                // RESULTS
  std::vector<std::string> predicted;  // "[NAME=]DIR", one per predictor
  std::string output_dir;              // "" = write nothing
  std::string trained_on;              // RESULTS2: its configurations are the training ones
  std::string trained_where;           // or conditions on parameters ("a<=1,b<=2")
};

// One predictor x configuration x component: the measured and predicted values
// of each metric.
struct ValidationCell {
  std::string predictor;
  std::string configuration;  // ConfigurationKey
  Parameters parameters;
  std::string component;  // "workflow" for makespan_s
  std::string split;
  int jobs_measured = 0;
  int jobs_predicted = 0;
  std::map<std::string, double> measured;   // metric -> value
  std::map<std::string, double> predicted;  // metric -> value (only the predictor's metrics)
};

// One row of validate.csv.
struct ValidationMetric {
  std::string predictor;
  std::string metric;
  std::string component;
  std::string split;
  int cells = 0;
  int zero_measured = 0;  // cells left out of the MAPE: measured value 0
  double mape_pct = 0;    // NaN when no cell counts
  double measured_mean = 0;
  double predicted_mean = 0;
};

struct ValidationSummary {
  struct Predictor {
    std::string name;
    std::string dir;
    std::string kind;        // "jobs" or "prediction"
    int configurations = 0;  // in the predicted set
    int joined = 0;          // also measured
    int unmatched = 0;       // predicted only (or prediction rows without a measured job)
  };
  std::string measured;
  std::string split_by = "none";  // "trained-on", "trained-where"
  std::vector<std::string> split_conditions;
  int training_configurations = 0;
  std::vector<Predictor> predictors;
  std::vector<ValidationMetric> metrics;
  std::vector<ValidationCell> cells;

  std::string Csv() const;
  nlohmann::json ToJson() const;
  // One line per predictor: end to end (makespan) and per component compute_s
  // MAPE, by split.
  std::string BriefReport() const;
  // Every metric row.
  std::string FullReport() const;
};

// The metrics of `predicted` against `measured` (pure: reads and writes
// nothing). Throws InputError for sets that cannot be joined (see
// docs/formats.md, "Validation").
ValidationSummary Validate(const MeasuredRuns& measured, const std::vector<PredictedSet>& predicted,
                           const TrainingSplit& split);

// Loads everything named in `options`, validates, and writes OUT/validate.csv
// and OUT/validate.json. Throws InputError for bad input.
ValidationSummary RunValidation(const ValidateOptions& options);

}  // namespace twinprof::predict
