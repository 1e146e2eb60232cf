// The shared shape of the linear techniques (LinearRegression, LRRidge, Lasso, NNLS, Stepwise):
// y ~ intercept + x · coef. Subclasses compute coef and intercept in Fit(); this class predicts,
// saves and restores them.
#pragma once

#include <Eigen/Dense>

#include "model/regressors/technique.h"

namespace twinprof::model::regressors {

class LinearModelRegressor : public TechniqueRegressor {
 public:
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const override;
  void LoadState(const nlohmann::json& state) override;

  const Eigen::VectorXd& coef() const { return coef_; }
  double intercept() const { return intercept_; }

 protected:
  using TechniqueRegressor::TechniqueRegressor;
  nlohmann::json SaveState() const override;

  // Records the fitted model.
  void SetModel(Eigen::VectorXd coef, double intercept);

 private:
  Eigen::VectorXd coef_;
  double intercept_ = 0.0;
  bool fitted_ = false;
};

// Training data centred the way scikit-learn does when fit_intercept is true (x and y minus their
// means); unchanged, with zero means, when it is false.
struct CenteredData {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Eigen::RowVectorXd x_mean;
  double y_mean = 0.0;

  CenteredData(const Eigen::MatrixXd& x_in, const Eigen::VectorXd& y_in, bool fit_intercept);
  // The intercept that goes with coefficients fitted on the centred data.
  double Intercept(const Eigen::VectorXd& coef) const { return y_mean - x_mean.dot(coef); }
};

}  // namespace twinprof::model::regressors
