#include "model/regressors/kernel_matrix.h"

#include <cmath>
#include <limits>

namespace twinprof::model::regressors {

namespace {

// Below this exponent exp is not a normal double: the kernel value is 0 there (libm would give a
// subnormal number or 0, through its slow underflow path; Eigen's vectorised exp is no faster than
// libm without AVX, and slower still where it returns subnormal numbers). On unscaled data most
// rbf values are there, so testing first also saves most exp calls.
const double kExpFloor = std::log(std::numeric_limits<double>::min());

}  // namespace

KernelRows::KernelRows(const KernelSpec& spec, const Eigen::MatrixXd& b) : spec_(spec), b_(b) {
  if (spec_.kind == KernelKind::kRbf) {
    shift_ = b_.rows() > 0 ? Eigen::RowVectorXd(b_.colwise().mean())
                           : Eigen::RowVectorXd::Zero(b_.cols());
    b_.rowwise() -= shift_;
    b_norms_ = b_.rowwise().squaredNorm();
  }
}

void KernelRows::Finish(Eigen::MatrixXd& k, const Eigen::Ref<const Eigen::VectorXd>& row_norms,
                        const Eigen::Ref<const Eigen::VectorXd>& col_norms) const {
  switch (spec_.kind) {
    case KernelKind::kLinear:
      return;
    case KernelKind::kRbf:
      // k holds a.b; make it -gamma |a - b|^2, then exp.
      k.array() = (((-2.0 * k.array()).colwise() + row_norms.array()).rowwise() +
                   col_norms.transpose().array())
                      .max(0.0) *
                  -spec_.gamma;
      for (double& v : k.reshaped()) v = v < kExpFloor ? 0.0 : std::exp(v);
      return;
    case KernelKind::kPoly: {
      // libsvm's powi: exponentiation by squaring, the same products in the same order.
      k.array() = spec_.gamma * k.array() + spec_.coef0;
      Eigen::MatrixXd power = Eigen::MatrixXd::Ones(k.rows(), k.cols());
      for (int t = spec_.degree; t > 0; t /= 2) {
        if (t % 2 == 1) power.array() *= k.array();
        k.array() = k.array().square();
      }
      k.swap(power);
      return;
    }
    case KernelKind::kSigmoid:
      k.array() = (spec_.gamma * k.array() + spec_.coef0).tanh();
      return;
  }
}

Eigen::MatrixXd KernelRows::Compute(const Eigen::Ref<const Eigen::MatrixXd>& a) const {
  Eigen::MatrixXd k(a.rows(), b_.rows());
  if (spec_.kind == KernelKind::kRbf) {
    Eigen::MatrixXd shifted = a.rowwise() - shift_;
    k.noalias() = shifted * b_.transpose();
    Finish(k, shifted.rowwise().squaredNorm(), b_norms_);
  } else {
    k.noalias() = a * b_.transpose();
    Finish(k, Eigen::VectorXd(), Eigen::VectorXd());
  }
  return k;
}

Eigen::MatrixXd KernelRows::OwnLowerColumns(Eigen::Index first, Eigen::Index count) const {
  const Eigen::Index below = b_.rows() - first;
  Eigen::MatrixXd k(below, count);
  k.noalias() = b_.bottomRows(below) * b_.middleRows(first, count).transpose();
  if (spec_.kind == KernelKind::kRbf) {
    Finish(k, b_norms_.tail(below), b_norms_.segment(first, count));
    for (Eigen::Index i = 0; i < count; ++i) k(i, i) = 1.0;
  } else {
    Finish(k, Eigen::VectorXd(), Eigen::VectorXd());
  }
  return k;
}

Eigen::MatrixXd KernelMatrix(const KernelSpec& spec, const Eigen::MatrixXd& a,
                             const Eigen::MatrixXd& b) {
  return KernelRows(spec, b).Compute(a);
}

}  // namespace twinprof::model::regressors
