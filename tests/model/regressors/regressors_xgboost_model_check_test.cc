// A saved XGBoost booster is checked before XGBoost reads it (xgboost_model_check.h): damaged
// or inconsistent models are refused with a reason, never followed, and never make XGBoost
// allocate from a length read past the end.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/base64.h"
#include "model/regressor.h"
#include "model/regressors/xgboost_model_check.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// A fitted XGBoost regressor's saved form, and its booster decoded from UBJSON.
struct SavedBooster {
  nlohmann::json saved;
  nlohmann::json booster;
};

SavedBooster FitAndSave() {
  Eigen::MatrixXd x = RandomMatrix(80, 3, 5);
  Eigen::VectorXd y = 10.0 + (x * Eigen::Vector3d(1, 2, 3)).array().square();
  auto r = model::MakeRegressor("XGBoost", {{"n_estimators", 5}, {"max_depth", 3}}, 1);
  r->Fit(x, y);
  SavedBooster out;
  out.saved = r->Save();
  out.booster = nlohmann::json::from_ubjson(
      Base64Decode(out.saved["state"]["booster_ubj_base64"].get<std::string>()));
  return out;
}

std::string Ubjson(const nlohmann::json& booster) {
  std::vector<std::uint8_t> bytes = nlohmann::json::to_ubjson(booster);
  return std::string(bytes.begin(), bytes.end());
}

// Loads `saved` with its booster replaced by `booster` re-encoded; returns the error, or "" when
// it loads.
std::string LoadWith(nlohmann::json saved, const nlohmann::json& booster) {
  saved["state"]["booster_ubj_base64"] = Base64Encode(Ubjson(booster));
  try {
    model::LoadRegressor(saved);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string LoadDamaged(const std::function<void(nlohmann::json&)>& damage) {
  SavedBooster model = FitAndSave();
  damage(model.booster);
  return LoadWith(model.saved, model.booster);
}

nlohmann::json& FirstTree(nlohmann::json& booster) {
  return booster["learner"]["gradient_booster"]["model"]["trees"][0];
}

// The damaged models below are re-encoded by nlohmann, whose UBJSON XGBoost itself does not read
// (it wants 64-bit string lengths): they reach XGBoost only if the check lets them through, and
// their errors must be the check's. Undamaged, the same re-encoding passes the check.
TEST(XgboostModelCheckTest, AnUndamagedModelPassesAsSavedAndReencoded) {
  SavedBooster model = FitAndSave();
  std::string saved_bytes =
      Base64Decode(model.saved["state"]["booster_ubj_base64"].get<std::string>());
  EXPECT_NO_THROW(model::regressors::CheckXgboostModel(saved_bytes, 3, 5));
  EXPECT_NO_THROW(model::regressors::CheckXgboostModel(Ubjson(model.booster), 3, 5));
  EXPECT_THROW(model::regressors::CheckXgboostModel(saved_bytes, 3, 6), std::invalid_argument);
  EXPECT_NO_THROW(model::LoadRegressor(model.saved));
}

TEST(XgboostModelCheckTest, ATruncatedModelIsRefusedWithoutReadingPastItsEnd) {
  SavedBooster model = FitAndSave();
  std::string bytes = Base64Decode(model.saved["state"]["booster_ubj_base64"].get<std::string>());
  for (size_t keep : {size_t{0}, size_t{1}, bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    EXPECT_THROW(model::regressors::CheckXgboostModel(bytes.substr(0, keep), 3, -1),
                 std::invalid_argument)
        << keep;
  }
  // Through the model-file path: refused with the check's reason (XGBoost itself allocated
  // gigabytes for a length it read past the end of such a model).
  nlohmann::json truncated = model.saved;
  truncated["state"]["booster_ubj_base64"] = Base64Encode(bytes.substr(0, bytes.size() / 2));
  try {
    model::LoadRegressor(truncated);
    ADD_FAILURE() << "a truncated model loaded";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("not valid UBJSON"), std::string::npos) << e.what();
  }
}

TEST(XgboostModelCheckTest, AChildOutsideTheTreeIsRefused) {
  std::string error =
      LoadDamaged([](nlohmann::json& b) { FirstTree(b)["left_children"][0] = 1000; });
  EXPECT_NE(error.find("outside"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, ACycleIsRefused) {
  std::string error = LoadDamaged([](nlohmann::json& b) {
    nlohmann::json& tree = FirstTree(b);
    int left = tree["left_children"][0].get<int>();
    ASSERT_GT(left, 0);
    ASSERT_NE(tree["left_children"][left].get<int>(), -1) << "the first tree needs depth 2";
    tree["left_children"][left] = 0;  // back to the root
  });
  EXPECT_NE(error.find("a second time"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, ASplitOnAFeatureBeyondTheColumnsIsRefused) {
  std::string error = LoadDamaged([](nlohmann::json& b) { FirstTree(b)["split_indices"][0] = 3; });
  EXPECT_NE(error.find("splits on feature"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, NodeArraysOfTheWrongLengthAreRefused) {
  std::string error =
      LoadDamaged([](nlohmann::json& b) { FirstTree(b)["split_conditions"].erase(0); });
  EXPECT_NE(error.find("split_conditions"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, AFeatureCountOtherThanTheFilesIsRefused) {
  std::string error = LoadDamaged(
      [](nlohmann::json& b) { b["learner"]["learner_model_param"]["num_feature"] = "4"; });
  EXPECT_NE(error.find("fitted on 4 features"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, ATreeCountThatDisagreesIsRefused) {
  std::string error = LoadDamaged([](nlohmann::json& b) {
    b["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"] = "9";
  });
  EXPECT_NE(error.find("disagree"), std::string::npos) << error;
}

TEST(XgboostModelCheckTest, ANonFiniteSplitConditionIsRefused) {
  std::string error =
      LoadDamaged([](nlohmann::json& b) { FirstTree(b)["split_conditions"][0] = std::nan(""); });
  EXPECT_NE(error.find("not finite"), std::string::npos) << error;
}

}  // namespace
}  // namespace twinprof::test
