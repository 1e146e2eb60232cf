// Stepwise: Draper and Smith's (1966) forward/backward selection with ordinary least squares,
// with aMLLibrary's hyperparameters and loop (its stepwisefit.py, after Octave's stepwisefit):
//   - columns with a constant value are never candidates;
//   - each iteration first tries to add the candidate with the largest partial F (the most
//     significant coefficient when added): it enters when its two-sided t-test has p < p_to_add;
//   - then the selected feature with the smallest |t| leaves when its p > p_to_remove;
//   - iterations stop when nothing changes or after max_iter.
// One difference from aMLLibrary: it picks the candidate most correlated with the current
// residuals, not the one with the largest partial correlation; that shortcut ignores what the
// selected features already explain and, on the Hald data, enters x3 instead of the textbook's
// x2. We follow Draper and Smith. With no feature selected, the model predicts the mean of y
// (aMLLibrary predicts 0).
// t quantiles come from Boost.Math (Student's t with n - k - 1 degrees of freedom, n - k without
// intercept). A regression that is rank deficient or has no degrees of freedom left is refused.
//
// Hyperparameters: p_to_add (0.05), p_to_remove (0.1), fit_intercept (True), max_iter (100).
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <optional>

#include "model/regressors/linear_model.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

struct Regression {
  Eigen::VectorXd beta;  // intercept first when fitted with one
  Eigen::VectorXd t;     // t statistics, same order as beta
  Eigen::VectorXd residuals;
  double dof = 0.0;
};

class Stepwise : public LinearModelRegressor {
 public:
  Stepwise(HyperparameterReader reader, uint64_t seed)
      : LinearModelRegressor(Read(reader), seed),
        p_to_add_(hyperparameters().at("p_to_add").get<double>()),
        p_to_remove_(hyperparameters().at("p_to_remove").get<double>()),
        fit_intercept_(hyperparameters().at("fit_intercept").get<bool>()),
        max_iter_(hyperparameters().at("max_iter").get<int>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    std::vector<int> candidates;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      if (x.col(j).minCoeff() != x.col(j).maxCoeff()) candidates.push_back(static_cast<int>(j));
    }
    std::vector<int> selected;
    std::optional<Regression> current;
    bool go_on = true;
    int iter = 0;
    while (go_on && iter < max_iter_) {
      ++iter;
      bool added = false;
      bool dropped = false;
      if (selected.size() < candidates.size()) {
        std::optional<std::pair<std::vector<int>, Regression>> best =
            BestAddition(x, y, candidates, selected);
        if (best && std::fabs(best->second.t(best->second.t.size() - 1)) >
                        Quantile(p_to_add_, best->second.dof)) {
          selected = best->first;
          current = best->second;
          added = true;
        }
      }
      if (!selected.empty() && current) {
        const Eigen::Index offset = fit_intercept_ ? 1 : 0;
        Eigen::Index weakest = 0;
        current->t.tail(current->t.size() - offset).cwiseAbs().minCoeff(&weakest);
        if (std::fabs(current->t(weakest + offset)) < Quantile(p_to_remove_, current->dof)) {
          std::vector<int> trial = selected;
          trial.erase(trial.begin() + weakest);
          std::optional<Regression> fit = Regress(x, y, trial);
          if (fit) {
            selected = trial;
            current = fit;
            dropped = true;
          }
        }
      }
      go_on = added || dropped;
    }
    if (go_on) {
      notes_.push_back("Stepwise: stopped after max_iter = " + std::to_string(max_iter_) +
                       " iterations while still changing the selection");
    }

    Eigen::VectorXd coef = Eigen::VectorXd::Zero(x.cols());
    double intercept = 0.0;
    if (current) {
      const Eigen::Index offset = fit_intercept_ ? 1 : 0;
      if (fit_intercept_) intercept = current->beta(0);
      for (size_t k = 0; k < selected.size(); ++k) {
        coef(selected[k]) = current->beta(static_cast<Eigen::Index>(k) + offset);
      }
    } else if (fit_intercept_) {
      intercept = y.mean();  // no feature entered: the model is the mean
    }
    std::sort(selected.begin(), selected.end());
    selected_ = selected;
    SetModel(coef, intercept);
  }

  std::vector<int> SelectedFeatures() const override { return selected_; }

  void LoadState(const nlohmann::json& state) override {
    LinearModelRegressor::LoadState(state);
    try {
      selected_ = state.at("selected").get<std::vector<int>>();
    } catch (const nlohmann::json::exception& e) {
      BadState(std::string("expected \"selected\": [column indices]: ") + e.what());
    }
  }

 protected:
  nlohmann::json SaveState() const override {
    nlohmann::json state = LinearModelRegressor::SaveState();
    state["selected"] = selected_;
    return state;
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Number("p_to_add", 0.05, 1e-300, 1.0);
    reader.Number("p_to_remove", 0.1, 1e-300, 1.0);
    reader.Bool("fit_intercept", true);
    reader.Integer("max_iter", 100, 1);
    return reader;
  }

  // |t| beyond which a coefficient is significant at two-sided level p.
  static double Quantile(double p, double dof) {
    boost::math::students_t dist(dof);
    return boost::math::quantile(boost::math::complement(dist, p / 2.0));
  }

  // Among the unselected candidates, the one whose coefficient would be the most significant
  // (largest partial F = t², i.e. largest partial correlation with y), with its regression;
  // nullopt when no candidate gives a usable regression. Ties go to the lower column index.
  std::optional<std::pair<std::vector<int>, Regression>> BestAddition(
      const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& candidates,
      const std::vector<int>& selected) const {
    std::optional<std::pair<std::vector<int>, Regression>> best;
    for (int j : candidates) {
      if (std::find(selected.begin(), selected.end(), j) != selected.end()) continue;
      std::vector<int> trial = selected;
      trial.push_back(j);
      std::optional<Regression> fit = Regress(x, y, trial);
      if (!fit) continue;
      const double t = std::fabs(fit->t(fit->t.size() - 1));
      if (!best || t > std::fabs(best->second.t(best->second.t.size() - 1))) {
        best.emplace(std::move(trial), std::move(*fit));
      }
    }
    return best;
  }

  // OLS of y on the `columns` of x (plus an intercept column when fit_intercept), with t
  // statistics; nullopt when rank deficient or without residual degrees of freedom.
  std::optional<Regression> Regress(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                    const std::vector<int>& columns) const {
    const Eigen::Index offset = fit_intercept_ ? 1 : 0;
    const Eigen::Index p = static_cast<Eigen::Index>(columns.size()) + offset;
    const Eigen::Index n = x.rows();
    if (n - p <= 0) return std::nullopt;
    Eigen::MatrixXd design(n, p);
    if (fit_intercept_) design.col(0).setOnes();
    for (size_t k = 0; k < columns.size(); ++k) {
      design.col(static_cast<Eigen::Index>(k) + offset) = x.col(columns[k]);
    }
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(design);
    if (qr.rank() < p) return std::nullopt;
    Regression fit;
    fit.beta = qr.solve(y);
    fit.residuals = y - design * fit.beta;
    fit.dof = static_cast<double>(n - p);
    const double mse = fit.residuals.squaredNorm() / fit.dof;
    // diag((X'X)^-1) = squared row norms of R^-1, undoing the column permutation.
    Eigen::MatrixXd r = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
    Eigen::MatrixXd r_inv = r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(p, p));
    Eigen::VectorXd diag_permuted = r_inv.rowwise().squaredNorm();
    Eigen::VectorXd diag = qr.colsPermutation() * diag_permuted;
    fit.t = fit.beta.array() / (mse * diag.array()).sqrt();
    if (!fit.t.allFinite()) {
      // A perfect fit (mse = 0) makes every coefficient infinitely significant.
      for (Eigen::Index i = 0; i < fit.t.size(); ++i) {
        if (!std::isfinite(fit.t(i))) fit.t(i) = fit.beta(i) == 0.0 ? 0.0 : HUGE_VAL;
      }
    }
    return fit;
  }

  double p_to_add_;
  double p_to_remove_;
  bool fit_intercept_;
  int max_iter_;
  std::vector<int> selected_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeStepwise(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Stepwise>(HyperparameterReader("Stepwise", hp), seed);
}

}  // namespace twinprof::model::regressors
