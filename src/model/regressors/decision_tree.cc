// DecisionTree: one CART regression tree with scikit-learn's DecisionTreeRegressor semantics
// (cart.h): every leaf predicts the mean of its training rows, thresholds sit halfway between
// neighbouring values.
//
// Hyperparameters (scikit-learn's names and defaults): criterion, max_depth, min_samples_split,
// min_samples_leaf, max_features, min_impurity_decrease (SklearnTreeHyperparameters).
//
// Why not XGBoost's single-tree mode (the first version of this file): it has no
// min_samples_split, and its exact greedy updater scans every row at every level; on the
// stereomatch data this CART is 1.2-2x faster for one tree and about 3x faster for forests
// (experiments/BENCHMARKS.md). XGBoost stays the library for gradient boosting (xgboost.cc).
#include "model/regressors/cart_ensemble.h"
#include "model/regressors/techniques.h"

namespace twinprof {

namespace {

class DecisionTree : public CartEnsembleRegressor {
 public:
  DecisionTree(HyperparameterReader reader, uint64_t seed)
      : CartEnsembleRegressor(Read(reader), seed) {}

 protected:
  Ensemble Settings(Eigen::Index) const override { return Ensemble{1, false, 0}; }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    SklearnTreeHyperparameters::Read(reader, nullptr);
    return reader;
  }
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeDecisionTree(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<DecisionTree>(HyperparameterReader("DecisionTree", hp), seed);
}

}  // namespace twinprof
