// Kernel matrices of libsvm's four kernels, computed with Eigen: blocked matrix products instead
// of libsvm's one-pair-at-a-time sparse dot products, and no exp call where it would underflow.
// Used to hand libsvm a precomputed kernel for training and to predict without svm_predict
// (libsvm_model.h).
//
//   linear   K(a, b) = a.b
//   poly     K(a, b) = (gamma a.b + coef0)^degree        (integer power by squaring, as libsvm)
//   rbf      K(a, b) = exp(-gamma |a - b|^2)
//   sigmoid  K(a, b) = tanh(gamma a.b + coef0)
//
// rbf distances come from |a - b|^2 = |a|^2 + |b|^2 - 2 a.b (as libsvm's own training does), with
// both sides shifted by the column means of B first (distances do not change; the squared norms,
// and so the rounding of the difference, get much smaller on unscaled data) and clamped at >= 0.
// rbf values are 0 where exp's result would be below the smallest normal double (DBL_MIN; libm's
// exp gives a subnormal number or 0 there).
#pragma once

#include <Eigen/Dense>

namespace twinprof::model::regressors {

enum class KernelKind { kLinear, kPoly, kRbf, kSigmoid };

struct KernelSpec {
  KernelKind kind = KernelKind::kRbf;
  double gamma = 1.0;
  int degree = 3;  // poly only; >= 0
  double coef0 = 0.0;
};

// The right-hand side B of K(A, B), prepared once (shifted copy and squared norms for rbf) for
// computing K against many blocks of left-hand rows. Holds a copy of B.
class KernelRows {
 public:
  KernelRows(const KernelSpec& spec, const Eigen::MatrixXd& b);

  // K(a, B): a.rows() x rows(). `a` must have cols() columns.
  Eigen::MatrixXd Compute(const Eigen::Ref<const Eigen::MatrixXd>& a) const;

  // K(B[first .. rows()), B[first .. first + count)): (rows() - first) x count, the part on and
  // below the diagonal of columns first.. of B's own (symmetric) kernel matrix; column-major, so
  // column i holds entries first.. of row first + i of that matrix, contiguous. For rbf the
  // diagonal entries are exactly 1 (no rounding residue from the distance formula).
  Eigen::MatrixXd OwnLowerColumns(Eigen::Index first, Eigen::Index count) const;

  Eigen::Index rows() const { return b_.rows(); }
  Eigen::Index cols() const { return b_.cols(); }

 private:
  // Turns dot products `k` into kernel values; for rbf, `row_norms` and `col_norms` are the
  // squared norms of the (shifted) vectors behind k's rows and columns.
  void Finish(Eigen::MatrixXd& k, const Eigen::Ref<const Eigen::VectorXd>& row_norms,
              const Eigen::Ref<const Eigen::VectorXd>& col_norms) const;

  KernelSpec spec_;
  Eigen::RowVectorXd shift_;  // rbf: column means of B; otherwise empty
  Eigen::MatrixXd b_;         // B, shifted for rbf
  Eigen::VectorXd b_norms_;   // rbf: squared norms of the rows of b_
};

// K(A, B) in one call.
Eigen::MatrixXd KernelMatrix(const KernelSpec& spec, const Eigen::MatrixXd& a,
                             const Eigen::MatrixXd& b);

}  // namespace twinprof::model::regressors
