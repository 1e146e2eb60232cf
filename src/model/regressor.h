// A Regressor learns y ~ f(x) from rows of features. One implementation per technique
// (src/model/regressors/), each wrapping the library that does the real work (Eigen, XGBoost,
// libsvm, Boost.Math; decision trees and random forests are XGBoost's single-tree and
// random-forest modes); nothing else touches those libraries' handles.
//
// Hyperparameters use aMLLibrary's names (alpha, n_estimators, max_depth, learning_rate,
// min_child_weight, gamma, C, epsilon, kernel, degree, ...) and arrive as one JSON object of
// scalar values. Fitting is deterministic for a given seed.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace twinprof::model {

class Regressor {
 public:
  virtual ~Regressor() = default;

  // The technique's aMLLibrary name ("LRRidge", "XGBoost", "SVR", ...).
  virtual std::string technique() const = 0;

  // Learns from `x` (one row per sample) and `y`. Throws std::invalid_argument (a
  // std::logic_error: the caller's mistake) when x has no rows, x and y differ in rows, or either
  // holds NaN or infinity; std::runtime_error when the library fails (XGBoost, libsvm, a worker
  // process). A fit that had to be cut short (an iteration or time bound) still leaves a usable
  // model and says so in notes().
  virtual void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) = 0;

  // One prediction per row of `x`. Throws std::logic_error before a successful Fit() (a loaded
  // model counts as fitted) and std::invalid_argument when `x` has not the fit's number of
  // columns.
  virtual Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const = 0;

  // The whole fitted state (hyperparameters included) as JSON; LoadRegressor() restores it so
  // that Predict() gives bit-identical results. Throws std::logic_error before a fit.
  virtual nlohmann::json Save() const = 0;

  // Whether this fitted regressor can become by ReduceTo(point) the regressor a fit at `point`
  // (same technique, data and seed) would give, with bit-identical predictions, at a fraction of
  // the cost of that fit; before a fit, whether a fit might be (the answer after the fit can
  // still be no). DecisionTree and RandomForest: `point` differs only by a max_depth no larger
  // (XGBoost's prune updater cuts the deeper trees, and a tree grown level by level and cut at
  // depth d is the tree grown to depth d). XGBoost: only by a gamma no larger than the loss
  // change of every split grown. SVR: only by C, epsilon, tol, shrinking or max_seconds, when the
  // fit kept its precomputed kernel matrix (libsvm's solver runs again on it). A hyperparameter
  // search fits one point of such a family per split and reduces it to the others.
  virtual bool CanReduceTo(const nlohmann::json& /*point*/) const { return false; }

  // Makes this fitted regressor the one a fit at `point` would give. Requires CanReduceTo(point);
  // throws std::logic_error otherwise.
  virtual void ReduceTo(const nlohmann::json& point);

  // Frees what the regressor keeps only to serve ReduceTo() (training data, kernel matrices,
  // unpruned trees); predictions are unchanged, later reductions are refused.
  virtual void ReleaseFitData() {}

  // Features the model actually uses (indices into the columns of x), when it selects some itself
  // (Stepwise); empty means all.
  virtual std::vector<int> SelectedFeatures() const { return {}; }

  // Remarks about the last fit ("SVR stopped after 1e6 iterations"), for the reports.
  const std::vector<std::string>& notes() const { return notes_; }

 protected:
  std::vector<std::string> notes_;
};

// Creates an unfitted regressor. Throws InputError (message naming the technique and the key)
// for an unknown technique, an unknown hyperparameter or a value of the wrong type or range.
std::unique_ptr<Regressor> MakeRegressor(const std::string& technique,
                                         const nlohmann::json& hyperparameters, uint64_t seed);

// Restores a regressor written by Save(). Throws InputError when the JSON is not one.
std::unique_ptr<Regressor> LoadRegressor(const nlohmann::json& saved);

// The techniques MakeRegressor() knows, in aMLLibrary's spelling.
const std::vector<std::string>& KnownTechniques();

}  // namespace twinprof::model
