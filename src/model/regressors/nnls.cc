// NNLS: true non-negative least squares (every coefficient >= 0), solved by Lawson–Hanson
// (nnls_solver.h). With fit_intercept the intercept is free and the data are centred first, as
// scikit-learn's LinearRegression(positive=True) does. (aMLLibrary approximates NNLS with
// Lasso(alpha=0.001, positive=True); this is the exact problem.)
//
// Hyperparameters: fit_intercept (True).
#include "model/regressors/linear_model.h"
#include "model/regressors/nnls_solver.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class Nnls : public LinearModelRegressor {
 public:
  Nnls(HyperparameterReader reader, uint64_t seed)
      : LinearModelRegressor(Read(reader), seed),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    CenteredData data(x, y, fit_intercept_);
    NnlsResult solved = SolveNnls(data.x, data.y);
    if (!solved.converged) {
      notes_.push_back("NNLS: stopped after " + std::to_string(solved.iterations) +
                       " Lawson-Hanson iterations before optimality");
    }
    SetModel(solved.x, data.Intercept(solved.x));
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Bool("fit_intercept", true);
    return reader;
  }

  bool fit_intercept_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeNnls(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Nnls>(HyperparameterReader("NNLS", hp), seed);
}

}  // namespace twinprof::model::regressors
