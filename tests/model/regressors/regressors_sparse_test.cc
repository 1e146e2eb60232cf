// Lasso, NNLS, Stepwise and Ernest against known answers.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "model/regressor.h"
#include "model/regressors/nnls_solver.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// Two centred orthogonal columns: the Lasso solution is soft thresholding of x_j'y / n.
TEST(LassoTest, SoftThresholdsOrthogonalDesignAndZeroesSmallCoefficient) {
  Eigen::MatrixXd x(4, 2);
  x << 1, 1, -1, 1, 1, -1, -1, -1;
  Eigen::VectorXd y = (x * Eigen::Vector2d(3.0, 0.1)).array() + 5.0;
  auto r = model::MakeRegressor("Lasso", {{"alpha", 0.5}}, 1);
  r->Fit(x, y);
  Eigen::MatrixXd probe(3, 2);
  probe << 0, 0, 1, 0, 0, 1;
  Eigen::VectorXd p = r->Predict(probe);
  EXPECT_NEAR(p(0), 5.0, 1e-9);         // intercept not penalised
  EXPECT_NEAR(p(1) - p(0), 2.5, 1e-9);  // 3 - alpha
  EXPECT_EQ(p(2) - p(0), 0.0);          // 0.1 < alpha: exactly zero
  EXPECT_TRUE(r->notes().empty());
  ExpectReloadIdentical(*r, RandomMatrix(6, 2, 1));
}

TEST(LassoTest, TinyAlphaApproachesLeastSquares) {
  Eigen::MatrixXd x = RandomMatrix(40, 3, 2);
  Eigen::VectorXd y = (x * Eigen::Vector3d(1, -2, 3)).array() + 1.0;
  auto r =
      model::MakeRegressor("Lasso", {{"alpha", 1e-8}, {"tol", 1e-10}, {"max_iter", 100000}}, 1);
  r->Fit(x, y);
  EXPECT_LT((r->Predict(x) - y).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(LassoTest, ReportsWhenCutByMaxIter) {
  Eigen::MatrixXd x = RandomMatrix(40, 3, 3);
  x.col(2) = x.col(0) + 1e-3 * x.col(1);  // nearly collinear: slow convergence
  Eigen::VectorXd y = (x * Eigen::Vector3d(1, -2, 3)).array() + 1.0;
  auto r = model::MakeRegressor("Lasso", {{"alpha", 1e-6}, {"max_iter", 2}, {"tol", 1e-14}}, 1);
  r->Fit(x, y);
  ASSERT_EQ(r->notes().size(), 1u);
  EXPECT_NE(r->notes()[0].find("max_iter"), std::string::npos);
}

TEST(NnlsSolverTest, SolvesProblemWithActiveBound) {
  // Unconstrained solution (2, -1) is infeasible; the NNLS solution is x2 = 0 and x1 the
  // least-squares coefficient of b on the first column alone.
  Eigen::MatrixXd a(3, 2);
  a << 1, 0, 1, 1, 0, 1;
  Eigen::Vector3d b(2, 1, -1);
  model::regressors::NnlsResult result = model::regressors::SolveNnls(a, b);
  ASSERT_TRUE(result.converged);
  EXPECT_NEAR(result.x(0), 1.5, 1e-12);
  EXPECT_EQ(result.x(1), 0.0);
  // KKT: the gradient pushes the bound variable further below zero.
  Eigen::VectorXd gradient = a.transpose() * (b - a * result.x);
  EXPECT_LE(gradient(1), 0.0);
  EXPECT_NEAR(gradient(0), 0.0, 1e-12);
}

TEST(NnlsTest, ClampsNegativeEffectAndKeepsFreeIntercept) {
  Eigen::MatrixXd x = RandomMatrix(50, 2, 4);
  Eigen::VectorXd y = (x * Eigen::Vector2d(2.0, -1.0)).array() - 3.0;  // negative intercept
  auto r = model::MakeRegressor("NNLS", {}, 1);
  r->Fit(x, y);
  // Equals ordinary least squares on the first column alone.
  auto ols = model::MakeRegressor("LinearRegression", {}, 1);
  Eigen::MatrixXd first = x.leftCols(1);
  ols->Fit(first, y);
  Eigen::MatrixXd probe = RandomMatrix(5, 2, 5);
  Eigen::MatrixXd probe_first = probe.leftCols(1);
  EXPECT_TRUE(r->Predict(probe).isApprox(ols->Predict(probe_first), 1e-10));
  ExpectReloadIdentical(*r, probe);
}

TEST(NnlsTest, WithoutInterceptRecoversNonNegativeModel) {
  Eigen::MatrixXd x = RandomMatrix(30, 3, 6);
  Eigen::VectorXd y = x * Eigen::Vector3d(0.5, 0.0, 4.0);
  auto r = model::MakeRegressor("NNLS", {{"fit_intercept", false}}, 1);
  r->Fit(x, y);
  EXPECT_TRUE(r->Predict(x).isApprox(y, 1e-10));
  EXPECT_NEAR(r->Predict(Eigen::MatrixXd::Zero(1, 3))(0), 0.0, 0.0);
}

// The Hald cement data (Draper & Smith, Applied Regression Analysis, section 15.2): stepwise
// selection at the textbook's 10% levels enters x4, x1, x2 (p = 0.052), then removes x4
// (p = 0.205), ending with {x1, x2} and y = 52.58 + 1.468 x1 + 0.662 x2. At p_to_add = 0.05, x2
// just misses entry and the selection stops at {x1, x4}.
TEST(StepwiseTest, SelectsTextbookVariablesOnHaldData) {
  std::ifstream in(std::string(TWINPROF_DATA_DIR) + "/datasets/amllibrary/draper_smith.csv");
  ASSERT_TRUE(in) << "missing draper_smith.csv";
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::vector<double> row;
    for (std::string cell; std::getline(ss, cell, ',');) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  ASSERT_EQ(rows.size(), 13u);
  Eigen::MatrixXd x(13, 4);
  Eigen::VectorXd y(13);
  for (int i = 0; i < 13; ++i) {
    for (int j = 0; j < 4; ++j) x(i, j) = rows[i][j];
    y(i) = rows[i][4];
  }
  auto r = model::MakeRegressor("Stepwise", {{"p_to_add", 0.1}, {"p_to_remove", 0.1}}, 1);
  r->Fit(x, y);
  EXPECT_EQ(r->SelectedFeatures(), (std::vector<int>{0, 1}));
  auto strict = model::MakeRegressor("Stepwise", {{"p_to_add", 0.05}, {"p_to_remove", 0.1}}, 1);
  strict->Fit(x, y);
  EXPECT_EQ(strict->SelectedFeatures(), (std::vector<int>{0, 3}));
  Eigen::MatrixXd probe = Eigen::MatrixXd::Zero(2, 4);
  probe(1, 0) = 1;
  Eigen::VectorXd p = r->Predict(probe);
  EXPECT_NEAR(p(0), 52.577, 1e-3);
  EXPECT_NEAR(p(1) - p(0), 1.4683, 1e-4);
  ExpectReloadIdentical(*r, x);
}

TEST(StepwiseTest, IgnoresConstantAndNoiseColumns) {
  Eigen::MatrixXd x = RandomMatrix(60, 4, 7);
  x.col(3).setConstant(2.0);
  Eigen::VectorXd noise = RandomMatrix(60, 1, 8, -0.01, 0.01).col(0);
  Eigen::VectorXd y = 3.0 * x.col(1) + noise;
  auto r = model::MakeRegressor("Stepwise", {}, 1);
  r->Fit(x, y);
  EXPECT_EQ(r->SelectedFeatures(), (std::vector<int>{1}));
}

TEST(ErnestTest, RecoversNonNegativeParameters) {
  Eigen::MatrixXd x(12, 3);
  Eigen::VectorXd y(12);
  const double theta[4] = {2.0, 30.0, 1.5, 0.25};
  for (int i = 0; i < 12; ++i) {
    double machines = 1 + i % 6, scale = 1 + i / 6;
    x.row(i) << machines, scale, 42.0;  // third column unused
    y(i) = theta[0] + theta[1] * scale / machines + theta[2] * std::log(machines) +
           theta[3] * machines;
  }
  auto r = model::MakeRegressor("Ernest", {}, 1);
  r->Fit(x, y);
  EXPECT_TRUE(r->Predict(x).isApprox(y, 1e-10));
  Eigen::MatrixXd probe(1, 3);
  probe << 16, 4, 0;
  EXPECT_NEAR(r->Predict(probe)(0), 2 + 30 * 4.0 / 16 + 1.5 * std::log(16.0) + 0.25 * 16, 1e-8);
  ExpectReloadIdentical(*r, x);

  // Columns swapped through the hyperparameters.
  Eigen::MatrixXd swapped(12, 2);
  swapped << x.col(1), x.col(0);
  auto s = model::MakeRegressor("Ernest", {{"machines_column", 1}, {"scale_column", 0}}, 1);
  s->Fit(swapped, y);
  EXPECT_TRUE(s->Predict(swapped).isApprox(y, 1e-10));
}

TEST(ErnestTest, RejectsNonPositiveMachines) {
  Eigen::MatrixXd x(2, 2);
  x << 0, 1, 1, 1;
  auto r = model::MakeRegressor("Ernest", {}, 1);
  EXPECT_THROW(r->Fit(x, Eigen::Vector2d(1, 2)), InputError);
}

TEST(SparseModelsTest, RejectBadHyperparameters) {
  ExpectBadHyperparameters("Lasso", {{"max_iter", 0}}, {"Lasso", "'max_iter'"});
  ExpectBadHyperparameters("Lasso", {{"alpha", -0.1}}, {"Lasso", "'alpha'"});
  ExpectBadHyperparameters("NNLS", {{"alpha", 1}}, {"NNLS", "'alpha'"});
  ExpectBadHyperparameters("Stepwise", {{"p_to_add", 1.5}}, {"Stepwise", "'p_to_add'"});
  ExpectBadHyperparameters("Stepwise", {{"max_iter", 2.5}}, {"Stepwise", "'max_iter'"});
  ExpectBadHyperparameters("Ernest", {{"scale_column", 0}}, {"Ernest", "'scale_column'"});
}

}  // namespace
}  // namespace twinprof::test
