// Regressor::ReduceTo on SVR: a fit that kept its precomputed kernel matrix, solved again at
// another C, epsilon, tol, shrinking or max_seconds, is the fresh fit at that point: bit for bit
// when no kept solution has a C as small (a solve from zero), otherwise (a warm start,
// libsvm_solver.h) the same problem solved to the same tolerance; nothing else can be reduced.
#include <gtest/gtest.h>

#include <stdexcept>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// 300 rows of four features and a smooth, noisy target.
void Data(Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  x = RandomMatrix(300, 4, 31, 0.0, 2.0);
  Eigen::VectorXd noise = RandomMatrix(300, 1, 32, -0.1, 0.1).col(0);
  y = (x.col(0).array().sin() + x.col(1).array() * x.col(2).array() - x.col(3).array().sqrt() +
       noise.array())
          .matrix();
}

// Fits SVR at `base`, reduces it to each of `points` in turn (each checked reachable) and
// compares every reduction with a fresh fit at that point: the same predictions and saved form
// where the reduction solves from zero (`exact`), predictions within 1e-2 after a warm start (ten
// times libsvm's tolerance, 1e-3, on targets that span about 6: two solutions meeting libsvm's
// stopping rule differ by a few times the tolerance, a wrong one by far more).
void ExpectReductionsMatch(const nlohmann::json& base, const std::vector<nlohmann::json>& points,
                           const std::vector<bool>& exact) {
  SCOPED_TRACE(base.dump());
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  Eigen::MatrixXd probe = RandomMatrix(100, 4, 33, -0.5, 2.5);
  auto reduced = model::MakeRegressor("SVR", base, 5);
  reduced->Fit(x, y);
  for (size_t k = 0; k < points.size(); ++k) {
    const nlohmann::json& point = points[k];
    SCOPED_TRACE(point.dump());
    ASSERT_TRUE(reduced->CanReduceTo(point));
    reduced->ReduceTo(point);
    auto fresh = model::MakeRegressor("SVR", point, 5);
    fresh->Fit(x, y);
    for (const Eigen::MatrixXd* rows : {&x, &probe}) {
      Eigen::VectorXd p = reduced->Predict(*rows);
      Eigen::VectorXd q = fresh->Predict(*rows);
      ASSERT_EQ(p.size(), q.size());
      for (Eigen::Index i = 0; i < p.size(); ++i) {
        if (exact[k]) {
          ASSERT_EQ(p(i), q(i)) << "row " << i;
        } else {
          ASSERT_NEAR(p(i), q(i), 1e-2) << "row " << i;
        }
      }
    }
    if (exact[k]) {
      EXPECT_EQ(reduced->Save(), fresh->Save());
    } else {
      EXPECT_EQ(reduced->Save()["hyperparameters"], fresh->Save()["hyperparameters"]);
    }
  }
  ExpectReloadIdentical(*reduced, probe);
}

TEST(SvrReductionTest, RbfAtOtherCAndEpsilonIsTheFreshFit) {
  // C 10 and C 100 start from the C 1 and C 10 solutions; C 0.5 from zero (no kept C is as
  // small); C 3 from C 1's.
  ExpectReductionsMatch({{"gamma", 0.5}, {"C", 1}},
                        {{{"gamma", 0.5}, {"C", 10}},
                         {{"gamma", 0.5}, {"C", 100}, {"epsilon", 0.02}},
                         {{"gamma", 0.5}, {"C", 0.5}, {"epsilon", 0.3}, {"max_seconds", 0}},
                         {{"gamma", 0.5}, {"C", 3}, {"tol", 1e-5}, {"shrinking", false}}},
                        {false, false, true, false});
}

TEST(SvrReductionTest, PolyAtOtherCAndEpsilonIsTheFreshFit) {
  ExpectReductionsMatch(
      {{"kernel", "poly"}, {"degree", 2}, {"coef0", 1.0}, {"gamma", "scale"}, {"C", 100}},
      {{{"kernel", "poly"}, {"degree", 2}, {"coef0", 1.0}, {"gamma", "scale"}, {"C", 1}},
       {{"kernel", "poly"}, {"degree", 2}, {"coef0", 1.0}, {"C", 10}, {"epsilon", 0.05}}},
      {true, false});
}

TEST(SvrReductionTest, GammaIsComparedOnceResolved) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  // 'auto' is 1 / features: 0.25 here, which is only known once the data is.
  auto r = model::MakeRegressor("SVR", {{"gamma", "auto"}}, 5);
  const nlohmann::json quarter = {{"gamma", 0.25}, {"C", 10}};
  EXPECT_FALSE(r->CanReduceTo(quarter));
  EXPECT_TRUE(r->CanReduceTo({{"gamma", "auto"}, {"C", 10}}));
  r->Fit(x, y);
  EXPECT_TRUE(r->CanReduceTo(quarter));
  EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.5}, {"C", 10}}));
  EXPECT_FALSE(r->CanReduceTo({{"gamma", "scale"}, {"C", 10}}));
  r->ReduceTo(quarter);
  auto fresh = model::MakeRegressor("SVR", quarter, 5);
  fresh->Fit(x, y);
  // A warm start from the C 1 fit: the same problem to libsvm's tolerance.
  EXPECT_LT((r->Predict(x) - fresh->Predict(x)).cwiseAbs().maxCoeff(), 1e-2);
}

TEST(SvrReductionTest, KernelChangesAreNotReductions) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  const nlohmann::json base = {{"gamma", 0.1}, {"C", 1}};
  auto r = model::MakeRegressor("SVR", base, 5);
  for (bool fitted : {false, true}) {
    SCOPED_TRACE(fitted ? "fitted" : "unfitted");
    if (fitted) r->Fit(x, y);
    EXPECT_TRUE(r->CanReduceTo({{"gamma", 0.1}, {"C", 100}, {"epsilon", 0.5}}));
    EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.01}, {"C", 1}}));
    EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.1}, {"kernel", "sigmoid"}}));
    EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.1}, {"coef0", 1.0}}));
    EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.1}, {"cache_size", 100}}));
    EXPECT_FALSE(r->CanReduceTo({{"gamma", 0.1}, {"C", -1}}));  // not an SVR point
  }
  EXPECT_THROW(r->ReduceTo({{"gamma", 0.01}}), std::logic_error);
  // A loaded model has no training data left.
  EXPECT_FALSE(model::LoadRegressor(r->Save())->CanReduceTo({{"gamma", 0.1}, {"C", 100}}));
}

TEST(SvrReductionTest, FitWithoutPrecomputedKernelCannotBeReduced) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  // 300 rows take about 360 KB as a kernel table (1.4 MB in libsvm's precomputed form): more
  // than a 0.25 MB cache.
  auto r = model::MakeRegressor("SVR", {{"gamma", 0.5}, {"cache_size", 0.25}}, 5);
  const nlohmann::json point = {{"gamma", 0.5}, {"cache_size", 0.25}, {"C", 10}};
  EXPECT_TRUE(r->CanReduceTo(point));  // might be, before the fit
  r->Fit(x, y);
  EXPECT_FALSE(r->CanReduceTo(point));
  EXPECT_THROW(r->ReduceTo(point), std::logic_error);
}

TEST(SvrReductionTest, ReleasedFitDataKeepsPredictionsAndRefusesReductions) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  auto svr = model::MakeRegressor("SVR", {{"C", 10.0}, {"gamma", 0.1}}, 1);
  svr->Fit(x, y);
  ASSERT_TRUE(svr->CanReduceTo({{"C", 1.0}, {"gamma", 0.1}}));
  Eigen::VectorXd before = svr->Predict(x);
  svr->ReleaseFitData();
  EXPECT_FALSE(svr->CanReduceTo({{"C", 1.0}, {"gamma", 0.1}}));
  EXPECT_THROW(svr->ReduceTo({{"C", 1.0}, {"gamma", 0.1}}), std::logic_error);
  EXPECT_EQ(svr->Predict(x), before);
}

TEST(SvrReductionTest, CutSolveStillFallsBackToTheMeanWithANote) {
  // As SvrTest.TimeBoundCutsTrainingAndFallsBackToTheMean: far more than a millisecond of work.
  Eigen::MatrixXd x = RandomMatrix(3000, 5, 8, 0, 100);
  Eigen::VectorXd y = 1000.0 * x.col(0).array().sqrt() + 10.0 * x.col(1).array() * x.col(2).array();
  const nlohmann::json base = {{"C", 1e6}, {"tol", 1e-9}, {"gamma", 0.01}, {"max_seconds", 0.001}};
  auto r = model::MakeRegressor("SVR", base, 1);
  r->Fit(x, y);
  ASSERT_EQ(r->notes().size(), 1u);
  nlohmann::json point = base;
  point["C"] = 1e5;
  ASSERT_TRUE(r->CanReduceTo(point));
  r->ReduceTo(point);
  ASSERT_EQ(r->notes().size(), 1u);
  EXPECT_NE(r->notes()[0].find("cut"), std::string::npos);
  EXPECT_NE(r->notes()[0].find("max_seconds"), std::string::npos);
  Eigen::VectorXd p = r->Predict(x.topRows(3));
  EXPECT_DOUBLE_EQ(p(0), y.mean());
  EXPECT_DOUBLE_EQ(p(2), y.mean());
  EXPECT_EQ(r->Save()["hyperparameters"]["C"], 1e5);
}

}  // namespace
}  // namespace twinprof::test
