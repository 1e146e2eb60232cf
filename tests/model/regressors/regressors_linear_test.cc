// LinearRegression and LRRidge against closed forms.
#include <gtest/gtest.h>

#include <fstream>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

TEST(LinearRegressionTest, RecoversExactLinearFunction) {
  Eigen::MatrixXd x = RandomMatrix(30, 3, 1);
  Eigen::VectorXd y = (x * Eigen::Vector3d(2.0, -1.0, 0.5)).array() + 4.0;
  auto r = model::MakeRegressor("LinearRegression", {}, 1);
  r->Fit(x, y);
  EXPECT_TRUE(r->Predict(x).isApprox(y, 1e-10));
  Eigen::MatrixXd probe(1, 3);
  probe << 10, 20, 30;
  EXPECT_NEAR(r->Predict(probe)(0), 4 + 20 - 20 + 15, 1e-8);
  ExpectReloadIdentical(*r, RandomMatrix(10, 3, 2));
}

TEST(LinearRegressionTest, WithoutInterceptGoesThroughOrigin) {
  Eigen::MatrixXd x(3, 1);
  x << 1, 2, 3;
  Eigen::VectorXd y(3);
  y << 2, 3, 4;  // y = x + 1; through the origin the least-squares slope is 20/14.
  auto r = model::MakeRegressor("LinearRegression", {{"fit_intercept", false}}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd zero = Eigen::MatrixXd::Zero(1, 1);
  EXPECT_EQ(r->Predict(zero)(0), 0.0);
  Eigen::MatrixXd one = Eigen::MatrixXd::Ones(1, 1);
  EXPECT_NEAR(r->Predict(one)(0), 20.0 / 14.0, 1e-12);
}

TEST(LinearRegressionTest, CollinearFeaturesGiveMinimumNormSolution) {
  Eigen::MatrixXd x(4, 2);
  x << 1, 1, 2, 2, 3, 3, 4, 4;  // two identical columns
  Eigen::VectorXd y(4);
  y << 2, 4, 6, 8;
  auto r = model::MakeRegressor("LinearRegression", {}, 1);
  r->Fit(x, y);
  EXPECT_TRUE(r->Predict(x).isApprox(y, 1e-10));
  Eigen::MatrixXd probe(1, 2);
  probe << 1, 0;
  EXPECT_NEAR(r->Predict(probe)(0) - r->Predict(Eigen::MatrixXd::Zero(1, 2))(0), 1.0, 1e-10);
}

TEST(RidgeTest, MatchesClosedFormWithUnpenalisedIntercept) {
  Eigen::MatrixXd x = RandomMatrix(25, 3, 3, -2, 2);
  Eigen::VectorXd y = (x * Eigen::Vector3d(1.0, 3.0, -2.0)).array() + 7.0 +
                      RandomMatrix(25, 1, 4, -0.5, 0.5).col(0).array();
  const double alpha = 2.5;
  // Closed form: centre, w = (Xc'Xc + alpha I)^-1 Xc'yc, b = mean(y) - mean(x) w.
  Eigen::RowVectorXd xm = x.colwise().mean();
  Eigen::MatrixXd xc = x.rowwise() - xm;
  Eigen::VectorXd yc = y.array() - y.mean();
  Eigen::Vector3d w =
      (xc.transpose() * xc + alpha * Eigen::Matrix3d::Identity()).inverse() * xc.transpose() * yc;
  double b = y.mean() - xm.dot(w);

  auto r = model::MakeRegressor("LRRidge", {{"alpha", alpha}}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd probe = RandomMatrix(5, 3, 5);
  Eigen::VectorXd expected = (probe * w).array() + b;
  EXPECT_TRUE(r->Predict(probe).isApprox(expected, 1e-10));
  ExpectReloadIdentical(*r, probe);
}

TEST(RidgeTest, LargeAlphaShrinksSlopesButNotTheMean) {
  Eigen::MatrixXd x = RandomMatrix(20, 2, 6);
  Eigen::VectorXd y = (x * Eigen::Vector2d(5, 5)).array() + 100.0;
  auto r = model::MakeRegressor("LRRidge", {{"alpha", 1e9}}, 1);
  r->Fit(x, y);
  Eigen::VectorXd pred = r->Predict(x);
  EXPECT_NEAR(pred.mean(), y.mean(), 1e-6);
  EXPECT_LT(pred.maxCoeff() - pred.minCoeff(), 1e-5);
}

TEST(RidgeTest, AlphaZeroEqualsLinearRegression) {
  Eigen::MatrixXd x = RandomMatrix(15, 2, 7);
  Eigen::VectorXd y = RandomMatrix(15, 1, 8).col(0);
  auto ridge = model::MakeRegressor("LRRidge", {{"alpha", 0}}, 1);
  auto ols = model::MakeRegressor("LinearRegression", {}, 1);
  ridge->Fit(x, y);
  ols->Fit(x, y);
  EXPECT_TRUE(ridge->Predict(x).isApprox(ols->Predict(x), 1e-10));
}

TEST(RegressorFactoryTest, RejectsBadInput) {
  ExpectBadHyperparameters("LRRidge", {{"alpha", -1}}, {"LRRidge", "'alpha'", ">= 0", "-1"});
  ExpectBadHyperparameters("LRRidge", {{"alpha", "big"}}, {"LRRidge", "'alpha'"});
  ExpectBadHyperparameters("LRRidge", {{"alpah", 1}}, {"LRRidge", "unknown", "'alpah'"});
  ExpectBadHyperparameters("LinearRegression", {{"fit_intercept", 1}},
                           {"LinearRegression", "'fit_intercept'", "True or False"});
  ExpectBadHyperparameters("NoSuchThing", {}, {"unknown technique", "'NoSuchThing'"});
  ExpectBadHyperparameters("LRRidge", nlohmann::json::array({1}), {"LRRidge", "object"});
}

// The example of docs/formats.md, "Saved regressor".
TEST(RegressorFactoryTest, LoadsTheDocumentedExample) {
  std::ifstream in(std::string(TWINPROF_SOURCE_DIR) + "/tests/data/model/lrridge_regressor.json");
  ASSERT_TRUE(in);
  auto r = model::LoadRegressor(nlohmann::json::parse(in));
  EXPECT_EQ(r->technique(), "LRRidge");
  Eigen::MatrixXd probe(2, 2);
  probe << 0, 0, 1, 2;
  EXPECT_EQ(r->Predict(probe), Eigen::Vector2d(3.0, 4.0));
  EXPECT_EQ(r->Save()["hyperparameters"]["alpha"], 0.1);
}

TEST(RegressorFactoryTest, RejectsBadSavedModels) {
  EXPECT_THROW(model::LoadRegressor(nlohmann::json::object()), InputError);
  nlohmann::json saved = {{"format", "twinprof-regressor"}, {"version", 1},
                          {"technique", "LRRidge"},         {"seed", 1},
                          {"hyperparameters", {}},          {"state", {{"coef", "x"}}}};
  EXPECT_THROW(model::LoadRegressor(saved), InputError);
}

TEST(RegressorFactoryTest, UnfittedModelRefusesToPredict) {
  auto r = model::MakeRegressor("LRRidge", {}, 1);
  EXPECT_THROW(r->Predict(Eigen::MatrixXd::Zero(1, 1)), std::logic_error);
  EXPECT_THROW(r->Save(), std::logic_error);
}

TEST(RegressorFactoryTest, EveryKnownTechniqueIsMade) {
  for (const std::string& t : model::KnownTechniques()) {
    auto r = model::MakeRegressor(t, {}, 1);
    EXPECT_EQ(r->technique(), t);
  }
}

}  // namespace
}  // namespace twinprof::test
