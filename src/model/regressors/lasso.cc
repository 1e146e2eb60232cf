// Lasso: min (1/2n) ||y - X w - b||² + alpha ||w||₁, the intercept b not penalised (data centred),
// by cyclic coordinate descent with scikit-learn's stopping rule: when the largest coefficient
// change is below tol times the largest coefficient, check the duality gap against tol·||y||².
// Written on Eigen (the same algorithm as scikit-learn's Lasso).
//
// Hyperparameters: alpha (1.0, >= 0), fit_intercept (True), max_iter (1000), tol (1e-4),
// positive (False: with True, coefficients are kept >= 0).
#include <cmath>

#include "model/regressors/linear_model.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class Lasso : public LinearModelRegressor {
 public:
  Lasso(HyperparameterReader reader, uint64_t seed)
      : LinearModelRegressor(Read(reader), seed),
        alpha_(hyperparameters().at("alpha").get<double>()),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()),
        max_iter_(hyperparameters().at("max_iter").get<int>()),
        tol_(hyperparameters().at("tol").get<double>()),
        positive_(hyperparameters().at("positive").get<bool>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    CenteredData data(x, y, fit_intercept_);
    const Eigen::MatrixXd& a = data.x;
    const Eigen::Index p = a.cols();
    const double l1 = alpha_ * static_cast<double>(a.rows());
    const double gap_tol = tol_ * data.y.squaredNorm();
    Eigen::VectorXd norms = a.colwise().squaredNorm().transpose();
    Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
    Eigen::VectorXd r = data.y;

    bool converged = false;
    int iter = 0;
    for (; iter < max_iter_ && !converged; ++iter) {
      double w_max = 0.0;
      double dw_max = 0.0;
      for (Eigen::Index j = 0; j < p; ++j) {
        if (norms(j) == 0.0) continue;
        const double old = w(j);
        if (old != 0.0) r += old * a.col(j);
        const double rho = a.col(j).dot(r);
        double updated = 0.0;
        if (!(positive_ && rho < 0.0)) {
          updated = std::copysign(std::max(std::fabs(rho) - l1, 0.0), rho) / norms(j);
        }
        w(j) = updated;
        if (updated != 0.0) r -= updated * a.col(j);
        dw_max = std::max(dw_max, std::fabs(updated - old));
        w_max = std::max(w_max, std::fabs(updated));
      }
      if (w_max == 0.0 || dw_max / w_max < tol_ || iter == max_iter_ - 1) {
        converged = DualityGap(a, data.y, w, r, l1) < gap_tol;
      }
    }
    if (!converged) {
      notes_.push_back("Lasso: coordinate descent stopped after max_iter = " +
                       std::to_string(max_iter_) + " iterations without converging");
    }
    SetModel(w, data.Intercept(w));
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Number("alpha", 1.0, 0.0);
    reader.Bool("fit_intercept", true);
    reader.Integer("max_iter", 1000, 1);
    reader.Number("tol", 1e-4, 0.0);
    reader.Bool("positive", false);
    return reader;
  }

  // The duality gap of the Lasso problem scaled by n (scikit-learn's enet_coordinate_descent).
  double DualityGap(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, const Eigen::VectorXd& w,
                    const Eigen::VectorXd& r, double l1) const {
    Eigen::VectorXd xta = a.transpose() * r;
    double dual_norm = positive_ ? xta.maxCoeff() : xta.cwiseAbs().maxCoeff();
    if (xta.size() == 0) dual_norm = 0.0;
    const double r_norm2 = r.squaredNorm();
    double scale = 1.0;
    double gap = r_norm2;
    if (dual_norm > l1) {
      scale = l1 / dual_norm;
      gap = 0.5 * (r_norm2 + r_norm2 * scale * scale);
    }
    gap += l1 * w.lpNorm<1>() - scale * r.dot(y);
    return gap;
  }

  double alpha_;
  bool fit_intercept_;
  int max_iter_;
  double tol_;
  bool positive_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeLasso(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Lasso>(HyperparameterReader("Lasso", hp), seed);
}

}  // namespace twinprof::model::regressors
