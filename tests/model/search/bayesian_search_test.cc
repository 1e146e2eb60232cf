// `hyperparameter_tuning = 'Hyperopt'` through the trainer: budget, priors, determinism, SFS.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "../model_test_util.h"
#include "model/trainer.h"

namespace twinprof::test {
namespace {

std::string HyperoptConfig(const ScratchDir& dir, const std::string& general,
                           const std::string& sections) {
  return dir.Write("c.ini",
                   "[General]\ny = 'ave_response_time'\nhp_selection = KFold\nfolds = 3\n"
                   "hyperparameter_tuning = Hyperopt\n" +
                       general + "[DataPreparation]\ninput_path = '" + Dataset("faas_test.csv") +
                       "'\n" + sections);
}

nlohmann::json WithoutTime(nlohmann::json json) {
  json.erase("seconds");
  json.erase("threads");
  return json;
}

TEST(BayesianSearch, SpendsTheBudgetOnPriorsAndChoicesWhateverTheThreadCount) {
  ScratchDir dir;
  model::TrainConfig config = model::LoadTrainConfig(HyperoptConfig(
      dir,
      "techniques = ['LRRidge', 'DecisionTree']\nvalidation = KFold\nhyperopt_max_evals = 25\n"
      "seed = 3\n",
      "[LRRidge]\nalpha = ['loguniform(0.0001, 10)']\n"
      "[DecisionTree]\nmax_depth = 'quniform(2, 8, 1)'\nmin_samples_leaf = [1, 3, 5]\n"));
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  model::TrainSummary two = model::Train(config, model::TrainOptions{2});
  EXPECT_EQ(WithoutTime(one.ToJson()).dump(), WithoutTime(two.ToJson()).dump());
  EXPECT_EQ(one.search["method"], "Hyperopt");
  EXPECT_EQ(one.search["max_evals"], 25);
  ASSERT_EQ(one.techniques.size(), 2u);
  for (const model::TechniqueResult& r : one.techniques) {
    EXPECT_TRUE(r.ok) << r.technique;
    EXPECT_EQ(r.points, 25u) << r.technique;
    // At most 25 distinct points x 9 selection splits, + 3 validation fits + 1 refit.
    EXPECT_LE(r.fits, 25u * 9 + 4) << r.technique;
  }
  const nlohmann::json& ridge = one.techniques[0].hyperparameters;
  EXPECT_GE(ridge["alpha"].get<double>(), 0.0001);
  EXPECT_LT(ridge["alpha"].get<double>(), 10);
  EXPECT_LT(one.techniques[0].validation.mape, 2.0);
  const nlohmann::json& tree = one.techniques[1].hyperparameters;
  ASSERT_TRUE(tree["max_depth"].is_number_integer());
  EXPECT_GE(tree["max_depth"].get<int>(), 2);
  EXPECT_LE(tree["max_depth"].get<int>(), 8);
  int leaf = tree["min_samples_leaf"].get<int>();
  EXPECT_TRUE(leaf == 1 || leaf == 3 || leaf == 5);
  std::string report = one.FullReport();
  EXPECT_NE(report.find("search: TPE"), std::string::npos) << report;
  EXPECT_NE(report.find("25 evaluations per technique"), std::string::npos) << report;
  EXPECT_NE(report.find("points tried (evaluations): 25"), std::string::npos) << report;
  EXPECT_NE(report.find("search space: max_depth ~ quniform(2, 8, 1), min_samples_leaf ~ "
                        "choice of [1,3,5]"),
            std::string::npos)
      << report;
  EXPECT_EQ(one.search["space"]["LRRidge"]["alpha"], "loguniform(0.0001, 10)");
  config.seed = 4;
  EXPECT_NE(WithoutTime(model::Train(config, model::TrainOptions{2}).ToJson()).dump(),
            WithoutTime(one.ToJson()).dump());
}

TEST(BayesianSearch, ProposalsTheTechniqueRejectsScoreAsFailures) {
  ScratchDir dir;
  // A normal prior proposes negative alphas, which Ridge refuses: those evaluations fail and the
  // search goes on.
  model::TrainConfig config = model::LoadTrainConfig(
      HyperoptConfig(dir,
                     "techniques = ['LRRidge']\nvalidation = HoldOut\nhold_out_ratio = 0.2\n"
                     "hyperopt_max_evals = 30\n",
                     "[LRRidge]\nalpha = 'normal(0.5, 1)'\n"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{2});
  const model::TechniqueResult& r = summary.techniques[0];
  ASSERT_TRUE(r.ok);
  EXPECT_GE(r.hyperparameters["alpha"].get<double>(), 0);
  bool rejected = false;
  for (const auto& [note, count] : r.notes) {
    rejected = rejected || note.find("a proposed point was rejected") != std::string::npos;
  }
  EXPECT_TRUE(rejected);
}

TEST(BayesianSearch, WithForwardSelectionSearchesEachCandidateFeatureSet) {
  ScratchDir dir;
  model::TrainConfig config = model::LoadTrainConfig(
      HyperoptConfig(dir,
                     "techniques = ['LRRidge']\nvalidation = HoldOut\nhold_out_ratio = 0.2\n"
                     "hyperopt_max_evals = 5\n",
                     "[FeatureSelection]\nmethod = 'SFS'\nmax_features = 2\n"
                     "[LRRidge]\nalpha = ['loguniform(0.001, 1)']\n"));
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  model::TrainSummary two = model::Train(config, model::TrainOptions{2});
  EXPECT_EQ(WithoutTime(one.ToJson()).dump(), WithoutTime(two.ToJson()).dump());
  const model::TechniqueResult& r = one.techniques[0];
  ASSERT_TRUE(r.ok);
  // Four features: four candidate sets of one feature, then three of two; 5 evaluations each.
  EXPECT_EQ(r.points, 7u * 5);
  EXPECT_GE(r.features.size(), 1u);
  EXPECT_LE(r.features.size(), 2u);
  EXPECT_NE(std::find(r.features.begin(), r.features.end(), "warm_service_time"), r.features.end());
  EXPECT_EQ(one.search["budget_per"], "technique and candidate feature set");
}

}  // namespace
}  // namespace twinprof::test
