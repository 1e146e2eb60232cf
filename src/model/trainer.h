// `twinprof train`: aMLLibrary's model building. For each technique, a hyperparameter search
// (full grid, a seeded random subset, or a Bayesian search over priors: TPE) scored by MAPE on the
// hp_selection split inside each validation split's training rows, optionally with sequential
// forward feature selection; each validation split's best point (as aMLLibrary picks it, on that
// split's own selection splits) is fitted on its training rows and measured on its train and
// validation rows; the technique with the lowest selection MAPE wins; every technique's best point
// over all splits is refitted on all rows and kept as a ModelFile.
//
// run_num repetitions use seeds seed, seed+1, ... (new HoldOut/KFold shuffles and regressor
// seeds); their scores are averaged. Results are identical for a seed whatever `jobs` is: every
// fit gets its seed from (seed, run) only, and results are gathered in a fixed order.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/config/train_config.h"
#include "model/metrics.h"
#include "model/model_file.h"

namespace twinprof::model {

struct TrainOptions {
  int jobs = 1;  // threads for the fits (grid points x splits)
};

struct TechniqueResult {
  std::string technique;
  bool ok = false;                          // false when every grid point failed (see notes)
  nlohmann::json hyperparameters;           // the best point
  std::vector<std::string> features;        // the features it was given (SFS picks some)
  std::vector<std::string> model_features;  // those it used itself (Stepwise), else empty
  Metrics train, selection, validation;     // means over validation splits (and runs)
  // The refitted model on all rows, measured on those same rows: an in-sample figure, what
  // aMLLibrary prints as "Validation metrics on full dataset". Not an estimate of accuracy on
  // new data (that is `validation`); kept so the two tools' reports can be set side by side.
  Metrics refit;
  size_t points = 0;                 // grid points tried (evaluations, for a Bayesian search)
  size_t fits = 0;                   // regressor fits, refit included
  std::map<std::string, int> notes;  // regressor notes (cut fits, failures) -> count
  std::shared_ptr<ModelFile> model;  // refitted on all rows
};

struct TrainSummary {
  std::string config_path;
  std::string input_path;
  size_t rows = 0;
  std::vector<std::string> feature_names;  // every prepared feature
  std::string validation, hp_selection;    // method names with their parameters
  nlohmann::json search;  // {"method": "Grid" | "Random" | "Hyperopt", "max_evals": ...}
  int runs = 1;
  int jobs = 1;
  std::vector<TechniqueResult> techniques;  // in configuration order
  int best = -1;                            // index of the winner
  // XGBoost feature selection, when configured (else null): the features kept for the refit and
  // their weights, the XGBoost point used, the features of each validation split, fits, notes.
  nlohmann::json xgboost_selection;
  double seconds = 0;

  // "LRRidge 8.1% | XGBoost 5.2% | ... best XGBoost (validation MAPE 5.2%) in 3.1 s"
  std::string BriefReport() const;
  // A table of MAPE % / RMSE / R² on train, selection and validation, and each technique's best
  // hyperparameters, features and notes (results.txt).
  std::string FullReport() const;
  nlohmann::json ToJson() const;
};

// Loads the data of `config` and runs the whole search. Throws InputError for bad data (file:line)
// or for configuration keys the data contradicts (unknown columns, empty splits).
TrainSummary Train(const TrainConfig& config, const TrainOptions& options);

}  // namespace twinprof::model
