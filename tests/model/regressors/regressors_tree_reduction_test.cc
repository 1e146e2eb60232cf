// Regressor::ReduceTo on the tree techniques: a DecisionTree or RandomForest fitted deep and
// pruned to a smaller max_depth, or an XGBoost model taken to a larger gamma that none of its
// splits falls below, predicts bit-identically what a fit at that point predicts.
#include <gtest/gtest.h>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// 500 rows, four features with 3 to 12 levels and a noisy target: deep trees with many leaves.
void Data(Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  x = RandomMatrix(500, 4, 21);
  const double levels[] = {12, 7, 5, 3};
  for (int j = 0; j < 4; ++j) x.col(j) = (x.col(j) * levels[j]).array().floor() + 1.0;
  Eigen::VectorXd noise = RandomMatrix(500, 1, 22).col(0);
  y = (1000.0 / x.col(0).array() + 40.0 * x.col(1).array() * x.col(2).array() +
       25.0 * noise.array())
          .matrix();
}

void ExpectSamePredictions(const model::Regressor& a, const model::Regressor& b,
                           const Eigen::MatrixXd& x) {
  Eigen::VectorXd p = a.Predict(x);
  Eigen::VectorXd q = b.Predict(x);
  ASSERT_EQ(p.size(), q.size());
  for (Eigen::Index i = 0; i < p.size(); ++i) EXPECT_EQ(p(i), q(i)) << "row " << i;
}

// Fits `technique` at `base` with max_depth `depths[0]`, reduces it to each following depth in
// turn and compares with a fresh fit at that depth.
void ExpectReductionsExact(const std::string& technique, nlohmann::json base,
                           const std::vector<nlohmann::json>& depths) {
  SCOPED_TRACE(technique + " " + base.dump());
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  Eigen::MatrixXd probe = RandomMatrix(200, 4, 23, 0.0, 13.0);
  base["max_depth"] = depths[0];
  auto deep = model::MakeRegressor(technique, base, 9);
  deep->Fit(x, y);
  for (size_t k = 1; k < depths.size(); ++k) {
    SCOPED_TRACE("max_depth " + depths[k].dump());
    nlohmann::json point = base;
    point["max_depth"] = depths[k];
    ASSERT_TRUE(deep->CanReduceTo(point));
    deep->ReduceTo(point);
    auto fresh = model::MakeRegressor(technique, point, 9);
    fresh->Fit(x, y);
    ExpectSamePredictions(*deep, *fresh, x);
    ExpectSamePredictions(*deep, *fresh, probe);
    EXPECT_EQ(deep->Save()["hyperparameters"], fresh->Save()["hyperparameters"]);
  }
  ExpectReloadIdentical(*deep, probe);
}

TEST(TreeReductionTest, DecisionTreePrunedIsTheShallowerFit) {
  ExpectReductionsExact("DecisionTree", {}, {nullptr, 12, 6, 6, 2, 1});
  ExpectReductionsExact("DecisionTree", {{"min_samples_leaf", 5}}, {20, 10, 5});
  ExpectReductionsExact("DecisionTree", {{"max_features", 0.5}}, {15, 4});
}

TEST(TreeReductionTest, RandomForestPrunedIsTheShallowerFit) {
  ExpectReductionsExact("RandomForest", {{"n_estimators", 30}}, {20, 10, 3});
  ExpectReductionsExact("RandomForest", {{"n_estimators", 10}, {"max_features", "sqrt"}},
                        {nullptr, 5});
  ExpectReductionsExact("RandomForest", {{"n_estimators", 10}, {"bootstrap", false}}, {9, 4});
}

// A forest grown as chunks of 10 trees: the forest of fewer trees is its first chunks, and every
// reduction starts from the fit, so points are reached in any order (even a deeper one after a
// shallower one).
TEST(TreeReductionTest, RandomForestReducesToFewerTreesAndShallowerInAnyOrder) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  Eigen::MatrixXd probe = RandomMatrix(200, 4, 23, 0.0, 13.0);
  auto forest = model::MakeRegressor("RandomForest", {{"n_estimators", 35}, {"max_depth", 12}}, 4);
  forest->Fit(x, y);
  const std::vector<std::pair<int, int>> points = {{20, 5}, {35, 12}, {10, 12}, {35, 3}, {30, 8}};
  for (const auto& [trees, depth] : points) {
    nlohmann::json point = {{"n_estimators", trees}, {"max_depth", depth}};
    SCOPED_TRACE(point.dump());
    ASSERT_TRUE(forest->CanReduceTo(point));
    forest->ReduceTo(point);
    auto fresh = model::MakeRegressor("RandomForest", point, 4);
    fresh->Fit(x, y);
    ExpectSamePredictions(*forest, *fresh, x);
    ExpectSamePredictions(*forest, *fresh, probe);
    ExpectReloadIdentical(*forest, probe);
  }
  EXPECT_FALSE(forest->CanReduceTo({{"n_estimators", 36}, {"max_depth", 12}}));
  EXPECT_FALSE(forest->CanReduceTo({{"n_estimators", 35}, {"max_depth", 13}}));
  // Released: the same predictions, no more reductions.
  Eigen::VectorXd before = forest->Predict(probe);
  forest->ReleaseFitData();
  EXPECT_EQ(forest->Predict(probe), before);
  EXPECT_FALSE(forest->CanReduceTo({{"n_estimators", 10}, {"max_depth", 3}}));
  EXPECT_THROW(forest->ReduceTo({{"n_estimators", 10}, {"max_depth", 3}}), std::logic_error);
}

// XGBoost grows a split only when its loss change reaches gamma: a model whose splits all gain
// more than a larger gamma is the model at that gamma.
TEST(TreeReductionTest, XGBoostUnderASmallGammaIsTheSameModel) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  Eigen::MatrixXd probe = RandomMatrix(200, 4, 24, 0.0, 13.0);
  for (const std::string method : {"hist", "exact"}) {
    SCOPED_TRACE(method);
    nlohmann::json hp = {{"n_estimators", 30}, {"max_depth", 4}, {"tree_method", method}};
    hp["gamma"] = 0;
    auto model = model::MakeRegressor("XGBoost", hp, 3);
    nlohmann::json huge = hp;
    huge["gamma"] = 1e9;
    EXPECT_TRUE(model->CanReduceTo(huge));  // before the fit: might be
    model->Fit(x, y);
    EXPECT_FALSE(model->CanReduceTo(huge));  // it grew splits gaining less than 1e9
    auto at_huge = model::MakeRegressor("XGBoost", huge, 3);
    at_huge->Fit(x, y);
    EXPECT_FALSE(at_huge->Predict(probe).isApprox(model->Predict(probe), 1e-6));
    nlohmann::json small = hp;
    small["gamma"] = 0.1;
    ASSERT_TRUE(model->CanReduceTo(small));
    model->ReduceTo(small);
    auto fresh = model::MakeRegressor("XGBoost", small, 3);
    fresh->Fit(x, y);
    ExpectSamePredictions(*model, *fresh, x);
    ExpectSamePredictions(*model, *fresh, probe);
    EXPECT_EQ(model->Save()["hyperparameters"], fresh->Save()["hyperparameters"]);
    // Reductions start from the fit: back to its own gamma is the fit itself.
    EXPECT_TRUE(model->CanReduceTo(hp));
    EXPECT_FALSE(fresh->CanReduceTo(hp));  // a smaller gamma than the fit's could grow more
    nlohmann::json other = small;
    other["learning_rate"] = 0.1;
    EXPECT_FALSE(model->CanReduceTo(other));
  }
}

TEST(TreeReductionTest, OnlyToASmallerDepthWithEverythingElseEqual) {
  auto tree = model::MakeRegressor("DecisionTree", {{"max_depth", 10}, {"min_samples_leaf", 1}}, 1);
  EXPECT_TRUE(tree->CanReduceTo({{"max_depth", 5}}));  // defaults filled in on both sides
  EXPECT_TRUE(tree->CanReduceTo({{"max_depth", 10}}));
  EXPECT_FALSE(tree->CanReduceTo({{"max_depth", 11}}));
  EXPECT_FALSE(tree->CanReduceTo({{"max_depth", nullptr}}));
  EXPECT_FALSE(tree->CanReduceTo({{"max_depth", 5}, {"min_samples_leaf", 2}}));
  EXPECT_FALSE(tree->CanReduceTo({{"max_depth", 0}}));  // not a valid point
  auto forest = model::MakeRegressor("RandomForest", {{"n_estimators", 100}, {"max_depth", 20}}, 1);
  EXPECT_TRUE(forest->CanReduceTo({{"n_estimators", 100}, {"max_depth", 10}}));
  // Fewer trees: when their chunks of 10 are the first chunks of the forest's.
  EXPECT_TRUE(forest->CanReduceTo({{"n_estimators", 50}, {"max_depth", 10}}));
  EXPECT_FALSE(forest->CanReduceTo({{"n_estimators", 55}, {"max_depth", 10}}));
  EXPECT_FALSE(forest->CanReduceTo({{"n_estimators", 110}, {"max_depth", 10}}));
  // Boosted trees depend on the earlier rounds' depth; other techniques have nothing to prune.
  auto boosted = model::MakeRegressor("XGBoost", {{"max_depth", 6}}, 1);
  EXPECT_FALSE(boosted->CanReduceTo({{"max_depth", 3}}));
  EXPECT_TRUE(boosted->CanReduceTo({{"max_depth", 6}, {"gamma", 1}}));
  EXPECT_FALSE(model::MakeRegressor("LRRidge", {}, 1)->CanReduceTo({}));
}

TEST(TreeReductionTest, NeedsAFitOnThisRun) {
  auto tree = model::MakeRegressor("DecisionTree", {{"max_depth", 10}}, 1);
  EXPECT_THROW(tree->ReduceTo({{"max_depth", 5}}), std::logic_error);  // not fitted
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  tree->Fit(x, y);
  EXPECT_THROW(tree->ReduceTo({{"max_depth", 12}}), std::logic_error);
  auto reloaded = RoundTrip(*tree);
  EXPECT_THROW(reloaded->ReduceTo({{"max_depth", 5}}), std::logic_error);
  EXPECT_THROW(model::MakeRegressor("LRRidge", {}, 1)->ReduceTo({}), std::logic_error);
}

}  // namespace
}  // namespace twinprof::test
