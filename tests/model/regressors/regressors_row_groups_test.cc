// Equal rows merged into one weighted row (row_groups.h): the grouping itself, the premise that
// XGBoost grows the same trees on the merged rows (exact updater; hist with a bin per value), and
// RandomForest's bootstrap, which draws rows with replacement and weighs them by their draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/regressor.h"
#include "model/regressors/row_groups.h"
#include "model/regressors/xgboost_handles.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

TEST(RowGroupsTest, GroupsEqualRowsInTheOrderOfTheirFirstRow) {
  Eigen::MatrixXd x(6, 2);
  x << 3, 1,  //
      1, 2,   //
      3, 1,   //
      1, 2,   //
      1, 3,   //
      3, 1;
  model::regressors::RowGroups groups(x);
  ASSERT_EQ(groups.size(), 3);
  EXPECT_EQ(groups.first_rows(), (std::vector<Eigen::Index>{0, 1, 4}));
  const std::vector<Eigen::Index> expected = {0, 1, 0, 1, 2, 0};
  for (Eigen::Index r = 0; r < 6; ++r) EXPECT_EQ(groups.group(r), expected[r]) << "row " << r;
  EXPECT_EQ(groups.Counts(), Eigen::Vector3d(3, 2, 1));
  Eigen::VectorXd y(6);
  y << 1, 10, 2, 20, 100, 3;
  EXPECT_EQ(groups.Sums(y), Eigen::Vector3d(6, 30, 100));
}

TEST(RowGroupsTest, ComparesAsFloat32AndKeepsNanRowsApart) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::MatrixXd x(4, 1);
  x << 1.0, 1.0 + 1e-12, nan, nan;  // 1 + 1e-12 is 1 in float32
  model::regressors::RowGroups groups(x);
  EXPECT_EQ(groups.size(), 3);
  EXPECT_EQ(groups.group(0), groups.group(1));
  EXPECT_NE(groups.group(2), groups.group(3));
}

TEST(RowGroupsTest, CountsDistinctValuesPerColumn) {
  Eigen::MatrixXd x(4, 2);
  x << 1, 5,  //
      2, 5,   //
      1, 6,   //
      3, 7;
  EXPECT_TRUE(model::regressors::ColumnsHaveAtMostDistinct(x, 3));
  EXPECT_FALSE(model::regressors::ColumnsHaveAtMostDistinct(x, 2));
  x(0, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(model::regressors::ColumnsHaveAtMostDistinct(x, 10));
}

// 600 rows on 4 x 3 x 5 levels: every feature vector appears about 10 times.
void DuplicatedData(Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  x = RandomMatrix(600, 3, 31);
  const double levels[] = {4, 3, 5};
  for (int j = 0; j < 3; ++j) x.col(j) = (x.col(j) * levels[j]).array().floor() + 1.0;
  Eigen::VectorXd noise = RandomMatrix(600, 1, 32).col(0);
  y = (100.0 / x.col(0).array() + 7.0 * x.col(1).array() * x.col(2).array() + 9.0 * noise.array())
          .matrix();
}

// Boosts `rounds` rounds on `train` with `params`, predicting `probe`.
Eigen::VectorXd Boost(const model::regressors::XgbDMatrix& train,
                      const std::vector<std::pair<std::string, std::string>>& params, int rounds,
                      const model::regressors::XgbDMatrix& probe) {
  model::regressors::XgbBooster booster(train);
  for (const auto& [name, value] : params) booster.SetParam(name, value);
  for (int i = 0; i < rounds; ++i) booster.UpdateOneIter(i, train);
  return booster.Predict(probe);
}

// The premise of merging: XGBoost grows the same trees on one row per group, weighted by the
// group's size with its mean as label, as on all the rows.
TEST(RowGroupsTest, MergedRowsGrowTheSameBoostedTrees) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  DuplicatedData(x, y);
  model::regressors::RowGroups groups(x);
  ASSERT_LT(groups.size(), 61);
  const Eigen::VectorXd counts = groups.Counts();
  model::regressors::XgbDMatrix all(x, y);
  model::regressors::XgbDMatrix merged(Eigen::MatrixXd(x(groups.first_rows(), Eigen::all)),
                                       (groups.Sums(y).array() / counts.array()).matrix(), counts);
  Eigen::MatrixXd probe = RandomMatrix(300, 3, 33, 0.0, 6.0);
  model::regressors::XgbDMatrix probe_matrix(probe);
  for (const std::string method : {"exact", "hist"}) {
    SCOPED_TRACE(method);
    const std::vector<std::pair<std::string, std::string>> params = {
        {"tree_method", method},   {"objective", "reg:squarederror"},
        {"nthread", "1"},          {"base_score", std::to_string(y.mean())},
        {"max_depth", "6"},        {"eta", "0.3"},
        {"min_child_weight", "3"}, {"verbosity", "0"}};
    Eigen::VectorXd a = Boost(all, params, 30, probe_matrix);
    Eigen::VectorXd b = Boost(merged, params, 30, probe_matrix);
    ASSERT_EQ(a.size(), b.size());
    // The same trees up to float rounding of sums taken in another order.
    for (Eigen::Index i = 0; i < a.size(); ++i) EXPECT_NEAR(a(i), b(i), 1e-3) << "row " << i;
  }
}

// DecisionTree and XGBoost merge equal rows; the trees must not change, so the tree fitted on
// the rows repeated three times is the tree fitted on the rows once.
TEST(RowGroupsTest, RepeatingEveryRowChangesNoTree) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  DuplicatedData(x, y);
  Eigen::MatrixXd x3(3 * x.rows(), x.cols());
  Eigen::VectorXd y3(3 * y.size());
  x3 << x, x, x;
  y3 << y, y, y;
  Eigen::MatrixXd probe = RandomMatrix(300, 3, 34, 0.0, 6.0);
  // min_child_weight counts rows: three times the rows need three times the weight.
  const std::vector<std::tuple<std::string, nlohmann::json, nlohmann::json>> cases = {
      {"DecisionTree", {{"min_samples_leaf", 2}}, {{"min_samples_leaf", 6}}},
      {"XGBoost",
       {{"min_child_weight", 2}, {"tree_method", "exact"}, {"lambda", 0}},
       {{"min_child_weight", 6}, {"tree_method", "exact"}, {"lambda", 0}}},
      {"XGBoost",
       {{"min_child_weight", 2}, {"lambda", 0}},
       {{"min_child_weight", 6}, {"lambda", 0}}},
  };
  for (const auto& [technique, once_hp, thrice_hp] : cases) {
    SCOPED_TRACE(technique + " " + once_hp.dump());
    auto once = model::MakeRegressor(technique, once_hp, 3);
    auto thrice = model::MakeRegressor(technique, thrice_hp, 3);
    once->Fit(x, y);
    thrice->Fit(x3, y3);
    Eigen::VectorXd a = once->Predict(probe);
    Eigen::VectorXd b = thrice->Predict(probe);
    // 100 rounds of float32 sums in another order: a few parts in 10^5.
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      EXPECT_NEAR(a(i), b(i), 1e-4 * std::abs(a(i))) << "row " << i;
    }
    ExpectReloadIdentical(*thrice, probe);
  }
}

// A bootstrap of one draw: each tree is a single leaf holding the drawn row's target, so a
// one-tree forest predicts exactly one of the targets everywhere (a subsample of rows, as XGBoost
// draws them, would average several).
TEST(RandomForestBootstrapTest, OneDrawGivesOneRowsTarget) {
  Eigen::MatrixXd x = RandomMatrix(50, 2, 35);
  Eigen::VectorXd y = (1000.0 * x.col(0)).array().floor().matrix() + x.col(1);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto forest =
        model::MakeRegressor("RandomForest", {{"n_estimators", 1}, {"max_samples", 1}}, seed);
    forest->Fit(x, y);
    Eigen::VectorXd p = forest->Predict(RandomMatrix(20, 2, 36));
    EXPECT_EQ(p.maxCoeff(), p.minCoeff());
    double nearest = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < y.size(); ++i) nearest = std::min(nearest, std::abs(y(i) - p(0)));
    EXPECT_LT(nearest, 1e-3 * std::abs(p(0))) << "seed " << seed << ": " << p(0);
  }
}

// Two draws from three rows: a one-tree forest of stumps has one leaf holding one row's target
// exactly when a row was drawn twice (two different rows get a leaf each). That must happen for
// about a third of the seeds.
TEST(RandomForestBootstrapTest, DrawsAreWithReplacement) {
  Eigen::MatrixXd x(3, 1);
  x << 1, 2, 3;
  Eigen::VectorXd y(3);
  y << 10, 20, 40;
  int repeated = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    auto forest = model::MakeRegressor(
        "RandomForest", {{"n_estimators", 1}, {"max_depth", 1}, {"max_samples", 2}}, seed);
    forest->Fit(x, y);
    Eigen::VectorXd p = forest->Predict(x);
    // One leaf (the same row twice, or equal gains) or two leaves of one row each.
    const bool single_leaf = p.maxCoeff() == p.minCoeff();
    if (single_leaf) {
      const double v = p(0);
      const bool one_target =
          std::abs(v - 10) < 1e-4 || std::abs(v - 20) < 1e-4 || std::abs(v - 40) < 1e-4;
      EXPECT_TRUE(one_target) << "seed " << seed << ": " << v;
      if (one_target) ++repeated;
    }
  }
  // Two draws from three rows repeat a row with probability 1/3.
  EXPECT_GT(repeated, 5);
  EXPECT_LT(repeated, 40);
}

// A row drawn twice weighs twice. Three draws, and min_samples_leaf = 3 (a weight: every split
// would leave a leaf lighter than 3), so the tree is one leaf: the mean of the three draws,
// counted with their multiplicity. Each prediction must be such a mean (a sum of three targets
// over 3), and some draw must repeat a row: 10, 10, 20 gives 13.33, where counting the rows once
// would give 15.
TEST(RandomForestBootstrapTest, ARowDrawnTwiceWeighsTwice) {
  Eigen::MatrixXd x(3, 1);
  x << 1, 2, 3;
  Eigen::VectorXd y(3);
  y << 10, 20, 40;
  std::vector<double> means;
  for (double a : {10, 20, 40}) {
    for (double b : {10, 20, 40}) {
      for (double c : {10, 20, 40}) means.push_back((a + b + c) / 3);
    }
  }
  int weighted = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto forest = model::MakeRegressor(
        "RandomForest", {{"n_estimators", 1}, {"max_samples", 3}, {"min_samples_leaf", 3}}, seed);
    forest->Fit(x, y);
    const double p = forest->Predict(x)(0);
    EXPECT_EQ(forest->Predict(x).maxCoeff(), forest->Predict(x).minCoeff());
    const bool a_mean =
        std::any_of(means.begin(), means.end(), [p](double m) { return std::abs(m - p) < 1e-3; });
    EXPECT_TRUE(a_mean) << "seed " << seed << ": " << p;
    // Means that only weights give: some row drawn twice, and not all three rows equal.
    for (double m : {40.0 / 3, 50.0 / 3, 70.0 / 3, 80.0 / 3}) {
      if (std::abs(p - m) < 1e-3) ++weighted;
    }
  }
  EXPECT_GT(weighted, 5);
}

}  // namespace
}  // namespace twinprof::test
