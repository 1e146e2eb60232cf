// DecisionTree: one regression tree, grown by XGBoost's exact greedy algorithm as a single
// boosting round without shrinkage or regularisation (eta 1, lambda 0, alpha 0): every leaf
// predicts the mean of its training rows, as scikit-learn's DecisionTreeRegressor does, and
// split thresholds sit halfway between neighbouring values.
//
// Hyperparameters (scikit-learn's names and defaults): criterion, max_depth, min_samples_split,
// min_samples_leaf, max_features, min_impurity_decrease; see SklearnTreeParams for the mapping
// and its one gap (min_samples_split).
#include "model/regressors/techniques.h"
#include "model/regressors/tree_booster.h"

namespace twinprof::model::regressors {

namespace {

class DecisionTree : public TreeBoosterRegressor {
 public:
  DecisionTree(HyperparameterReader reader, uint64_t seed)
      : TreeBoosterRegressor(Read(reader), seed),
        tree_(SklearnTreeParams::FromJson(hyperparameters())) {}

 protected:
  Plan MakePlan(const Eigen::MatrixXd& x) override {
    Plan plan;
    plan.params = tree_.ToXgboost(x.rows(), x.cols(), notes_, technique());
    plan.params.emplace_back("num_parallel_tree", "1");
    plan.params.emplace_back("subsample", "1");
    plan.rounds = 1;
    return plan;
  }
  Reduction Reducible() const override { return Reduction::kDepth; }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    SklearnTreeParams::Read(reader);
    return reader;
  }

  SklearnTreeParams tree_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeDecisionTree(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<DecisionTree>(HyperparameterReader("DecisionTree", hp), seed);
}

}  // namespace twinprof::model::regressors
