// Accuracy figures: MAPE, RMSE and R² as aMLLibrary computes them; the zero-excluding MAPE and the
// interval coverage that predict and validate print.
#include "model/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace twinprof::test {
namespace {

Eigen::VectorXd Vec(std::initializer_list<double> values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (double x : values) v(i++) = x;
  return v;
}

TEST(Metrics, PinsMapeRmseAndR2) {
  model::Metrics m = model::ComputeMetrics(Vec({1, 2, 4}), Vec({1.5, 2, 3}));
  EXPECT_DOUBLE_EQ(m.mape, 100.0 * (0.5 + 0 + 0.25) / 3);  // 25%
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt((0.25 + 0 + 1) / 3));
  EXPECT_DOUBLE_EQ(m.r2, 1 - 1.25 / (14.0 / 3));  // SStot = 16/9 + 1/9 + 25/9
}

TEST(MapeExcludingZeros, IsTheMapeWhenNoRealValueIsZero) {
  model::ZeroExcludingMape mape = model::MapeExcludingZeros(Vec({1, 2, 4}), Vec({1.5, 2, 3}));
  EXPECT_TRUE(mape.defined());
  EXPECT_EQ(mape.rows, 3);
  EXPECT_EQ(mape.zero_rows, 0);
  EXPECT_EQ(mape.mape, model::ComputeMetrics(Vec({1, 2, 4}), Vec({1.5, 2, 3})).mape);
  EXPECT_DOUBLE_EQ(mape.mape, 25);
}

TEST(MapeExcludingZeros, LeavesOutRowsWhoseRealValueIsZero) {
  model::ZeroExcludingMape mape = model::MapeExcludingZeros(Vec({0, 2, 0, 4}), Vec({7, 3, 9, 3}));
  EXPECT_TRUE(mape.defined());
  EXPECT_EQ(mape.rows, 2);
  EXPECT_EQ(mape.zero_rows, 2);
  EXPECT_DOUBLE_EQ(mape.mape, 100.0 * (0.5 + 0.25) / 2);  // 37.5%
}

TEST(MapeExcludingZeros, IsUndefinedWhenEveryRealValueIsZero) {
  model::ZeroExcludingMape mape = model::MapeExcludingZeros(Vec({0, 0}), Vec({1, 2}));
  EXPECT_FALSE(mape.defined());
  EXPECT_EQ(mape.rows, 0);
  EXPECT_EQ(mape.zero_rows, 2);
  EXPECT_TRUE(std::isnan(mape.mape));
  EXPECT_FALSE(model::MapeExcludingZeros(Eigen::VectorXd(), Eigen::VectorXd()).defined());
}

TEST(IntervalCoverage, CountsRealValuesInsideIncludingTheBounds) {
  model::IntervalCoverage coverage =
      model::CoverageOf(Vec({1, 2, 3, 4, 5}), Vec({0, 2, 3.5, 1, 6}), Vec({2, 3, 4, 4, 7}));
  EXPECT_EQ(coverage.rows, 5);
  EXPECT_EQ(coverage.inside, 3);  // 1 in [0,2], 2 on lo, 4 on hi; 3 below, 5 below
  EXPECT_DOUBLE_EQ(coverage.fraction(), 0.6);
  EXPECT_TRUE(std::isnan(
      model::CoverageOf(Eigen::VectorXd(), Eigen::VectorXd(), Eigen::VectorXd()).fraction()));
}

}  // namespace
}  // namespace twinprof::test
