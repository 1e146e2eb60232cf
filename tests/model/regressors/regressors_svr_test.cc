// SVR through libsvm: accuracy on simple functions, gamma rules, the time bound, persistence.
#include <gtest/gtest.h>

#include <cmath>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

TEST(SvrTest, LinearKernelFollowsLinearFunction) {
  Eigen::MatrixXd x = RandomMatrix(60, 2, 1);
  Eigen::VectorXd y = (x * Eigen::Vector2d(2.0, -1.0)).array() + 1.0;
  auto r = model::MakeRegressor("SVR", {{"kernel", "linear"}, {"C", 100}, {"epsilon", 0.01}}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd probe = RandomMatrix(20, 2, 2);
  Eigen::VectorXd expected = (probe * Eigen::Vector2d(2.0, -1.0)).array() + 1.0;
  // Errors up to epsilon are free; allow a little more for the solver's tolerance.
  EXPECT_LT((r->Predict(probe) - expected).cwiseAbs().maxCoeff(), 0.02);
  EXPECT_TRUE(r->notes().empty());
  ExpectReloadIdentical(*r, probe);
}

TEST(SvrTest, RbfKernelFitsSmoothFunction) {
  Eigen::MatrixXd x = RandomMatrix(200, 1, 3, 0, 3);
  Eigen::VectorXd y = x.col(0).array().sin();
  auto r = model::MakeRegressor("SVR", {{"C", 10}, {"epsilon", 0.01}, {"gamma", 1.0}}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd probe = RandomMatrix(50, 1, 4, 0.2, 2.8);
  Eigen::VectorXd expected = probe.col(0).array().sin();
  EXPECT_LT((r->Predict(probe) - expected).cwiseAbs().maxCoeff(), 0.03);
  ExpectReloadIdentical(*r, probe);
}

TEST(SvrTest, PolyAndSigmoidKernelsTrain) {
  Eigen::MatrixXd x = RandomMatrix(80, 2, 5, -1, 1);
  Eigen::VectorXd y = x.col(0).array().square() + 0.5 * x.col(1).array();
  auto poly = model::MakeRegressor(
      "SVR", {{"kernel", "poly"}, {"degree", 2}, {"coef0", 1.0}, {"C", 100}, {"epsilon", 0.01}}, 1);
  poly->Fit(x, y);
  EXPECT_LT((poly->Predict(x) - y).cwiseAbs().maxCoeff(), 0.05);
  auto sigmoid = model::MakeRegressor("SVR", {{"kernel", "sigmoid"}, {"gamma", "auto"}}, 1);
  sigmoid->Fit(x, y);
  EXPECT_TRUE(sigmoid->Predict(x).allFinite());
  ExpectReloadIdentical(*sigmoid, x);
}

TEST(SvrTest, GammaScaleAndAutoFollowScikitLearn) {
  Eigen::MatrixXd x = RandomMatrix(50, 3, 6, 0, 10);
  Eigen::VectorXd y = x.rowwise().sum();
  const double variance = (x.array() - x.mean()).square().mean();
  auto scale = model::MakeRegressor("SVR", {{"gamma", "scale"}}, 1);
  auto scale_number = model::MakeRegressor("SVR", {{"gamma", 1.0 / (3 * variance)}}, 1);
  auto automatic = model::MakeRegressor("SVR", {{"gamma", "auto"}}, 1);
  auto auto_number = model::MakeRegressor("SVR", {{"gamma", 1.0 / 3}}, 1);
  for (auto* r : {&scale, &scale_number, &automatic, &auto_number}) (*r)->Fit(x, y);
  EXPECT_EQ(scale->Predict(x), scale_number->Predict(x));
  EXPECT_EQ(automatic->Predict(x), auto_number->Predict(x));
  EXPECT_NE(scale->Predict(x), automatic->Predict(x));
}

TEST(SvrTest, ForkedAndInProcessTrainingAgreeBitForBit) {
  Eigen::MatrixXd x = RandomMatrix(100, 2, 7);
  Eigen::VectorXd y = x.col(0).array().exp() + x.col(1).array();
  auto forked = model::MakeRegressor("SVR", {{"C", 5}}, 1);
  auto in_process = model::MakeRegressor("SVR", {{"C", 5}, {"max_seconds", 0}}, 1);
  forked->Fit(x, y);
  ::testing::internal::CaptureStdout();
  in_process->Fit(x, y);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");  // libsvm is silenced
  EXPECT_EQ(forked->Predict(x), in_process->Predict(x));
}

TEST(SvrTest, TimeBoundCutsTrainingAndFallsBackToTheMean) {
  // Unscaled targets with a large C and a tight tolerance: far more than a millisecond of work.
  Eigen::MatrixXd x = RandomMatrix(3000, 5, 8, 0, 100);
  Eigen::VectorXd y = 1000.0 * x.col(0).array().sqrt() + 10.0 * x.col(1).array() * x.col(2).array();
  auto r = model::MakeRegressor(
      "SVR", {{"C", 1e6}, {"tol", 1e-9}, {"gamma", 0.01}, {"max_seconds", 0.001}}, 1);
  r->Fit(x, y);
  ASSERT_EQ(r->notes().size(), 1u);
  EXPECT_NE(r->notes()[0].find("cut"), std::string::npos);
  Eigen::VectorXd p = r->Predict(x.topRows(3));
  EXPECT_DOUBLE_EQ(p(0), y.mean());
  EXPECT_DOUBLE_EQ(p(2), y.mean());
  ExpectReloadIdentical(*r, x.topRows(10));
}

TEST(SvrTest, RejectsBadHyperparameters) {
  ExpectBadHyperparameters("SVR", {{"kernel", "precomputed"}}, {"SVR", "'kernel'", "rbf"});
  ExpectBadHyperparameters("SVR", {{"C", 0}}, {"SVR", "'C'", "> 0"});
  ExpectBadHyperparameters("SVR", {{"gamma", "big"}}, {"SVR", "'gamma'", "'scale'"});
  ExpectBadHyperparameters("SVR", {{"gamma", -1}}, {"SVR", "'gamma'"});
  ExpectBadHyperparameters("SVR", {{"epsilon", -0.1}}, {"SVR", "'epsilon'"});
  ExpectBadHyperparameters("SVR", {{"degree", 2.5}}, {"SVR", "'degree'"});
  ExpectBadHyperparameters("SVR", {{"max_iter", 100}}, {"SVR", "unknown", "'max_iter'"});
}

}  // namespace
}  // namespace twinprof::test
