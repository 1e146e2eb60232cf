#include "model/regressors/nnls_solver.h"

#include <limits>
#include <stdexcept>
#include <vector>

namespace twinprof::model::regressors {

namespace {

// Least squares restricted to the columns in `passive`; the other entries are zero.
Eigen::VectorXd SolvePassive(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                             const std::vector<bool>& passive) {
  std::vector<Eigen::Index> columns;
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    if (passive[static_cast<size_t>(j)]) columns.push_back(j);
  }
  Eigen::MatrixXd sub(a.rows(), static_cast<Eigen::Index>(columns.size()));
  for (size_t k = 0; k < columns.size(); ++k)
    sub.col(static_cast<Eigen::Index>(k)) = a.col(columns[k]);
  Eigen::VectorXd z = sub.completeOrthogonalDecomposition().solve(b);
  Eigen::VectorXd full = Eigen::VectorXd::Zero(a.cols());
  for (size_t k = 0; k < columns.size(); ++k) full(columns[k]) = z(static_cast<Eigen::Index>(k));
  return full;
}

}  // namespace

NnlsResult SolveNnls(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, int max_iterations) {
  if (a.rows() != b.size()) throw std::invalid_argument("NNLS: A and b have different row counts");
  const Eigen::Index n = a.cols();
  if (max_iterations <= 0) max_iterations = static_cast<int>(3 * n);
  const double tol = 10.0 * std::numeric_limits<double>::epsilon() *
                     a.cwiseAbs().colwise().sum().maxCoeff() *
                     static_cast<double>(std::max(a.rows(), n));

  NnlsResult result;
  result.x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(static_cast<size_t>(n), false);
  Eigen::VectorXd& x = result.x;
  Eigen::VectorXd w = a.transpose() * (b - a * x);

  while (result.iterations < max_iterations) {
    // The most promising variable still held at zero.
    Eigen::Index best = -1;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!passive[static_cast<size_t>(j)] && w(j) > tol && (best < 0 || w(j) > w(best))) best = j;
    }
    if (best < 0) {
      result.converged = true;
      return result;
    }
    ++result.iterations;
    passive[static_cast<size_t>(best)] = true;

    // Inner loop: step toward the unconstrained solution on the passive set, stopping at the
    // first bound, until that solution is feasible.
    for (Eigen::Index inner = 0; inner <= 3 * n; ++inner) {
      Eigen::VectorXd s = SolvePassive(a, b, passive);
      bool feasible = true;
      double step = 1.0;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (passive[static_cast<size_t>(j)] && s(j) <= tol) {
          feasible = false;
          step = std::min(step, x(j) / (x(j) - s(j)));
        }
      }
      if (feasible) {
        x = s;
        break;
      }
      x += step * (s - x);
      for (Eigen::Index j = 0; j < n; ++j) {
        if (passive[static_cast<size_t>(j)] && x(j) <= tol) {
          passive[static_cast<size_t>(j)] = false;
          x(j) = 0.0;
        }
      }
    }
    w = a.transpose() * (b - a * x);
  }
  // Out of iterations: x is feasible but may not be optimal.
  for (Eigen::Index j = 0; j < n; ++j) {
    if (!passive[static_cast<size_t>(j)] && w(j) > tol) return result;
  }
  result.converged = true;
  return result;
}

}  // namespace twinprof::model::regressors
