// LRRidge: ridge regression, as scikit-learn's Ridge (which aMLLibrary's LRRidge wraps):
// minimise ||y - X w - b||² + alpha ||w||², the intercept b not penalised (the data are centred
// first). Solved by Cholesky (LDLT) on the normal equations, scikit-learn's default for dense
// data; with alpha = 0 and a singular system it falls back to the minimum-norm least-squares
// solution.
//
// Hyperparameters: alpha (1.0, >= 0), fit_intercept (True).
#include "model/regressors/linear_model.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class Ridge : public LinearModelRegressor {
 public:
  Ridge(HyperparameterReader reader, uint64_t seed)
      : LinearModelRegressor(Read(reader), seed),
        alpha_(hyperparameters().at("alpha").get<double>()),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    CenteredData data(x, y, fit_intercept_);
    Eigen::MatrixXd gram = data.x.transpose() * data.x;
    gram.diagonal().array() += alpha_;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(gram);
    Eigen::VectorXd coef;
    bool solved = ldlt.info() == Eigen::Success && ldlt.isPositive() &&
                  (ldlt.vectorD().array() > 1e-12 * ldlt.vectorD().cwiseAbs().maxCoeff()).all();
    if (solved) {
      coef = ldlt.solve(data.x.transpose() * data.y);
    } else {
      // Singular normal equations (alpha = 0 with collinear features): least squares on the
      // augmented system [X; sqrt(alpha) I], minimum norm.
      Eigen::MatrixXd augmented(data.x.rows() + data.x.cols(), data.x.cols());
      augmented << data.x, std::sqrt(alpha_) * Eigen::MatrixXd::Identity(x.cols(), x.cols());
      Eigen::VectorXd rhs = Eigen::VectorXd::Zero(augmented.rows());
      rhs.head(data.y.size()) = data.y;
      coef = augmented.completeOrthogonalDecomposition().solve(rhs);
      notes_.push_back("LRRidge: singular normal equations, used the minimum-norm solution");
    }
    SetModel(coef, data.Intercept(coef));
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Number("alpha", 1.0, 0.0);
    reader.Bool("fit_intercept", true);
    return reader;
  }

  double alpha_;
  bool fit_intercept_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeRidge(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Ridge>(HyperparameterReader("LRRidge", hp), seed);
}

}  // namespace twinprof::model::regressors
