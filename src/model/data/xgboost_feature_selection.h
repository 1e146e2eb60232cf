// aMLLibrary's XGBoost feature selection ([FeatureSelection] method = 'XGBoost',
// XGBoost_tolerance = t; max_features is for SFS only and ignored here, as in aMLLibrary).
//
// Where it runs: once per validation split, on that split's training rows only, before any
// technique sees them (aMLLibrary's XGBoostFeatureSelectionExpConfsGenerator sits between the
// validation and the hp_selection generators); every technique of that split then gets only the
// kept features, and the model refitted on all rows gets the features kept on all rows.
//
// How: each XGBoost point of config.xgboost_selection_space (the grid, or with Hyperopt a TPE
// search of max_evals points over its priors) is scored by its mean MAPE on the hp_selection
// splits of those rows; the best one is fitted on all of them and XGBoost counts
// how many splits use each feature (importance "weight", aMLLibrary's get_fscore()), normalised
// to sum to 1. Features are taken by decreasing weight until their weights add up to at least
// t.
//
// Differences from aMLLibrary: (1) it walks get_fscore()'s dictionary in column order, not by
// weight, although the code calls the list sorted; we sort. (2) It refits the chosen XGBoost
// on inputs_split["all"], validation rows included; we fit on the training rows only, so
// validation stays unseen. (3) Its inner search repeats the whole campaign (validation split inside
// the training rows, then hp_selection); we score on the hp_selection splits directly.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/config/train_config.h"
#include "model/data/scaler.h"
#include "model/data/splits.h"

namespace twinprof::model {

// One selection: the data as the techniques see it and the rows it may look at.
struct XgboostSelectionTask {
  const Eigen::MatrixXd* x = nullptr;       // features (scaled when normalising)
  const Eigen::VectorXd* y = nullptr;       // target (scaled when normalising)
  const Eigen::VectorXd* y_real = nullptr;  // unscaled target, for the MAPE
  const Scaler* y_scaler = nullptr;         // turns predictions of y back into y_real's units
  const std::vector<int>* rows = nullptr;   // the rows to select on
  const std::vector<RowSplit>* selection = nullptr;  // hp_selection splits of `rows`
  uint64_t seed = 0;
};

struct XgboostSelection {
  bool ok = false;              // false when every XGBoost fit failed: then every feature is kept
  std::vector<int> columns;     // kept features, ascending
  std::vector<double> weights;  // each feature's share of XGBoost's splits (sum 1, or all 0)
  nlohmann::json hyperparameters;  // the XGBoost point whose splits were counted
  size_t fits = 0;
  std::vector<std::string> notes;
};

// Runs every task (fits spread over `jobs` threads; results do not depend on `jobs`).
std::vector<XgboostSelection> SelectFeaturesWithXgboost(
    const TrainConfig& config, const std::vector<XgboostSelectionTask>& tasks, int jobs);

// The features kept for `weights` (normalised): by decreasing weight (ties: lower index first),
// never a feature of weight 0, until the kept weights add up to at least `tolerance`.
// Ascending. Empty when every weight is 0.
std::vector<int> KeepTopFeatures(const std::vector<double>& weights, double tolerance);

}  // namespace twinprof::model
