// RandomForest: XGBoost's random-forest mode: one boosting round growing trees in parallel
// (num_parallel_tree) with eta 1 and no regularisation, each on a random subsample of the rows
// and a random subset of the features at every split (colsample_bynode from max_features); the
// prediction is the average of the trees. The n_estimators trees are grown in chunks of 10, one
// booster each with its own seed (TreeBoosterRegressor::Plan::forest_trees), so that the forest
// of 50 trees is the first half of the forest of 100 and a search over n_estimators fits once.
//
// Hyperparameters (scikit-learn's names and defaults): n_estimators (100) -> num_parallel_tree,
// bootstrap (True), max_samples (None), criterion, max_depth, min_samples_split,
// min_samples_leaf, max_features (1.0), min_impurity_decrease; see SklearnTreeParams for the
// tree ones. `subsample` (XGBoost's own, a fraction in (0, 1]) sets the row fraction directly.
// Gap: XGBoost samples rows without replacement. A bootstrap sample of k draws from n rows
// holds on average a fraction 1 - exp(-k/n) of distinct rows (63.2% for k = n), so
// bootstrap=True maps to subsample = 1 - exp(-k/n), with k = n or max_samples (a count or a
// fraction of n); rows drawn twice or more do not get the extra weight they would have in
// scikit-learn. bootstrap=False uses every row (scikit-learn ignores max_samples then).
#include <algorithm>
#include <cmath>

#include "model/regressors/techniques.h"
#include "model/regressors/tree_booster.h"

namespace twinprof {

namespace {

class RandomForest : public TreeBoosterRegressor {
 public:
  RandomForest(HyperparameterReader reader, uint64_t seed)
      : TreeBoosterRegressor(Read(reader), seed),
        tree_(SklearnTreeParams::FromJson(hyperparameters())) {}

 protected:
  Plan MakePlan(const Eigen::MatrixXd& x) override {
    const nlohmann::json& hp = hyperparameters();
    double subsample = 1.0;
    if (hp.at("bootstrap").get<bool>()) {
      const nlohmann::json& max_samples = hp.at("max_samples");
      const double n = static_cast<double>(x.rows());
      double draws = n;
      if (max_samples.is_number_integer()) {
        draws = std::min(n, static_cast<double>(max_samples.get<int64_t>()));
      } else if (max_samples.is_number_float()) {
        draws = std::max(1.0, std::round(max_samples.get<double>() * n));
      }
      subsample = 1.0 - std::exp(-draws / n);
    }
    if (!hp.at("subsample").is_null()) subsample = hp.at("subsample").get<double>();
    Plan plan;
    plan.params = tree_.ToXgboost(x.rows(), x.cols(), notes_, technique());
    plan.forest_trees = hp.at("n_estimators").get<int>();
    plan.params.emplace_back("subsample", Num(subsample));
    plan.rounds = 1;
    return plan;
  }
  Reduction Reducible() const override { return Reduction::kForest; }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Integer("n_estimators", 100, 1, 100000);
    reader.Bool("bootstrap", true);
    nlohmann::json max_samples = reader.Raw("max_samples", nullptr);
    if (!(max_samples.is_null() ||
          (max_samples.is_number_integer() && max_samples.get<int64_t>() >= 1) ||
          (max_samples.is_number_float() && max_samples.get<double>() > 0.0 &&
           max_samples.get<double>() <= 1.0))) {
      reader.Fail("max_samples", "must be None, an integer >= 1 or a fraction in (0, 1]");
    }
    nlohmann::json subsample = reader.Raw("subsample", nullptr);
    if (!subsample.is_null() && (!subsample.is_number() || !(subsample.get<double>() > 0.0) ||
                                 subsample.get<double>() > 1.0)) {
      reader.Fail("subsample", "must be a fraction in (0, 1]");
    }
    SklearnTreeParams::Read(reader);
    return reader;
  }

  SklearnTreeParams tree_;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeRandomForest(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<RandomForest>(HyperparameterReader("RandomForest", hp), seed);
}

}  // namespace twinprof
