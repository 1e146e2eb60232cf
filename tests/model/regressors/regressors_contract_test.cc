// The exceptions regressor.h promises, for every technique: the caller's mistakes are
// std::invalid_argument or std::logic_error, before any library sees them.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "model/regressor.h"

namespace twinprof::test {
namespace {

// 12 rows of two positive features (Ernest reads them as machines and scale) and a target.
void Data(Eigen::MatrixXd* x, Eigen::VectorXd* y) {
  *x = Eigen::MatrixXd(12, 2);
  *y = Eigen::VectorXd(12);
  for (int r = 0; r < 12; ++r) {
    (*x)(r, 0) = 1 + r % 4;
    (*x)(r, 1) = 10 + 3 * r;
    (*y)(r) = 2 + (*x)(r, 1) / (*x)(r, 0);
  }
}

class RegressorContract : public ::testing::TestWithParam<std::string> {};

TEST_P(RegressorContract, RefusesAPredictionBeforeAFit) {
  auto regressor = model::MakeRegressor(GetParam(), {}, 1);
  EXPECT_THROW(regressor->Predict(Eigen::MatrixXd::Ones(1, 2)), std::logic_error);
  EXPECT_THROW(regressor->Save(), std::logic_error);
}

TEST_P(RegressorContract, BadTrainingDataIsAnInvalidArgument) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(&x, &y);
  auto regressor = model::MakeRegressor(GetParam(), {}, 1);
  EXPECT_THROW(regressor->Fit(Eigen::MatrixXd(0, 2), Eigen::VectorXd(0)), std::invalid_argument);
  EXPECT_THROW(regressor->Fit(x, y.head(11)), std::invalid_argument);
  Eigen::MatrixXd with_nan = x;
  with_nan(3, 1) = std::nan("");
  EXPECT_THROW(regressor->Fit(with_nan, y), std::invalid_argument);
  Eigen::VectorXd with_inf = y;
  with_inf(0) = INFINITY;
  EXPECT_THROW(regressor->Fit(x, with_inf), std::invalid_argument);
}

TEST_P(RegressorContract, PredictingOnOtherColumnsIsAnInvalidArgument) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(&x, &y);
  auto regressor = model::MakeRegressor(GetParam(), {}, 1);
  regressor->Fit(x, y);
  EXPECT_EQ(regressor->Predict(x).size(), 12);
  EXPECT_THROW(regressor->Predict(Eigen::MatrixXd::Ones(2, 3)), std::invalid_argument);
  auto reloaded = model::LoadRegressor(regressor->Save());
  EXPECT_THROW(reloaded->Predict(Eigen::MatrixXd::Ones(2, 1)), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(EveryTechnique, RegressorContract,
                         ::testing::ValuesIn(model::KnownTechniques()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace twinprof::test
