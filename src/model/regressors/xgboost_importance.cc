#include "model/regressors/xgboost_importance.h"

#include <stdexcept>

#include "core/base64.h"
#include "model/regressors/xgboost_handles.h"

namespace twinprof::model::regressors {

std::vector<double> XgboostFeatureImportance(const Regressor& fitted, size_t features,
                                             const std::string& importance_type) {
  // The saved state holds XGBoost's own model (tree_booster.h), which a fresh booster reloads
  // bit for bit.
  nlohmann::json saved = fitted.Save();
  const nlohmann::json* bytes = nullptr;
  if (saved.contains("state") && saved["state"].is_object() &&
      saved["state"].contains("booster_ubj_base64") &&
      saved["state"]["booster_ubj_base64"].is_string()) {
    bytes = &saved["state"]["booster_ubj_base64"];
  }
  if (!bytes) {
    throw std::invalid_argument(fitted.technique() + " is not backed by an XGBoost booster");
  }
  XgbBooster booster;
  booster.LoadModel(Base64Decode(bytes->get<std::string>()));
  // A booster trained on a subset of the columns (tree_booster.h: `used_columns`) numbers its
  // features within the subset; the other columns offered no split of their own and score 0.
  const nlohmann::json& state = saved["state"];
  if (!state.contains("used_columns")) return booster.FeatureScore(importance_type, features);
  const std::vector<size_t> used = state.at("used_columns").get<std::vector<size_t>>();
  std::vector<double> scores = booster.FeatureScore(importance_type, used.size());
  std::vector<double> out(features, 0.0);
  for (size_t k = 0; k < used.size(); ++k) {
    if (used[k] >= features) {
      throw std::invalid_argument(fitted.technique() + ": used column " + std::to_string(used[k]) +
                                  " beyond the " + std::to_string(features) + " features");
    }
    out[used[k]] = scores[k];
  }
  return out;
}

}  // namespace twinprof::model::regressors
