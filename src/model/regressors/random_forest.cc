// RandomForest: scikit-learn's RandomForestRegressor on XGBoost: n_estimators trees grown by
// the exact updater without shrinkage or regularisation, each on its own bootstrap sample of the
// rows and a random subset of the features at every split (colsample_bynode from max_features);
// the prediction is the average of the trees. The trees are grown in chunks of 10, one booster
// each with its own seed (TreeBoosterRegressor::Plan::forest_trees), so that the forest of 50
// trees is the first half of the forest of 100 and a search over n_estimators fits once.
//
// Hyperparameters (scikit-learn's names and defaults): n_estimators (100), bootstrap (True),
// max_samples (None), criterion, max_depth, min_samples_split, min_samples_leaf, max_features
// (1.0), min_impurity_decrease; see SklearnTreeParams for the tree ones.
// - bootstrap=True: each tree draws k rows with replacement, k = n or max_samples (a count, at
//   most n, or a fraction of n), and a row drawn j times weighs j, as in scikit-learn (the draws
//   come from our own generator, so the samples are not scikit-learn's).
// - bootstrap=False: every tree sees every row (scikit-learn ignores max_samples then).
// - `subsample` (XGBoost's own, a fraction in (0, 1]): each tree keeps each row with that
//   probability, without replacement, instead of the bootstrap.
// A tree whose draw holds no row gets one row drawn at random. Gap: min_samples_leaf and
// min_samples_split become a minimum weight (min_child_weight), so a row drawn k times counts k
// times; scikit-learn counts the rows of a bootstrap sample once each. The default (1) is the
// same either way.
//
// Gap, and why this is not XGBoost's random-forest mode (num_parallel_tree trees in one round):
// that mode grows every tree of the round on one set of row weights and samples rows with its
// `subsample`, without replacement, so it cannot weigh a row by how often a tree drew it. So each
// tree is a round of its own, given the gradients and hessians of its own draw at base_score
// (XgbBooster::BoostOneIter), which XGBoost grows exactly as it grows a tree of a forest round.
#include <algorithm>
#include <cmath>

#include "model/regressors/techniques.h"
#include "model/regressors/tree_booster.h"

namespace twinprof::model::regressors {

namespace {

class RandomForest : public TreeBoosterRegressor {
 public:
  RandomForest(HyperparameterReader reader, uint64_t seed)
      : TreeBoosterRegressor(Read(reader), seed),
        tree_(SklearnTreeParams::FromJson(hyperparameters())) {}

 protected:
  Plan MakePlan(const Eigen::MatrixXd& x) override {
    const nlohmann::json& hp = hyperparameters();
    Plan plan;
    plan.params = tree_.ToXgboost(x.rows(), x.cols(), notes_, technique());
    plan.forest_trees = hp.at("n_estimators").get<int>();
    if (!hp.at("subsample").is_null()) {
      plan.rows.kind = Plan::RowDraw::Kind::kFraction;
      plan.rows.fraction = hp.at("subsample").get<double>();
    } else if (hp.at("bootstrap").get<bool>()) {
      const nlohmann::json& max_samples = hp.at("max_samples");
      const int64_t n = x.rows();
      plan.rows.kind = Plan::RowDraw::Kind::kBootstrap;
      plan.rows.draws = n;
      if (max_samples.is_number_integer()) {
        plan.rows.draws = std::min(n, max_samples.get<int64_t>());
      } else if (max_samples.is_number_float()) {
        // scikit-learn: max(round(n * max_samples), 1)
        plan.rows.draws = std::max<int64_t>(
            1,
            static_cast<int64_t>(std::round(max_samples.get<double>() * static_cast<double>(n))));
      }
    }
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

}  // namespace twinprof::model::regressors
