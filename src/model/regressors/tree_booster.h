// The frame of XGBoost-backed techniques (today XGBoost itself): a subclass turns its
// hyperparameters into XGBoost parameters and a number of boosting rounds (Plan); this class
// trains with squared error, one thread and the regressor's seed, predicts, and saves the booster
// as XGBoost's own UBJSON model (base64 in the JSON state), which reloads bit-identically.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/regressors/technique.h"
#include "model/regressors/xgboost_handles.h"

namespace twinprof {

class TreeBoosterRegressor : public TechniqueRegressor {
 public:
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) final;
  // Not safe for concurrent calls on one regressor (XGBoost keeps a prediction cache).
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const final;
  void LoadState(const nlohmann::json& state) final;

 protected:
  using TechniqueRegressor::TechniqueRegressor;

  struct Plan {
    std::vector<std::pair<std::string, std::string>> params;  // XGBoost name, value
    int rounds = 1;
  };
  // XGBoost parameters for training on `x` (whose size some mappings need); may add notes_.
  // objective, nthread, seed, verbosity and base_score (mean of y unless the plan sets it) are
  // set by Fit().
  virtual Plan MakePlan(const Eigen::MatrixXd& x) = 0;

  nlohmann::json SaveState() const final;

  // A number as XGBoost reads it (shortest text that round-trips).
  static std::string Num(double v);

 private:
  std::unique_ptr<XgbBooster> booster_;
  Eigen::Index columns_ = -1;
};

}  // namespace twinprof
