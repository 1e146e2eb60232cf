// DecisionTree, RandomForest and XGBoost (all three through the XGBoost C API: single-tree,
// random-forest and boosting modes).
#include <gtest/gtest.h>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// y = 10 for x < 0.3, 20 for 0.3 <= x < 0.7, 5 above: a tree of depth 2 fits it exactly.
void StepData(Eigen::MatrixXd& x, Eigen::VectorXd& y, int n) {
  x.resize(n, 2);
  y.resize(n);
  for (int i = 0; i < n; ++i) {
    double v = (i + 0.5) / n;
    x(i, 0) = v;
    x(i, 1) = std::fmod(v * 7.3, 1.0);  // irrelevant feature
    y(i) = v < 0.3 ? 10.0 : (v < 0.7 ? 20.0 : 5.0);
  }
}

TEST(DecisionTreeTest, FitsStepFunctionExactly) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  StepData(x, y, 40);
  auto r = model::MakeRegressor("DecisionTree", {{"max_depth", 2}}, 1);
  r->Fit(x, y);
  Eigen::VectorXd p = r->Predict(x);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(p(i), y(i)) << "row " << i;
  Eigen::MatrixXd probe(3, 2);
  probe << 0.1, 0.9, 0.5, 0.2, 0.95, 0.5;
  Eigen::VectorXd q = r->Predict(probe);
  EXPECT_EQ(q(0), 10.0);
  EXPECT_EQ(q(1), 20.0);
  EXPECT_EQ(q(2), 5.0);
  ExpectReloadIdentical(*r, RandomMatrix(50, 2, 1));
}

TEST(DecisionTreeTest, DepthOneGivesTwoLeafMeans) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  StepData(x, y, 40);
  auto r = model::MakeRegressor("DecisionTree", {{"max_depth", 1}}, 1);
  r->Fit(x, y);
  Eigen::VectorXd p = r->Predict(x);
  // Best single split: x < 0.7 (mean of 12 tens and 16 twenties) vs the 12 fives.
  EXPECT_NEAR(p(0), (12 * 10.0 + 16 * 20.0) / 28, 1e-5);
  EXPECT_NEAR(p(39), 5.0, 1e-5);
}

TEST(DecisionTreeTest, UnlimitedDepthInterpolatesTrainingData) {
  Eigen::MatrixXd x = RandomMatrix(200, 3, 2);
  Eigen::VectorXd y = RandomMatrix(200, 1, 3, 0, 100).col(0);
  auto r = model::MakeRegressor("DecisionTree", {{"max_depth", nullptr}}, 1);
  r->Fit(x, y);
  EXPECT_LT((r->Predict(x) - y).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(DecisionTreeTest, MinSamplesLeafLimitsLeaves) {
  Eigen::MatrixXd x = RandomMatrix(100, 1, 4);
  Eigen::VectorXd y = RandomMatrix(100, 1, 5).col(0);
  auto r = model::MakeRegressor("DecisionTree", {{"min_samples_leaf", 25}}, 1);
  r->Fit(x, y);
  Eigen::VectorXd p = r->Predict(x);
  std::vector<double> values(p.data(), p.data() + p.size());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  EXPECT_LE(values.size(), 4u);  // at most 100 / 25 leaves
  EXPECT_GE(values.size(), 2u);
}

TEST(DecisionTreeTest, NotesApproximatedMinSamplesSplit) {
  Eigen::MatrixXd x = RandomMatrix(30, 1, 6);
  Eigen::VectorXd y = x.col(0);
  auto exact = model::MakeRegressor("DecisionTree", {{"min_samples_split", 2}}, 1);
  exact->Fit(x, y);
  EXPECT_TRUE(exact->notes().empty());
  auto approx = model::MakeRegressor("DecisionTree", {{"min_samples_split", 10}}, 1);
  approx->Fit(x, y);
  ASSERT_EQ(approx->notes().size(), 1u);
  EXPECT_NE(approx->notes()[0].find("min_samples_split"), std::string::npos);
  ExpectReloadIdentical(*approx, x);
}

TEST(DecisionTreeTest, ThresholdIsHalfwayBetweenNeighbours) {
  Eigen::MatrixXd x(4, 1);
  x << 0, 1, 3, 4;
  Eigen::VectorXd y(4);
  y << 0, 0, 10, 10;
  auto r = model::MakeRegressor("DecisionTree", {}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd probe(2, 1);
  probe << 1.999, 2.001;
  Eigen::VectorXd p = r->Predict(probe);
  EXPECT_NEAR(p(0), 0.0, 1e-5);
  EXPECT_NEAR(p(1), 10.0, 1e-5);
}

TEST(DecisionTreeTest, MaxFeaturesDrawsFeaturesWithTheSeed) {
  Eigen::MatrixXd x = RandomMatrix(200, 5, 20);
  Eigen::VectorXd y = x.col(0) + 2 * x.col(3);
  nlohmann::json hp = {{"max_features", 2}, {"max_depth", 6}};
  auto a = model::MakeRegressor("DecisionTree", hp, 4);
  auto b = model::MakeRegressor("DecisionTree", hp, 4);
  a->Fit(x, y);
  b->Fit(x, y);
  EXPECT_EQ(a->Predict(x), b->Predict(x));
  ExpectReloadIdentical(*a, x);
}

TEST(RandomForestTest, MaxSamplesShrinksTheRowSubsample) {
  Eigen::MatrixXd x = RandomMatrix(300, 2, 21);
  Eigen::VectorXd y = x.col(0).array().square() + x.col(1).array();
  auto full = model::MakeRegressor("RandomForest", {{"n_estimators", 10}}, 5);
  auto half = model::MakeRegressor("RandomForest", {{"n_estimators", 10}, {"max_samples", 0.5}}, 5);
  auto same = model::MakeRegressor("RandomForest", {{"n_estimators", 10}, {"max_samples", 300}}, 5);
  full->Fit(x, y);
  half->Fit(x, y);
  same->Fit(x, y);
  EXPECT_EQ(full->Predict(x), same->Predict(x));  // 300 draws from 300 rows is the default
  EXPECT_FALSE(full->Predict(x).isApprox(half->Predict(x), 1e-9));
}

TEST(RandomForestTest, AveragesTreesAndIsDeterministicForASeed) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  StepData(x, y, 200);
  nlohmann::json hp = {{"n_estimators", 20}, {"max_depth", 4}, {"max_features", 1.0}};
  auto a = model::MakeRegressor("RandomForest", hp, 7);
  auto b = model::MakeRegressor("RandomForest", hp, 7);
  auto c = model::MakeRegressor("RandomForest", hp, 8);
  a->Fit(x, y);
  b->Fit(x, y);
  c->Fit(x, y);
  Eigen::MatrixXd probe = RandomMatrix(100, 2, 9);
  Eigen::VectorXd pa = a->Predict(probe);
  Eigen::VectorXd pb = b->Predict(probe);
  for (Eigen::Index i = 0; i < pa.size(); ++i) EXPECT_EQ(pa(i), pb(i));
  EXPECT_FALSE(pa.isApprox(c->Predict(probe), 1e-12));  // another seed, other subsamples
  // Averages of leaf means stay within the range of y and fit the steps closely.
  EXPECT_LE(pa.maxCoeff(), 20.0 + 1e-4);
  EXPECT_GE(pa.minCoeff(), 5.0 - 1e-4);
  EXPECT_LT((a->Predict(x) - y).cwiseAbs().mean(), 0.5);
  ExpectReloadIdentical(*a, probe);
}

TEST(RandomForestTest, WithoutBootstrapEveryTreeIsTheSingleTree) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  StepData(x, y, 40);
  auto forest =
      model::MakeRegressor("RandomForest", {{"n_estimators", 5}, {"bootstrap", false}}, 1);
  forest->Fit(x, y);
  auto tree = model::MakeRegressor("DecisionTree", {}, 1);
  tree->Fit(x, y);
  Eigen::MatrixXd probe = RandomMatrix(30, 2, 10);
  EXPECT_TRUE(forest->Predict(probe).isApprox(tree->Predict(probe), 1e-6));
}

TEST(XGBoostTest, BoostsTowardTheTargetAndReloadsIdentically) {
  Eigen::MatrixXd x = RandomMatrix(300, 3, 11);
  Eigen::VectorXd y =
      1000.0 + 50.0 * x.col(0).array() + 20.0 * (x.col(1).array() > 0.5).cast<double>();
  auto r = model::MakeRegressor(
      "XGBoost", {{"n_estimators", 200}, {"learning_rate", 0.1}, {"max_depth", 4}}, 3);
  r->Fit(x, y);
  Eigen::VectorXd p = r->Predict(x);
  EXPECT_LT(((p - y).array() / y.array()).abs().mean(), 0.002);
  ExpectReloadIdentical(*r, RandomMatrix(40, 3, 12));
  auto again = model::MakeRegressor(
      "XGBoost", {{"n_estimators", 200}, {"learning_rate", 0.1}, {"max_depth", 4}}, 3);
  again->Fit(x, y);
  Eigen::VectorXd q = again->Predict(x);
  for (Eigen::Index i = 0; i < p.size(); ++i) EXPECT_EQ(p(i), q(i));
}

TEST(XGBoostTest, ShrinkageMattersWithOneRound) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  StepData(x, y, 40);
  // One round at learning rate 0.5 moves every leaf halfway from the base score (mean of y).
  auto r = model::MakeRegressor("XGBoost",
                                {{"n_estimators", 1},
                                 {"learning_rate", 0.5},
                                 {"lambda", 0},
                                 {"max_depth", 2},
                                 {"tree_method", "exact"}},
                                1);
  r->Fit(x, y);
  Eigen::VectorXd p = r->Predict(x);
  const double mean = y.mean();
  EXPECT_NEAR(p(0), mean + 0.5 * (10.0 - mean), 1e-4);
  EXPECT_NEAR(p(39), mean + 0.5 * (5.0 - mean), 1e-4);
}

TEST(TreeModelsTest, RejectBadHyperparameters) {
  ExpectBadHyperparameters("DecisionTree", {{"max_depth", 0}}, {"DecisionTree", "'max_depth'"});
  ExpectBadHyperparameters("DecisionTree", {{"criterion", "absolute_error"}},
                           {"DecisionTree", "'criterion'", "squared_error"});
  ExpectBadHyperparameters("DecisionTree", {{"min_samples_leaf", 0}},
                           {"DecisionTree", "'min_samples_leaf'"});
  ExpectBadHyperparameters("DecisionTree", {{"max_features", "half"}},
                           {"DecisionTree", "'max_features'"});
  ExpectBadHyperparameters("RandomForest", {{"n_estimators", 0}},
                           {"RandomForest", "'n_estimators'"});
  ExpectBadHyperparameters("RandomForest", {{"max_samples", 0}}, {"RandomForest", "'max_samples'"});
  ExpectBadHyperparameters("RandomForest", {{"min_samples_split", 1}},
                           {"RandomForest", "'min_samples_split'"});
  ExpectBadHyperparameters("XGBoost", {{"learning_rate", 0}}, {"XGBoost", "'learning_rate'"});
  ExpectBadHyperparameters("XGBoost", {{"n_estimator", 10}},
                           {"XGBoost", "unknown", "'n_estimator'"});
  ExpectBadHyperparameters("XGBoost", {{"reg_lambda", -1}}, {"XGBoost", "'reg_lambda'"});
  ExpectBadHyperparameters("XGBoost", {{"subsample", 0}}, {"XGBoost", "'subsample'"});
}

TEST(TreeModelsTest, AcceptsAmlLibraryStyleValues) {
  Eigen::MatrixXd x = RandomMatrix(50, 4, 13);
  Eigen::VectorXd y = x.rowwise().sum();
  for (const nlohmann::json& mf :
       {nlohmann::json("sqrt"), nlohmann::json("log2"), nlohmann::json("auto"), nlohmann::json(2),
        nlohmann::json(0.5)}) {
    auto r = model::MakeRegressor("RandomForest",
                                  {{"n_estimators", 5},
                                   {"criterion", "mse"},
                                   {"max_features", mf},
                                   {"min_samples_split", 0.1},
                                   {"min_samples_leaf", 1},
                                   {"max_depth", 3}},
                                  1);
    r->Fit(x, y);
    EXPECT_TRUE(r->Predict(x).allFinite());
  }
}

}  // namespace
}  // namespace twinprof::test
