// libsvm's Solver run directly on our kernel table (libsvm_solver.h): from zero it is svm_train
// bit for bit; from a warm start it meets libsvm's own stopping criterion on the same problem.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "model/regressors/libsvm_model.h"
#include "model/regressors/libsvm_solver.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

using model::regressors::BuildKernelTable;
using model::regressors::ColumnCacheStats;
using model::regressors::DirectSolverAvailable;
using model::regressors::EpsilonSvrSolution;
using model::regressors::KernelKind;
using model::regressors::KernelSpec;
using model::regressors::KernelTable;
using model::regressors::LibsvmModel;
using model::regressors::LibsvmParams;
using model::regressors::LibsvmProblem;
using model::regressors::SolveEpsilonSvr;

// 400 standardised-looking rows of five features and a smooth target with noise.
void Data(Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  x = RandomMatrix(400, 5, 41, -2.0, 2.0);
  Eigen::VectorXd noise = RandomMatrix(400, 1, 42, -0.05, 0.05).col(0);
  y = (x.col(0).array().sin() + 0.5 * x.col(1).array() * x.col(2).array() -
       0.3 * x.col(3).array().square() + 0.1 * x.col(4).array() + noise.array())
          .matrix();
}

LibsvmParams Params(double c, double epsilon, bool direct, bool warm) {
  LibsvmParams p;
  p.kernel = "rbf";
  p.gamma = 0.2;
  p.c = c;
  p.epsilon = epsilon;
  p.direct_solver = direct;
  p.warm_start = warm;
  return p;
}

// libsvm's stopping criterion at `s`: the maximal violating pair's gap, m(alpha) - M(alpha)
// (Fan, Chen and Lin 2005), computed in double precision from the table's single-precision Q.
double ViolatingPairGap(const KernelTable& k, const Eigen::VectorXd& y, const EpsilonSvrSolution& s,
                        double epsilon) {
  const Eigen::Index l = k.rows;
  std::vector<double> gradient(static_cast<size_t>(2 * l));
  for (Eigen::Index t = 0; t < 2 * l; ++t) {
    const double sign_t = t < l ? 1.0 : -1.0;
    const Eigen::Index row_t = t % l;
    double g = t < l ? epsilon - y(row_t) : epsilon + y(row_t);
    for (Eigen::Index u = 0; u < 2 * l; ++u) {
      const double a = s.alpha[static_cast<size_t>(u)];
      if (a == 0.0) continue;
      const double sign_u = u < l ? 1.0 : -1.0;
      const float q = k.values[static_cast<size_t>(row_t * l + u % l)];
      g += sign_t * sign_u * static_cast<double>(q) * a;
    }
    gradient[static_cast<size_t>(t)] = g;
  }
  double up = -std::numeric_limits<double>::infinity();  // max over I_up of -y_t G_t
  double low = std::numeric_limits<double>::infinity();  // min over I_low of -y_t G_t
  for (Eigen::Index t = 0; t < 2 * l; ++t) {
    const double sign = t < l ? 1.0 : -1.0;
    const double a = s.alpha[static_cast<size_t>(t)];
    const double v = -sign * gradient[static_cast<size_t>(t)];
    const bool below_c = a<s.c, above_0 = a> 0.0;
    if ((sign > 0 && below_c) || (sign < 0 && above_0)) up = std::max(up, v);
    if ((sign > 0 && above_0) || (sign < 0 && below_c)) low = std::min(low, v);
  }
  return up - low;
}

TEST(LibsvmSolverTest, FromZeroIsSvmTrainOnThePrecomputedKernelBitForBit) {
  if (!DirectSolverAvailable()) GTEST_SKIP() << "libsvm is not 3.24";
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  for (double c : {1.0, 100.0}) {
    for (double epsilon : {0.01, 0.1}) {
      SCOPED_TRACE("C " + std::to_string(c) + " epsilon " + std::to_string(epsilon));
      const std::string direct = LibsvmProblem(Params(c, epsilon, true, false), x, y)
                                     .Train(Params(c, epsilon, true, false));
      const std::string svm_train = LibsvmProblem(Params(c, epsilon, false, false), x, y)
                                        .Train(Params(c, epsilon, false, false));
      EXPECT_EQ(direct, svm_train);
    }
  }
}

TEST(LibsvmSolverTest, WarmStartMeetsTheStoppingCriterionAndPredictsAsFromZero) {
  if (!DirectSolverAvailable()) GTEST_SKIP() << "libsvm is not 3.24";
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  const KernelTable k = BuildKernelTable(KernelSpec{KernelKind::kRbf, 0.2, 3, 0.0}, x);
  const std::vector<double> labels(y.data(), y.data() + y.size());
  const double tol = 1e-3;
  EpsilonSvrSolution previous = SolveEpsilonSvr(k, labels, 1.0, 0.1, tol, true, nullptr, 8.0);
  for (double c : {10.0, 100.0}) {
    for (double epsilon : {0.1, 0.01}) {
      SCOPED_TRACE("C " + std::to_string(c) + " epsilon " + std::to_string(epsilon));
      EpsilonSvrSolution warm = SolveEpsilonSvr(k, labels, c, epsilon, tol, true, &previous, 8.0);
      EpsilonSvrSolution cold = SolveEpsilonSvr(k, labels, c, epsilon, tol, true, nullptr, 8.0);
      // Feasible, and optimal to libsvm's tolerance (a little slack: libsvm's gradient is updated
      // incrementally, ours is summed afresh).
      double up = 0.0, down = 0.0;
      for (size_t i = 0; i < labels.size(); ++i) {
        ASSERT_GE(warm.alpha[i], 0.0);
        ASSERT_LE(warm.alpha[i], c);
        up += warm.alpha[i];
        down += warm.alpha[i + labels.size()];
      }
      EXPECT_NEAR(up, down, 1e-9 * c * static_cast<double>(labels.size()));
      EXPECT_LT(ViolatingPairGap(k, y, warm, epsilon), 1.05 * tol);
      EXPECT_LT(ViolatingPairGap(k, y, cold, epsilon), 1.05 * tol);
      // The two solutions' functions agree on the training rows to well under epsilon.
      double worst = 0.0;
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        double fw = -warm.rho, fc = -cold.rho;
        for (Eigen::Index s = 0; s < x.rows(); ++s) {
          const double q = k.values[static_cast<size_t>(r * x.rows() + s)];
          const size_t i = static_cast<size_t>(s);
          fw += q * (warm.alpha[i] - warm.alpha[i + labels.size()]);
          fc += q * (cold.alpha[i] - cold.alpha[i + labels.size()]);
        }
        worst = std::max(worst, std::abs(fw - fc));
      }
      EXPECT_LT(worst, 5e-3);
      previous = warm;
    }
  }
}

// The column cache (svr_columns.h) changes the time, not the answer: the solver takes the same
// path, to the same alphas and rho bit for bit, with no cache, with two columns (an eviction on
// nearly every request), with a few dozen, and with all of them; from zero and from a warm start,
// with and without shrinking (which swaps variables under the cached columns).
TEST(LibsvmSolverTest, TheColumnCacheChangesNothingBitForBit) {
  if (!DirectSolverAvailable()) GTEST_SKIP() << "libsvm is not 3.24";
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  y += RandomMatrix(400, 1, 43, -0.5, 0.5).col(0);  // noisier: many multipliers at C
  const KernelTable k = BuildKernelTable(KernelSpec{KernelKind::kRbf, 0.5, 3, 0.0}, x);
  const std::vector<double> labels(y.data(), y.data() + y.size());
  const double tol = 1e-3;
  const double column_mb = 2.0 * static_cast<double>(x.rows()) * sizeof(float) / (1 << 20);
  const EpsilonSvrSolution start = SolveEpsilonSvr(k, labels, 1.0, 0.1, tol, true, nullptr, 0.0);
  ColumnCacheStats total;
  for (bool shrinking : {true, false}) {
    for (bool warm : {false, true}) {
      for (double c : {0.1, 1.0, 100.0}) {
        for (double epsilon : {0.01, 0.1}) {
          SCOPED_TRACE("shrinking " + std::to_string(shrinking) + " warm " + std::to_string(warm) +
                       " C " + std::to_string(c) + " epsilon " + std::to_string(epsilon));
          const EpsilonSvrSolution* from = warm && c >= 1.0 ? &start : nullptr;
          const EpsilonSvrSolution fresh =
              SolveEpsilonSvr(k, labels, c, epsilon, tol, shrinking, from, 0.0);
          for (double columns : {2.0, 37.0, 2.0 * static_cast<double>(x.rows())}) {
            SCOPED_TRACE(std::to_string(columns) + " columns");
            ColumnCacheStats stats;
            const EpsilonSvrSolution cached = SolveEpsilonSvr(k, labels, c, epsilon, tol, shrinking,
                                                              from, columns * column_mb, &stats);
            ASSERT_EQ(cached.alpha, fresh.alpha);
            ASSERT_EQ(cached.rho, fresh.rho);
            EXPECT_GT(stats.hits, 0);
            if (columns < 3.0) {
              EXPECT_GT(stats.evictions, 0);
            }
            total.requests += stats.requests;
            total.hits += stats.hits;
            total.extensions += stats.extensions;
            total.swaps += stats.swaps;
          }
        }
      }
    }
  }
  // The solves went through shrinking's swaps and extensions of shorter columns.
  EXPECT_GT(total.swaps, 1000);
  EXPECT_GT(total.extensions, 10);
}

// The working-set selections (svr_solver.h's AVX-512 and AVX2 ones, svr_selection.h, those the
// processor has) choose what libsvm's own Solver::select_working_set chooses, at every iteration:
// all run on each selection and any disagreement is counted. The data has exact ties (every row
// twice: equal gradients and equal columns, in the same vector lane) and a size that is no multiple
// of the vector width. Where the processor has AVX-512, its filter (which skips the division of
// blocks whose variables cannot be chosen) skipped most blocks in these solves, so its choices were
// checked mostly without the divisions it skips.
TEST(LibsvmSolverTest, TheWorkingSetIsLibsvmsOwnAtEveryIteration) {
  if (!DirectSolverAvailable()) GTEST_SKIP() << "libsvm is not 3.24";
  Eigen::MatrixXd x0;
  Eigen::VectorXd y0;
  Data(x0, y0);
  // Rows 0..199 twice, 200 apart (a multiple of 8: the twins start in the same vector lane),
  // then 3 more.
  const Eigen::Index half = 200, extra = 3;
  Eigen::MatrixXd x(2 * half + extra, x0.cols());
  Eigen::VectorXd y(2 * half + extra);
  x << x0.topRows(half), x0.topRows(half), x0.middleRows(half, extra);
  y << y0.head(half), y0.head(half), y0.segment(half, extra);
  const KernelTable k = BuildKernelTable(KernelSpec{KernelKind::kRbf, 0.5, 3, 0.0}, x);
  const std::vector<double> labels(y.data(), y.data() + y.size());
  const EpsilonSvrSolution start = SolveEpsilonSvr(k, labels, 1.0, 0.1, 1e-3, true, nullptr, 8.0);
  long selections = 0, blocks = 0, divided = 0;
  for (bool shrinking : {true, false}) {
    for (double c : {0.1, 1.0, 100.0}) {
      for (double epsilon : {0.01, 0.1}) {
        for (bool warm : {false, true}) {
          SCOPED_TRACE("shrinking " + std::to_string(shrinking) + " C " + std::to_string(c) +
                       " epsilon " + std::to_string(epsilon) + " warm " + std::to_string(warm));
          const EpsilonSvrSolution* from = warm && c >= 1.0 ? &start : nullptr;
          ColumnCacheStats stats;
          const EpsilonSvrSolution checked =
              SolveEpsilonSvr(k, labels, c, epsilon, 1e-3, shrinking, from, 8.0, &stats, true);
          EXPECT_EQ(stats.working_set_disagreements, 0);
          selections += stats.requests;
          blocks += stats.selection_blocks;
          divided += stats.selection_divided_blocks;
          const EpsilonSvrSolution plain =
              SolveEpsilonSvr(k, labels, c, epsilon, 1e-3, shrinking, from, 8.0);
          EXPECT_EQ(plain.alpha, checked.alpha);
          EXPECT_EQ(plain.rho, checked.rho);
        }
      }
    }
  }
  EXPECT_GT(selections, 10000);
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    EXPECT_GT(blocks, 100000);
    EXPECT_LT(divided, blocks / 2);
    EXPECT_GT(divided, 0);
  }
}

TEST(LibsvmSolverTest, ProblemWarmStartsFromTheLargestSmallerC) {
  if (!DirectSolverAvailable()) GTEST_SKIP() << "libsvm is not 3.24";
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  Data(x, y);
  // A problem's first Train is from zero; a smaller C than every kept solution is too (no
  // feasible start): both are bit for bit what a fresh problem gives.
  LibsvmProblem problem(Params(10.0, 0.1, true, true), x, y);
  auto fresh = [&](double c, double epsilon) {
    return LibsvmProblem(Params(c, epsilon, true, false), x, y)
        .Train(Params(c, epsilon, true, false));
  };
  EXPECT_EQ(problem.Train(Params(10.0, 0.1, true, true)), fresh(10.0, 0.1));
  EXPECT_EQ(problem.Train(Params(1.0, 0.1, true, true)), fresh(1.0, 0.1));
  // A larger C starts from a kept solution: another path to the same optimum.
  const std::string warm = problem.Train(Params(100.0, 0.01, true, true));
  const std::string cold = fresh(100.0, 0.01);
  Eigen::VectorXd pw = LibsvmModel::FromBytes(Params(100.0, 0.01, true, true), warm)->Predict(x);
  Eigen::VectorXd pc = LibsvmModel::FromBytes(Params(100.0, 0.01, true, true), cold)->Predict(x);
  EXPECT_LT((pw - pc).cwiseAbs().maxCoeff(), 5e-3);
  // Without warm starts the same problem answers as a fresh one.
  LibsvmProblem no_warm(Params(10.0, 0.1, true, false), x, y);
  no_warm.Train(Params(10.0, 0.1, true, false));
  EXPECT_EQ(no_warm.Train(Params(100.0, 0.01, true, false)), cold);
}

}  // namespace
}  // namespace twinprof::test
