// Non-negative least squares: min ||A x - b||² subject to x >= 0, by the active-set method of
// Lawson and Hanson (Solving Least Squares Problems, 1974, chapter 23), the algorithm behind
// scipy.optimize.nnls. Written on Eigen because Debian's Eigen 3.4 has no NNLS module.
#pragma once

#include <Eigen/Dense>

namespace twinprof::model::regressors {

struct NnlsResult {
  Eigen::VectorXd x;       // the solution, every entry >= 0
  int iterations = 0;      // outer iterations (one per variable freed)
  bool converged = false;  // false when max_iterations was reached first
};

// Solves min ||a x - b||², x >= 0. `max_iterations` <= 0 means 3 * a.cols() (scipy's default).
// Throws std::invalid_argument when a and b disagree.
NnlsResult SolveNnls(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, int max_iterations = 0);

}  // namespace twinprof::model::regressors
