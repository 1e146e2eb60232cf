// LinearRegression: ordinary least squares, as scikit-learn's LinearRegression. The solution is
// the minimum-norm least-squares one (Eigen's complete orthogonal decomposition), so collinear
// features give the same answer as numpy's lstsq.
//
// Hyperparameters: fit_intercept (True).
#include "model/regressors/linear_model.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class LinearRegression : public LinearModelRegressor {
 public:
  LinearRegression(HyperparameterReader reader, uint64_t seed)
      : LinearModelRegressor(Read(reader), seed),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    CenteredData data(x, y, fit_intercept_);
    Eigen::VectorXd coef = data.x.completeOrthogonalDecomposition().solve(data.y);
    SetModel(coef, data.Intercept(coef));
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Bool("fit_intercept", true);
    return reader;
  }

  bool fit_intercept_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeLinearRegression(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<LinearRegression>(HyperparameterReader("LinearRegression", hp), seed);
}

}  // namespace twinprof::model::regressors
