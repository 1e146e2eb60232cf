// LinearRegression and NNLS: least squares, unconstrained or with every coefficient >= 0 — one
// technique, as scikit-learn's LinearRegression and LinearRegression(positive=True) are one class.
// With fit_intercept the intercept is free (not constrained) and the data are centred first.
//
// LinearRegression: ordinary least squares. The solution is the minimum-norm least-squares one
// (Eigen's complete orthogonal decomposition), so collinear features give the same answer as
// numpy's lstsq.
// NNLS: true non-negative least squares, solved by Lawson–Hanson (nnls_solver.h). (aMLLibrary
// approximates NNLS with Lasso(alpha=0.001, positive=True); this is the exact problem.)
//
// Hyperparameters (both): fit_intercept (True).
#include "model/regressors/linear_model.h"
#include "model/regressors/nnls_solver.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class LeastSquares : public LinearModelRegressor {
 public:
  // `positive`: NNLS (coefficients >= 0); otherwise ordinary least squares.
  LeastSquares(HyperparameterReader reader, uint64_t seed, bool positive)
      : LinearModelRegressor(Read(reader), seed),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()),
        positive_(positive) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    CenteredData data(x, y, fit_intercept_);
    Eigen::VectorXd coef;
    if (positive_) {
      NnlsResult solved = SolveNnls(data.x, data.y);
      if (!solved.converged) {
        notes_.push_back("NNLS: stopped after " + std::to_string(solved.iterations) +
                         " Lawson-Hanson iterations before optimality");
      }
      coef = std::move(solved.x);
    } else {
      coef = data.x.completeOrthogonalDecomposition().solve(data.y);
    }
    SetModel(coef, data.Intercept(coef));
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Bool("fit_intercept", true);
    return reader;
  }

  bool fit_intercept_;
  bool positive_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeLinearRegression(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<LeastSquares>(HyperparameterReader("LinearRegression", hp), seed,
                                        /*positive=*/false);
}

std::unique_ptr<TechniqueRegressor> MakeNnls(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<LeastSquares>(HyperparameterReader("NNLS", hp), seed,
                                        /*positive=*/true);
}

}  // namespace twinprof::model::regressors
