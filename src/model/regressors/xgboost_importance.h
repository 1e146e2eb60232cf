// Feature importance of a fitted XGBoost-backed regressor (XGBoost, DecisionTree, RandomForest),
// read by XGBoost itself (XGBoosterFeatureScore) from the booster the regressor saved.
#pragma once

#include <string>
#include <vector>

#include "model/regressor.h"

namespace twinprof::model::regressors {

// One score per column of the x `fitted` was fitted on (`features` columns), 0 for columns no
// tree uses. `importance_type` as XgbBooster::FeatureScore(); "weight" counts splits, which is
// what aMLLibrary's XGBoost feature selection reads (get_fscore()). Throws std::invalid_argument
// when `fitted` is not a fitted XGBoost-backed regressor.
std::vector<double> XgboostFeatureImportance(const Regressor& fitted, size_t features,
                                             const std::string& importance_type = "weight");

}  // namespace twinprof::model::regressors
