// The Eigen kernel matrices behind SVR (kernel_matrix.h) and the two ways libsvm is driven with
// them (libsvm_model.h): a precomputed kernel or libsvm's own, Eigen predictions or svm_predict.
#include <gtest/gtest.h>

#include <cmath>

#include "model/regressor.h"
#include "model/regressors/kernel_matrix.h"
#include "model/regressors/libsvm_model.h"
#include "model/regressors/libsvm_solver.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// The kernel of one pair, written out as libsvm's k_function computes it.
double PairKernel(const model::regressors::KernelSpec& spec, const Eigen::VectorXd& a,
                  const Eigen::VectorXd& b) {
  switch (spec.kind) {
    case model::regressors::KernelKind::kLinear:
      return a.dot(b);
    case model::regressors::KernelKind::kPoly:
      return std::pow(spec.gamma * a.dot(b) + spec.coef0, spec.degree);
    case model::regressors::KernelKind::kRbf:
      return std::exp(-spec.gamma * (a - b).squaredNorm());
    case model::regressors::KernelKind::kSigmoid:
      return std::tanh(spec.gamma * a.dot(b) + spec.coef0);
  }
  return 0.0;
}

const model::regressors::KernelSpec kSpecs[] = {
    {model::regressors::KernelKind::kLinear, 1.0, 3, 0.0},
    {model::regressors::KernelKind::kPoly, 0.5, 3, 1.0},
    {model::regressors::KernelKind::kRbf, 0.7, 3, 0.0},
    {model::regressors::KernelKind::kSigmoid, 0.3, 3, -0.5}};

TEST(KernelMatrixTest, EveryKernelMatchesItsFormula) {
  Eigen::MatrixXd a = RandomMatrix(7, 3, 1, -2, 2);
  Eigen::MatrixXd b = RandomMatrix(5, 3, 2, -2, 2);
  for (const model::regressors::KernelSpec& spec : kSpecs) {
    Eigen::MatrixXd k = model::regressors::KernelMatrix(spec, a, b);
    ASSERT_EQ(k.rows(), 7);
    ASSERT_EQ(k.cols(), 5);
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      for (Eigen::Index j = 0; j < b.rows(); ++j) {
        const double expected = PairKernel(spec, a.row(i).transpose(), b.row(j).transpose());
        EXPECT_NEAR(k(i, j), expected, 1e-13 * std::max(1.0, std::abs(expected)))
            << "kernel " << static_cast<int>(spec.kind) << " at " << i << "," << j;
      }
    }
  }
}

TEST(KernelMatrixTest, PolyDegreeZeroIsOne) {
  Eigen::MatrixXd a = RandomMatrix(4, 2, 3);
  EXPECT_EQ(
      model::regressors::KernelMatrix({model::regressors::KernelKind::kPoly, 1.0, 0, 0.0}, a, a),
      Eigen::MatrixXd::Ones(4, 4));
}

TEST(KernelMatrixTest, OwnLowerColumnsAreTheSymmetricMatrixWithAnExactRbfDiagonal) {
  Eigen::MatrixXd b = RandomMatrix(9, 4, 4, 0, 1000);  // unscaled: large squared norms
  for (const model::regressors::KernelSpec& spec : kSpecs) {
    model::regressors::KernelRows rows(spec, b);
    Eigen::MatrixXd full = rows.Compute(b);
    Eigen::MatrixXd own = rows.OwnLowerColumns(3, 4);  // rows 3..8 of columns 3..6
    ASSERT_EQ(own.rows(), 6);
    ASSERT_EQ(own.cols(), 4);
    for (Eigen::Index i = 0; i < 6; ++i) {
      for (Eigen::Index j = 0; j < 4; ++j) {
        const double expected = full(j + 3, i + 3);
        EXPECT_NEAR(own(i, j), expected, 1e-12 * std::max(1.0, std::abs(expected)));
      }
    }
    if (spec.kind == model::regressors::KernelKind::kRbf) {
      for (Eigen::Index j = 0; j < 4; ++j) EXPECT_EQ(own(j, j), 1.0);
    }
  }
}

TEST(KernelMatrixTest, RbfUnderflowIsZeroAndDistancesAreShiftInvariant) {
  // Rows far apart (exp underflows: exactly 0) and rows close together far from the origin
  // (|a|^2 ~ 1e14: without the shift, rounding of |a|^2 + |b|^2 - 2 a.b would swamp |a - b|^2).
  Eigen::MatrixXd a(3, 2);
  a << 1e7, 1e7, 1e7 + 0.5, 1e7, 0.0, 0.0;
  const model::regressors::KernelSpec spec{model::regressors::KernelKind::kRbf, 1.0, 3, 0.0};
  Eigen::MatrixXd k = model::regressors::KernelMatrix(spec, a, a);
  EXPECT_EQ(k(0, 2), 0.0);
  EXPECT_EQ(k(2, 1), 0.0);
  EXPECT_NEAR(k(0, 1), std::exp(-0.25), 1e-9);
  EXPECT_NEAR(k(1, 0), std::exp(-0.25), 1e-9);
}

// Relative difference with a floor: predictions near 0 are compared on the scale of the targets.
double RelativeDifference(double a, double b, double scale) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), scale});
}

TEST(LibsvmModelTest, PrecomputedKernelOnlyWhenItFitsTheCache) {
  model::regressors::LibsvmParams params;
  params.cache_mb = 1.0;  // 2^20 bytes
  if (model::regressors::DirectSolverAvailable()) {
    // A table of floats and the diagonal in doubles: 4 l^2 + 8 l <= 2^20 up to l = 511.
    EXPECT_TRUE(model::regressors::PrecomputesKernel(params, 511));
    EXPECT_FALSE(model::regressors::PrecomputesKernel(params, 512));
  }
  // libsvm's own form, for svm_train: 16 l (l + 2) <= 2^20 up to l = 254 (l even).
  params.direct_solver = false;
  EXPECT_TRUE(model::regressors::PrecomputesKernel(params, 254));
  EXPECT_FALSE(model::regressors::PrecomputesKernel(params, 255));
  params.precompute = false;
  EXPECT_FALSE(model::regressors::PrecomputesKernel(params, 10));
}

TEST(LibsvmModelTest, PrecomputedAndOwnKernelTrainTheSameModel) {
  Eigen::MatrixXd x = RandomMatrix(80, 3, 5, -1, 1);
  Eigen::VectorXd y = (x.col(0).array() * 2).sin() + x.col(1).array().square() - x.col(2).array();
  Eigen::MatrixXd probe = RandomMatrix(40, 3, 6, -1.2, 1.2);
  for (std::string kernel : {"linear", "poly", "rbf", "sigmoid"}) {
    SCOPED_TRACE(kernel);
    // Through the SVR regressor: a 0.001 MB cache is too small for the kernel of 80 rows.
    nlohmann::json hp = {{"kernel", kernel}, {"C", 10},     {"epsilon", 0.05},
                         {"gamma", 0.5},     {"degree", 2}, {"coef0", 0.5}};
    auto precomputed = model::MakeRegressor("SVR", hp, 1);
    hp["cache_size"] = 0.001;
    auto own = model::MakeRegressor("SVR", hp, 1);
    precomputed->Fit(x, y);
    own->Fit(x, y);
    Eigen::VectorXd a = precomputed->Predict(probe), b = own->Predict(probe);
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      EXPECT_LT(RelativeDifference(a(i), b(i), 1e-3), 1e-6) << a(i) << " vs " << b(i);
    }
  }
}

TEST(LibsvmModelTest, PrecomputedKernelOfManyBlocksTrainsTheSameModel) {
  // 700 rows: the kernel is computed in blocks of 2^18 / 700 = 374 rows, the second block's
  // entries left of the diagonal copied from the first's.
  Eigen::MatrixXd x = RandomMatrix(700, 3, 12, 0, 1);
  Eigen::VectorXd y = x.col(0).array().sqrt() + x.col(1).array() * x.col(2).array();
  for (std::string kernel : {"rbf", "poly"}) {
    SCOPED_TRACE(kernel);
    model::regressors::LibsvmParams params;
    params.kernel = kernel;
    params.c = 1;
    params.epsilon = 0.05;
    params.gamma = 0.5;
    params.degree = 2;
    params.coef0 = 1.0;
    ASSERT_TRUE(model::regressors::PrecomputesKernel(params, x.rows()));
    auto precomputed = model::regressors::LibsvmModel::FromBytes(
        params, model::regressors::TrainLibsvm(params, x, y));
    params.precompute = false;
    auto own = model::regressors::LibsvmModel::FromBytes(
        params, model::regressors::TrainLibsvm(params, x, y));
    EXPECT_EQ(precomputed->support_vectors().rows(), own->support_vectors().rows());
    Eigen::VectorXd a = precomputed->Predict(x), b = own->Predict(x);
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      EXPECT_LT(RelativeDifference(a(i), b(i), 1e-3), 1e-6) << a(i) << " vs " << b(i);
    }
  }
}

TEST(LibsvmModelTest, EigenPredictionsEqualSvmPredict) {
  Eigen::MatrixXd x = RandomMatrix(120, 4, 7, 0, 3);
  Eigen::VectorXd y = x.col(0).array().sqrt() + x.col(1).array() * x.col(2).array();
  // Probe rows inside the data, and far outside (rbf values underflow there).
  Eigen::MatrixXd probe(60, 4);
  probe << RandomMatrix(50, 4, 8, -0.5, 3.5), RandomMatrix(10, 4, 9, 20, 40);
  for (std::string kernel : {"linear", "poly", "rbf", "sigmoid"}) {
    SCOPED_TRACE(kernel);
    model::regressors::LibsvmParams params;
    params.kernel = kernel;
    params.c = 5;
    params.gamma = kernel == "sigmoid" ? 0.05 : 0.5;
    params.coef0 = kernel == "sigmoid" ? -1.0 : 1.0;
    auto model = model::regressors::LibsvmModel::FromBytes(
        params, model::regressors::TrainLibsvm(params, x, y));
    ASSERT_GT(model->support_vectors().rows(), 0);
    Eigen::VectorXd a = model->Predict(probe), b = model->PredictWithLibsvm(probe);
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      EXPECT_LT(RelativeDifference(a(i), b(i), 1e-6), 1e-9) << a(i) << " vs " << b(i);
    }
  }
}

TEST(LibsvmModelTest, BlockedPredictionsMatchOneRowAtATime) {
  // More rows than one block of kernel values (2^18 / support vectors).
  Eigen::MatrixXd x = RandomMatrix(300, 2, 10);
  Eigen::VectorXd y = x.rowwise().sum();
  model::regressors::LibsvmParams params;
  params.epsilon = 0.001;
  auto model = model::regressors::LibsvmModel::FromBytes(
      params, model::regressors::TrainLibsvm(params, x, y));
  Eigen::MatrixXd probe = RandomMatrix(2000, 2, 11);
  Eigen::VectorXd all = model->Predict(probe);
  for (Eigen::Index i = 0; i < probe.rows(); i += 97) {
    EXPECT_EQ(all(i), model->Predict(probe.row(i))(0));
  }
}

TEST(LibsvmModelTest, NoSupportVectorsPredictMinusRho) {
  model::regressors::LibsvmModel model(model::regressors::LibsvmParams{}, Eigen::MatrixXd(0, 3),
                                       Eigen::VectorXd(0), -2.5);
  Eigen::VectorXd p = model.Predict(Eigen::MatrixXd::Ones(4, 3));
  EXPECT_EQ(p, Eigen::VectorXd::Constant(4, 2.5));
  EXPECT_EQ(model.PredictWithLibsvm(Eigen::MatrixXd::Ones(4, 3)), p);
}

}  // namespace
}  // namespace twinprof::test
