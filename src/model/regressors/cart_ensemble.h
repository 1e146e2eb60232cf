// The shared frame of DecisionTree and RandomForest: an average of CART trees (cart.h), each grown
// on all rows or on a bootstrap sample, with the features tried at each split drawn from a
// generator seeded by the regressor's seed. Saves the trees as JSON arrays (exact doubles), so a
// reloaded model predicts bit-identically.
#pragma once

#include <vector>

#include "model/regressors/cart.h"
#include "model/regressors/technique.h"

namespace twinprof {

class CartEnsembleRegressor : public TechniqueRegressor {
 public:
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) final;
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const final;
  void LoadState(const nlohmann::json& state) final;

  const std::vector<CartTree>& trees() const { return trees_; }

 protected:
  using TechniqueRegressor::TechniqueRegressor;

  struct Ensemble {
    int trees = 1;
    bool bootstrap = false;
    int64_t bootstrap_draws = 0;  // rows drawn per tree (with replacement) when bootstrapping
  };
  virtual Ensemble Settings(Eigen::Index rows) const = 0;

  nlohmann::json SaveState() const final;

 private:
  std::vector<CartTree> trees_;
  Eigen::Index columns_ = -1;
};

}  // namespace twinprof
