// Tree techniques train on the columns that offer distinct splits (split_columns.h): columns
// ordering the rows like an earlier one (x*x, 1/x) and constant columns are left out when no
// column sampling is asked for, and the trees are those grown on the remaining columns.
#include <gtest/gtest.h>

#include <cmath>

#include "model/regressor.h"
#include "model/regressors/split_columns.h"
#include "model/regressors/xgboost_handles.h"
#include "model/regressors/xgboost_importance.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// Columns: a, b, a*a, 7 (constant), 1/a, a*b, b*b + 1 (all in float32 ordering terms: a and b
// are positive).
Eigen::MatrixXd WithProducts(const Eigen::MatrixXd& ab) {
  Eigen::MatrixXd x(ab.rows(), 7);
  x.col(0) = ab.col(0);
  x.col(1) = ab.col(1);
  x.col(2) = ab.col(0).array().square();
  x.col(3).setConstant(7.0);
  x.col(4) = ab.col(0).array().inverse();
  x.col(5) = ab.col(0).cwiseProduct(ab.col(1));
  x.col(6) = ab.col(1).array().square() + 1.0;
  return x;
}

// Integer-valued a in 1..8 and b in 1..5, like the stereomatch benchmark's columns.
Eigen::MatrixXd SmallLevels(Eigen::Index rows, unsigned seed) {
  Eigen::MatrixXd ab = RandomMatrix(rows, 2, seed);
  ab.col(0) = (ab.col(0) * 8.0).array().floor() + 1.0;
  ab.col(1) = (ab.col(1) * 5.0).array().floor() + 1.0;
  return ab;
}

Eigen::VectorXd Target(const Eigen::MatrixXd& ab, unsigned seed) {
  Eigen::VectorXd noise = RandomMatrix(ab.rows(), 1, seed).col(0);
  return (1000.0 / ab.col(0).array() + 30.0 * ab.col(1).array() + 5.0 * noise.array()).matrix();
}

TEST(SplitColumnsTest, DropsReorderingsAndConstants) {
  Eigen::MatrixXd x = WithProducts(SmallLevels(200, 1));
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0, 1, 5}));
}

TEST(SplitColumnsTest, TiesMustMatch) {
  Eigen::MatrixXd x(4, 3);
  x << 1, 1, 1,  //
      2, 2, 2,   //
      2, 2, 3,   // column 2 separates rows 1 and 2, column 0 does not
      3, 9, 4;
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0, 2}));
}

TEST(SplitColumnsTest, ComparesAsFloat32) {
  Eigen::MatrixXd x(3, 2);
  x << 1.0, 1.0,         //
      1.0 + 1e-12, 2.0,  // equal to 1 in float32, so column 0 cannot separate rows 0 and 1
      2.0, 3.0;
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0, 1}));
  x(1, 1) = 1.0;
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0}));
}

TEST(SplitColumnsTest, KeepsManyValuedColumnsUnderABinLimit) {
  Eigen::MatrixXd ab = RandomMatrix(300, 2, 2, 1.0, 2.0);  // 300 distinct values each
  Eigen::MatrixXd x = WithProducts(ab);
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0, 1, 5}));
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x, {.max_distinct = 256}),
            (std::vector<Eigen::Index>{0, 1, 2, 4, 5, 6}));
}

TEST(SplitColumnsTest, AllConstantKeepsTheFirst) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(5, 3);
  EXPECT_EQ(model::regressors::SplitDistinctColumns(x), (std::vector<Eigen::Index>{0}));
}

// The tree techniques on [a, b, a*a, 7, 1/a, a*b, b*b+1] predict exactly what they predict on
// [a, b, a*b], and a reloaded model too.
void ExpectSameAsDistinctColumns(const std::string& technique, const nlohmann::json& hp) {
  SCOPED_TRACE(technique + " " + hp.dump());
  Eigen::MatrixXd ab = SmallLevels(400, 3);
  Eigen::VectorXd y = Target(ab, 4);
  Eigen::MatrixXd full = WithProducts(ab);
  Eigen::MatrixXd distinct = full(Eigen::all, std::vector<Eigen::Index>{0, 1, 5});
  auto on_full = model::MakeRegressor(technique, hp, 5);
  auto on_distinct = model::MakeRegressor(technique, hp, 5);
  on_full->Fit(full, y);
  on_distinct->Fit(distinct, y);
  EXPECT_EQ(on_full->Save()["state"]["used_columns"], nlohmann::json({0, 1, 5}));
  Eigen::MatrixXd probe_ab = SmallLevels(100, 6);
  probe_ab.col(1).array() += 0.5;  // values between the training levels
  Eigen::MatrixXd probe = WithProducts(probe_ab);
  Eigen::VectorXd p = on_full->Predict(probe);
  Eigen::VectorXd q = on_distinct->Predict(probe(Eigen::all, std::vector<Eigen::Index>{0, 1, 5}));
  for (Eigen::Index i = 0; i < p.size(); ++i) EXPECT_EQ(p(i), q(i)) << "row " << i;
  ExpectReloadIdentical(*on_full, probe);
}

TEST(SplitColumnsTest, TreesAreThoseOfTheDistinctColumns) {
  ExpectSameAsDistinctColumns("DecisionTree", {{"max_depth", 6}});
  ExpectSameAsDistinctColumns("DecisionTree", {{"max_depth", nullptr}, {"min_samples_leaf", 3}});
  ExpectSameAsDistinctColumns("RandomForest", {{"n_estimators", 20}, {"max_depth", 8}});
  ExpectSameAsDistinctColumns("XGBoost", {{"n_estimators", 30}, {"max_depth", 4}});
  ExpectSameAsDistinctColumns("XGBoost", {{"n_estimators", 10}, {"tree_method", "exact"}});
}

// The claim itself: XGBoost given every column grows the same tree. A single exact tree of
// depth 6 (DecisionTree's parameters) trained on all seven columns through the C API predicts
// what DecisionTree, trained on three, predicts for rows at the training levels.
TEST(SplitColumnsTest, XgboostOnEveryColumnGrowsTheSameTree) {
  Eigen::MatrixXd ab = SmallLevels(400, 11);
  Eigen::VectorXd y = Target(ab, 12);
  Eigen::MatrixXd full = WithProducts(ab);
  model::regressors::XgbDMatrix train(full, y);
  model::regressors::XgbBooster booster(train);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"objective", "reg:squarederror"},
           {"nthread", "1"},
           {"verbosity", "0"},
           {"base_score", nlohmann::json(static_cast<float>(y.mean())).dump()},
           {"tree_method", "exact"},
           {"max_depth", "6"},
           {"min_child_weight", "1"},
           {"eta", "1"},
           {"lambda", "0"},
           {"alpha", "0"}}) {
    booster.SetParam(name, value);
  }
  booster.UpdateOneIter(0, train);
  auto tree = model::MakeRegressor("DecisionTree", {{"max_depth", 6}}, 1);
  tree->Fit(full, y);
  ASSERT_EQ(tree->Save()["state"]["used_columns"], nlohmann::json({0, 1, 5}));
  Eigen::MatrixXd probe = WithProducts(SmallLevels(200, 13));
  Eigen::VectorXd expected = booster.Predict(model::regressors::XgbDMatrix(probe));
  Eigen::VectorXd got = tree->Predict(probe);
  for (Eigen::Index i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got(i), expected(i), 1e-5 * std::abs(expected(i))) << "row " << i;
  }
}

// Feature importance is reported per input column: a left-out column scores 0.
TEST(SplitColumnsTest, ImportanceMapsBackToTheInputColumns) {
  Eigen::MatrixXd ab = SmallLevels(300, 14);
  Eigen::MatrixXd x = WithProducts(ab);
  auto r = model::MakeRegressor("XGBoost", {{"n_estimators", 20}, {"max_depth", 3}}, 1);
  r->Fit(x, Target(ab, 15));
  ASSERT_EQ(r->Save()["state"]["used_columns"], nlohmann::json({0, 1, 5}));
  std::vector<double> weight = model::regressors::XgboostFeatureImportance(*r, 7);
  ASSERT_EQ(weight.size(), 7u);
  EXPECT_GT(weight[0], 0.0);  // 1000/a dominates the target
  for (int dropped : {2, 3, 4, 6}) EXPECT_EQ(weight[dropped], 0.0) << "column " << dropped;
}

// Column sampling draws from the column count, and approx re-sketches with weights: every
// column is kept then.
TEST(SplitColumnsTest, ColumnSamplingAndApproxKeepEveryColumn) {
  Eigen::MatrixXd ab = SmallLevels(200, 7);
  Eigen::VectorXd y = Target(ab, 8);
  Eigen::MatrixXd x = WithProducts(ab);
  for (const auto& [technique, hp] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"DecisionTree", {{"max_features", "sqrt"}}},
           {"RandomForest", {{"n_estimators", 5}, {"max_features", 0.5}}},
           {"XGBoost", {{"n_estimators", 5}, {"colsample_bynode", 0.5}}},
           {"XGBoost", {{"n_estimators", 5}, {"tree_method", "approx"}}}}) {
    auto r = model::MakeRegressor(technique, hp, 1);
    r->Fit(x, y);
    EXPECT_FALSE(r->Save()["state"].contains("used_columns")) << technique << " " << hp.dump();
  }
}

TEST(SplitColumnsTest, RejectsBadSavedColumns) {
  Eigen::MatrixXd ab = SmallLevels(100, 9);
  auto r = model::MakeRegressor("DecisionTree", {{"max_depth", 3}}, 1);
  r->Fit(WithProducts(ab), Target(ab, 10));
  nlohmann::json saved = r->Save();
  saved["state"]["used_columns"] = {0, 9};
  EXPECT_THROW(model::LoadRegressor(saved), InputError);
  saved["state"]["used_columns"] = {1, 0};
  EXPECT_THROW(model::LoadRegressor(saved), InputError);
}

}  // namespace
}  // namespace twinprof::test
