#include "model/regressors/xgboost_importance.h"

#include <stdexcept>

#include "model/regressors/base64.h"
#include "model/regressors/xgboost_handles.h"

namespace twinprof {

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
  return booster.FeatureScore(importance_type, features);
}

}  // namespace twinprof
