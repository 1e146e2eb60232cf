// RandomForest: scikit-learn's RandomForestRegressor: n_estimators CART trees (cart.h), each grown
// on a bootstrap sample (rows drawn with replacement, the counts used as weights) and trying
// max_features random features at each split; the prediction is the average of the trees.
//
// Hyperparameters (scikit-learn's names and defaults): n_estimators (100), bootstrap (True),
// max_samples (None = as many draws as rows; an integer count or a fraction of the rows),
// criterion, max_depth, min_samples_split, min_samples_leaf, max_features (1.0),
// min_impurity_decrease (SklearnTreeHyperparameters).
//
// Why not XGBoost's random-forest mode: it subsamples rows without replacement (no bootstrap),
// has no min_samples_split, and was about 3x slower (see decision_tree.cc).
#include "model/regressors/cart_ensemble.h"
#include "model/regressors/techniques.h"

namespace twinprof {

namespace {

class RandomForest : public CartEnsembleRegressor {
 public:
  RandomForest(HyperparameterReader reader, uint64_t seed)
      : CartEnsembleRegressor(Read(reader), seed) {}

 protected:
  Ensemble Settings(Eigen::Index rows) const override {
    const nlohmann::json& hp = hyperparameters();
    Ensemble e;
    e.trees = hp.at("n_estimators").get<int>();
    e.bootstrap = hp.at("bootstrap").get<bool>();
    const nlohmann::json& max_samples = hp.at("max_samples");
    e.bootstrap_draws = rows;
    if (max_samples.is_number_integer()) {
      e.bootstrap_draws = std::min<int64_t>(rows, max_samples.get<int64_t>());
    } else if (max_samples.is_number_float()) {
      e.bootstrap_draws = std::max<int64_t>(
          1,
          static_cast<int64_t>(std::round(max_samples.get<double>() * static_cast<double>(rows))));
    }
    return e;
  }

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
    SklearnTreeHyperparameters::Read(reader, 1.0);
    return reader;
  }
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeRandomForest(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<RandomForest>(HyperparameterReader("RandomForest", hp), seed);
}

}  // namespace twinprof
