// libsvm for epsilon-SVR, wrapped once: training (TrainLibsvm) and a fitted model held in our own
// arrays (LibsvmModel). Nothing else touches svm_model or svm_node. libsvm's progress output (it
// prints to stdout) is silenced.
//
// Speed: libsvm evaluates kernels one pair at a time (sparse dot products, one libm exp each,
// whose underflow path is slow on unscaled data). So training hands libsvm the whole kernel matrix
// as its PRECOMPUTED kernel, computed with Eigen (kernel_matrix.h), when that matrix fits the
// cache_mb budget, and prediction computes f(x) = K(x, SV) coef - rho with the same code. The
// solver and its answers are libsvm's; the kernel values differ from libsvm's by rounding only.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "model/regressors/kernel_matrix.h"

namespace twinprof::model::regressors {

struct LibsvmParams {
  std::string kernel = "rbf";  // linear, rbf, poly, sigmoid
  double c = 1.0;
  double epsilon = 0.1;
  double gamma = 1.0;  // a number: 'scale'/'auto' are resolved by the caller
  int degree = 3;
  double coef0 = 0.0;
  double tol = 1e-3;
  bool shrinking = true;
  // Memory for kernel values, in MB (2^20 bytes): the precomputed kernel matrix when it fits
  // (PrecomputesKernel), with what is left as libsvm's column cache (at least 1 MB); otherwise
  // all of it is libsvm's cache, as libsvm's own cache_size.
  double cache_mb = 200.0;
  // false: never precompute, libsvm evaluates the kernel itself (for tests and benchmarks).
  bool precompute = true;
  // With a precomputed kernel: run libsvm's Solver directly on a single-precision kernel matrix
  // (libsvm_solver.h; when the libsvm is 3.24), rather than svm_train on libsvm's PRECOMPUTED
  // form (false: for tests and benchmarks). Same answers from zero, a quarter of the memory, and
  // warm starts.
  bool direct_solver = true;
  // With the direct solver: LibsvmProblem::Train starts from the solution of an earlier Train()
  // on the same problem at the largest C no larger (libsvm_solver.h: a feasible start), which
  // needs far fewer of the solver's iterations at large C; false: always from zero.
  bool warm_start = true;
  // With the direct solver: memory for the solver's computed Q columns, in MB (2^20 bytes), on
  // top of the kernel matrix (libsvm_solver.h's column cache: the same answers, fewer gathers
  // from the matrix); 0: none.
  double column_cache_mb = 32.0;
};

// Whether TrainLibsvm hands libsvm a precomputed kernel matrix for `rows` training rows: when
// allowed and it fits in cache_mb: rows^2 floats for the direct solver, else libsvm's form of it,
// rows x (rows + 2) svm_node of 16 bytes (rows rounded up to even).
bool PrecomputesKernel(const LibsvmParams& params, Eigen::Index rows);

// A fitted epsilon-SVR: f(x) = sum_i coef_i K(sv_i, x) - rho.
class LibsvmModel {
 public:
  // Throws std::invalid_argument when coef and support vectors disagree in number, or on an
  // unknown kernel.
  LibsvmModel(LibsvmParams params, Eigen::MatrixXd support_vectors, Eigen::VectorXd coef,
              double rho);

  // One prediction per row, computed with Eigen in blocks of rows (memory bounded by about 2 MB
  // of kernel values). Rows must have support_vectors().cols() entries (any number when there
  // are no support vectors).
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const;

  // The same with libsvm's svm_predict, row by row: the reference Predict is tested against.
  Eigen::VectorXd PredictWithLibsvm(const Eigen::MatrixXd& x) const;

  const LibsvmParams& params() const { return params_; }
  const Eigen::MatrixXd& support_vectors() const { return support_vectors_; }
  const Eigen::VectorXd& coef() const { return coef_; }
  double rho() const { return rho_; }

  // Exact binary form of the fitted part (support vectors, coefficients, rho), for passing a
  // model between processes, and back. FromBytes throws std::runtime_error on a malformed buffer.
  std::string ToBytes() const;
  static std::unique_ptr<LibsvmModel> FromBytes(LibsvmParams params, const std::string& bytes);

 private:
  LibsvmParams params_;
  Eigen::MatrixXd support_vectors_;
  Eigen::VectorXd coef_;
  double rho_;
  KernelRows kernel_;  // K(., support vectors)
};

// Training data in libsvm's form, prepared once for training at several values of the
// parameters that do not change the kernel (C, epsilon, tol, shrinking): the precomputed kernel
// matrix when PrecomputesKernel() (about rows^2 x 16 bytes, the memory this object holds),
// otherwise the rows as libsvm nodes. Train() only reads it, so a forked child can train on the
// parent's copy without copying it.
class LibsvmProblem {
 public:
  // Copies x and y (as many rows) and builds the nodes for the kernel of `params`.
  LibsvmProblem(const LibsvmParams& params, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
  ~LibsvmProblem();
  LibsvmProblem(const LibsvmProblem&) = delete;
  LibsvmProblem& operator=(const LibsvmProblem&) = delete;

  // Whether Train(params) gives what training on a problem built for `params` would: the same
  // kernel with the same values of the parameters it uses (gamma; degree and coef0 for poly;
  // coef0 for sigmoid), the same cache_mb and precompute.
  bool Accepts(const LibsvmParams& params) const;

  // Trains epsilon-SVR with libsvm in this process and returns the fitted model in the binary
  // form of LibsvmModel::ToBytes(); the support vectors are rows of x, whichever way the kernel
  // was evaluated. Throws std::invalid_argument when !Accepts(params) or libsvm rejects the
  // parameters (svm_check_parameter's message). With the direct solver and params.warm_start,
  // keeps the solution for later calls' warm starts (the last 16, about 16 rows bytes each), so
  // the answer depends on the earlier calls on this object: not safe for concurrent calls.
  std::string Train(const LibsvmParams& params) const;

  // Whether the kernel matrix is precomputed.
  bool precomputed() const;
  const Eigen::MatrixXd& x() const { return x_; }

 private:
  struct Nodes;
  std::string TrainDirectly(const LibsvmParams& params) const;
  LibsvmParams built_for_;
  Eigen::MatrixXd x_;
  std::vector<double> labels_;
  std::unique_ptr<Nodes> nodes_;
};

// LibsvmProblem(params, x, y).Train(params).
std::string TrainLibsvm(const LibsvmParams& params, const Eigen::MatrixXd& x,
                        const Eigen::VectorXd& y);

// svm_check_parameter's complaint about `params`, or "" when libsvm accepts them.
std::string CheckLibsvmParams(const LibsvmParams& params);

}  // namespace twinprof::model::regressors
