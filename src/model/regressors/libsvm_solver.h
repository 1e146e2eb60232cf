// libsvm's own SMO solver (its Solver class) run on a kernel matrix held here, from a chosen
// starting point: epsilon-SVR's dual solved exactly as libsvm's svm_train solves it, but able to
// start from the solution at another C or epsilon (a warm start) instead of from zero.
//
// Why: in a hyperparameter search, libsvm's solver is nearly all of SVR's time (select_working_set
// and SVR_Q::get_Q, once per SMO iteration), and at large C on standardised data it needs hundreds
// of thousands of iterations from zero (scikit-learn's SVR runs the same solver the same number of
// times). The solution at a smaller C with the same kernel is a feasible start for a larger C (the
// box only grows, the equality constraint holds), and libsvm's Solver::Solve takes any feasible
// start ("given ... an initial feasible point alpha"). svm.h has no way to pass one, so this file
// declares libsvm 3.24's Solver and QMatrix classes (which libsvm.so exports; their layout checked
// against Debian's libsvm3 3.24+ds-6) and calls Solver::Solve itself. It runs only when the libsvm
// at build and at run time is 3.24 (DirectSolverAvailable()); otherwise callers use svm_train.
//
// The solver asks for a column of Q twice per iteration; computing one is a gather from the table
// in the solver's current order of the variables. Computed columns are kept in a bounded LRU
// cache that follows that order as the solver reorders (svr_columns.h). The solver's working-set
// selection, then most of its time, runs vectorised where the processor allows, choosing what
// libsvm's own chooses (svr_solver.h).
//
// From zero, SolveEpsilonSvr gives bit for bit what svm_train gives on the same kernel values
// handed to it as a PRECOMPUTED kernel (the same Solver, the same single-precision Q columns, the
// same diagonal). From a warm start it stops at libsvm's own criterion (the maximal violating
// pair's gap below tol) on another path: a solution of the same problem to the same tolerance,
// not the same bits.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "model/regressors/kernel_matrix.h"

namespace twinprof::model::regressors {

// libsvm prints progress to stdout unless given another print function (a libsvm-wide setting):
// makes it print nothing, once per process.
void SilenceLibsvm();

// Whether SolveEpsilonSvr can run: the libsvm headers built against and the library loaded are
// both 3.24, the version whose Solver this file declares.
bool DirectSolverAvailable();

// A symmetric kernel matrix of `rows` training rows, as libsvm's solver reads it: the values in
// single precision (libsvm's Qfloat), row-major, and the diagonal in double precision.
struct KernelTable {
  Eigen::Index rows = 0;
  std::vector<float> values;     // rows * rows
  std::vector<double> diagonal;  // rows
};

// The kernel matrix of x's rows (kernel_matrix.h, computed in blocks of about 2 MB of double
// values from the diagonal down and mirrored): about rows^2 x 4 bytes.
KernelTable BuildKernelTable(const KernelSpec& spec, const Eigen::MatrixXd& x);

// Bytes BuildKernelTable holds for `rows` rows.
double KernelTableBytes(Eigen::Index rows);

// A solution of epsilon-SVR's dual in libsvm's form: alpha[i] and alpha[rows + i] are row i's
// multipliers for y_i + epsilon and y_i - epsilon (the function's coefficient of row i is
// alpha[i] - alpha[rows + i]); rho as libsvm's model holds it (f(x) = sum coef K - rho).
struct EpsilonSvrSolution {
  double c = 0.0;
  double epsilon = 0.0;
  std::vector<double> alpha;  // 2 * rows
  double rho = 0.0;
};

// What the column cache of one SolveEpsilonSvr did (for tests and measurements): get_Q requests,
// those answered without computing any value (hits), those that extended a shorter cached column,
// columns evicted, variables swapped by the solver's shrinking, and cached columns cut short by a
// swap (their entries past the first swapped position are filled again when asked for).
struct ColumnCacheStats {
  long requests = 0, hits = 0, extensions = 0, evictions = 0, swaps = 0, truncations = 0;
  // With check_working_set: selections where ours and libsvm's own disagreed (always 0).
  long working_set_disagreements = 0;
  // The AVX-512 working-set selection's second pass (when the processor has AVX-512): blocks of 8
  // variables examined, and those divided (the others skipped by its exact filter, svr_solver.h).
  long selection_blocks = 0, selection_divided_blocks = 0;
};

// Solves epsilon-SVR on kernel `k` and targets `y` with libsvm's Solver (C, epsilon, stopping
// tolerance tol, shrinking heuristics), as libsvm's solve_epsilon_svr does, starting from `start`
// when given (its alpha must be feasible for c: each in [0, c] and the two halves of equal sum,
// which any solution at a C no larger than c is) and from zero otherwise. The solver's Q columns
// (2 x rows floats each) are kept in a cache of at most `column_cache_mb` MB (2^20 bytes; at
// least two columns, at most all 2 x rows; 0: none, every column is computed afresh from the
// table each time it is asked for): it changes the time, never the answer (its columns hold
// what a fresh computation gives, bit for bit).
// When `stats` is given, it receives what the cache did. Throws std::logic_error when
// !DirectSolverAvailable() or the sizes disagree.
EpsilonSvrSolution SolveEpsilonSvr(const KernelTable& k, const std::vector<double>& y, double c,
                                   double epsilon, double tol, bool shrinking,
                                   const EpsilonSvrSolution* start, double column_cache_mb,
                                   ColumnCacheStats* stats = nullptr,
                                   bool check_working_set = false);

}  // namespace twinprof::model::regressors
