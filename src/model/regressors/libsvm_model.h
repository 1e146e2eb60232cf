// libsvm for epsilon-SVR, wrapped once: training (TrainLibsvm) and a fitted model held in our own
// arrays (LibsvmModel) that libsvm predicts with. Nothing else touches svm_model or svm_node.
// libsvm's progress output (it prints to stdout) is silenced.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

namespace twinprof {

struct LibsvmParams {
  std::string kernel = "rbf";  // linear, rbf, poly, sigmoid
  double c = 1.0;
  double epsilon = 0.1;
  double gamma = 1.0;  // a number: 'scale'/'auto' are resolved by the caller
  int degree = 3;
  double coef0 = 0.0;
  double tol = 1e-3;
  bool shrinking = true;
  double cache_mb = 200.0;
};

// A fitted epsilon-SVR: f(x) = sum_i coef_i K(sv_i, x) - rho.
class LibsvmModel {
 public:
  LibsvmModel(LibsvmParams params, Eigen::MatrixXd support_vectors, Eigen::VectorXd coef,
              double rho);
  ~LibsvmModel();
  LibsvmModel(const LibsvmModel&) = delete;
  LibsvmModel& operator=(const LibsvmModel&) = delete;

  // One prediction per row (libsvm's svm_predict). Rows must have support_vectors().cols()
  // entries (any number when there are no support vectors).
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const;

  const LibsvmParams& params() const { return params_; }
  const Eigen::MatrixXd& support_vectors() const { return support_vectors_; }
  const Eigen::VectorXd& coef() const { return coef_; }
  double rho() const { return rho_; }

  // Exact binary form of the fitted part (support vectors, coefficients, rho), for passing a
  // model between processes, and back. FromBytes throws std::runtime_error on a malformed buffer.
  std::string ToBytes() const;
  static std::unique_ptr<LibsvmModel> FromBytes(LibsvmParams params, const std::string& bytes);

 private:
  struct LibsvmView;  // svm_model and svm_node arrays pointing into the members below

  LibsvmParams params_;
  Eigen::MatrixXd support_vectors_;
  Eigen::VectorXd coef_;
  double rho_;
  std::unique_ptr<LibsvmView> view_;
};

// Trains epsilon-SVR on (x, y) with libsvm in this process and returns the fitted model in the
// binary form of LibsvmModel::ToBytes(). Throws std::invalid_argument when libsvm rejects the
// parameters (svm_check_parameter's message).
std::string TrainLibsvm(const LibsvmParams& params, const Eigen::MatrixXd& x,
                        const Eigen::VectorXd& y);

// svm_check_parameter's complaint about `params`, or "" when libsvm accepts them.
std::string CheckLibsvmParams(const LibsvmParams& params);

}  // namespace twinprof
