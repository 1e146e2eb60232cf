#include "model/regressors/linear_model.h"

namespace twinprof::model::regressors {

Eigen::VectorXd LinearModelRegressor::Predict(const Eigen::MatrixXd& x) const {
  RequireFitted(fitted_);
  CheckPredictInput(x, coef_.size());
  Eigen::VectorXd out = x * coef_;
  out.array() += intercept_;
  return out;
}

void LinearModelRegressor::SetModel(Eigen::VectorXd coef, double intercept) {
  coef_ = std::move(coef);
  intercept_ = intercept;
  fitted_ = true;
}

nlohmann::json LinearModelRegressor::SaveState() const {
  RequireFitted(fitted_);
  return {{"coef", VectorToJson(coef_)}, {"intercept", intercept_}};
}

void LinearModelRegressor::LoadState(const nlohmann::json& state) {
  try {
    SetModel(VectorFromJson(state.at("coef")), state.at("intercept").get<double>());
  } catch (const nlohmann::json::exception& e) {
    BadState(std::string("expected {\"coef\": [numbers], \"intercept\": number}: ") + e.what());
  }
}

CenteredData::CenteredData(const Eigen::MatrixXd& x_in, const Eigen::VectorXd& y_in,
                           bool fit_intercept)
    : x(x_in), y(y_in), x_mean(Eigen::RowVectorXd::Zero(x_in.cols())) {
  if (fit_intercept) {
    x_mean = x.colwise().mean();
    y_mean = y.mean();
    x.rowwise() -= x_mean;
    y.array() -= y_mean;
  }
}

}  // namespace twinprof::model::regressors
