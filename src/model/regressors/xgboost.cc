// XGBoost: gradient-boosted trees with squared error, as aMLLibrary's XGBRegressor (which uses
// tree_method 'hist' and one thread).
//
// Hyperparameters (XGBRegressor's names and defaults): n_estimators (100), learning_rate (0.3),
// max_depth (6), min_child_weight (1), gamma (0), lambda or reg_lambda (1), alpha or reg_alpha
// (0), subsample (1), colsample_bytree (1), colsample_bynode (1), tree_method ('hist'; 'exact',
// 'approx'), max_bin (256), base_score (default: the mean of y, as XGBoost 2 estimates it;
// XGBoost 1.7 used 0.5, which slows convergence on unscaled targets).
#include "model/regressors/techniques.h"
#include "model/regressors/tree_booster.h"

namespace twinprof::model::regressors {

namespace {

class XGBoost : public TreeBoosterRegressor {
 public:
  XGBoost(HyperparameterReader reader, uint64_t seed) : TreeBoosterRegressor(Read(reader), seed) {}

 protected:
  Plan MakePlan(const Eigen::MatrixXd&) override {
    const nlohmann::json& hp = hyperparameters();
    Plan plan;
    plan.params = {
        {"tree_method", hp.at("tree_method").get<std::string>()},
        {"eta", Num(hp.at("learning_rate").get<double>())},
        {"max_depth", std::to_string(hp.at("max_depth").get<int64_t>())},
        {"min_child_weight", Num(hp.at("min_child_weight").get<double>())},
        {"gamma", Num(hp.at("gamma").get<double>())},
        {"lambda", Num(hp.at("lambda").get<double>())},
        {"alpha", Num(hp.at("alpha").get<double>())},
        {"subsample", Num(hp.at("subsample").get<double>())},
        {"colsample_bytree", Num(hp.at("colsample_bytree").get<double>())},
        {"colsample_bynode", Num(hp.at("colsample_bynode").get<double>())},
        {"max_bin", std::to_string(hp.at("max_bin").get<int64_t>())},
    };
    if (!hp.at("base_score").is_null()) {
      plan.params.emplace_back("base_score", Num(hp.at("base_score").get<double>()));
    }
    plan.rounds = hp.at("n_estimators").get<int>();
    return plan;
  }
  Reduction Reducible() const override { return Reduction::kGamma; }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Integer("n_estimators", 100, 1, 100000);
    reader.Number("learning_rate", 0.3, 0.0, 1.0);
    if (reader.values().at("learning_rate").get<double>() == 0.0) {
      reader.Fail("learning_rate", "must be a number in (0, 1]");
    }
    reader.Integer("max_depth", 6, 1, 1000);
    reader.Number("min_child_weight", 1.0, 0.0);
    reader.Number("gamma", 0.0, 0.0);
    Alias(reader, "lambda", "reg_lambda", 1.0);
    Alias(reader, "alpha", "reg_alpha", 0.0);
    Fraction(reader, "subsample");
    Fraction(reader, "colsample_bytree");
    Fraction(reader, "colsample_bynode");
    reader.Choice("tree_method", "hist", {"hist", "exact", "approx"});
    reader.Integer("max_bin", 256, 2, 1 << 20);
    nlohmann::json base = reader.Raw("base_score", nullptr);
    if (!base.is_null() && !base.is_number()) reader.Fail("base_score", "must be a number");
    return reader;
  }

  // `name` or its scikit-learn spelling `alias` (not both), stored under `name`.
  static void Alias(HyperparameterReader& reader, const std::string& name, const std::string& alias,
                    double fallback) {
    nlohmann::json a = reader.Raw(alias, nullptr);
    if (!a.is_null() && (!a.is_number() || !(a.get<double>() >= 0.0))) {
      reader.Fail(alias, "must be a number >= 0");
    }
    reader.Number(name, a.is_null() ? fallback : a.get<double>(), 0.0);
  }

  static void Fraction(HyperparameterReader& reader, const std::string& key) {
    if (reader.Number(key, 1.0, 0.0, 1.0) == 0.0) reader.Fail(key, "must be a fraction in (0, 1]");
  }
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeXGBoost(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<XGBoost>(HyperparameterReader("XGBoost", hp), seed);
}

}  // namespace twinprof::model::regressors
