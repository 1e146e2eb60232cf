#include "model/regressors/libsvm_model.h"

#include <svm.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace twinprof {

namespace {

void Quiet(const char*) {}

// libsvm prints progress to stdout unless given another print function (a libsvm-wide setting).
void SilenceLibsvm() {
  static std::once_flag once;
  std::call_once(once, [] { svm_set_print_string_function(&Quiet); });
}

int KernelType(const std::string& kernel) {
  if (kernel == "linear") return LINEAR;
  if (kernel == "poly") return POLY;
  if (kernel == "rbf") return RBF;
  if (kernel == "sigmoid") return SIGMOID;
  throw std::invalid_argument("libsvm: unknown kernel '" + kernel + "'");
}

svm_parameter ToLibsvm(const LibsvmParams& p) {
  svm_parameter param{};
  param.svm_type = EPSILON_SVR;
  param.kernel_type = KernelType(p.kernel);
  param.degree = p.degree;
  param.gamma = p.gamma;
  param.coef0 = p.coef0;
  param.cache_size = p.cache_mb;
  param.eps = p.tol;
  param.C = p.c;
  param.nr_weight = 0;
  param.weight_label = nullptr;
  param.weight = nullptr;
  param.nu = 0.5;
  param.p = p.epsilon;
  param.shrinking = p.shrinking ? 1 : 0;
  param.probability = 0;
  return param;
}

// Dense rows as libsvm node lists (index 1..d, then -1), all in one array.
struct NodeRows {
  std::vector<svm_node> nodes;
  std::vector<svm_node*> rows;

  explicit NodeRows(const Eigen::MatrixXd& x) {
    const Eigen::Index d = x.cols();
    nodes.resize(static_cast<size_t>(x.rows() * (d + 1)));
    rows.resize(static_cast<size_t>(x.rows()));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      svm_node* row = &nodes[static_cast<size_t>(i * (d + 1))];
      for (Eigen::Index j = 0; j < d; ++j) row[j] = svm_node{static_cast<int>(j + 1), x(i, j)};
      row[d] = svm_node{-1, 0.0};
      rows[static_cast<size_t>(i)] = row;
    }
  }
};

void Append(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

}  // namespace

struct LibsvmModel::LibsvmView {
  NodeRows sv;
  std::vector<double*> coef_rows;
  svm_model model{};

  explicit LibsvmView(const Eigen::MatrixXd& support_vectors) : sv(support_vectors) {}
};

LibsvmModel::LibsvmModel(LibsvmParams params, Eigen::MatrixXd support_vectors, Eigen::VectorXd coef,
                         double rho)
    : params_(std::move(params)),
      support_vectors_(std::move(support_vectors)),
      coef_(std::move(coef)),
      rho_(rho) {
  if (coef_.size() != support_vectors_.rows()) {
    throw std::invalid_argument("libsvm: as many coefficients as support vectors are needed");
  }
  view_ = std::make_unique<LibsvmView>(support_vectors_);
  view_->coef_rows = {coef_.data()};
  svm_model& m = view_->model;
  m.param = ToLibsvm(params_);
  m.nr_class = 2;
  m.l = static_cast<int>(support_vectors_.rows());
  m.SV = view_->sv.rows.data();
  m.sv_coef = view_->coef_rows.data();
  m.rho = &rho_;
  m.free_sv = 0;  // never handed to svm_free_*: everything is owned here
}

LibsvmModel::~LibsvmModel() = default;

Eigen::VectorXd LibsvmModel::Predict(const Eigen::MatrixXd& x) const {
  NodeRows rows(x);
  Eigen::VectorXd out(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    out(i) = svm_predict(&view_->model, rows.rows[static_cast<size_t>(i)]);
  }
  return out;
}

std::string LibsvmModel::ToBytes() const {
  std::string out;
  int64_t shape[2] = {support_vectors_.rows(), support_vectors_.cols()};
  Append(out, shape, sizeof shape);
  Append(out, &rho_, sizeof rho_);
  Append(out, coef_.data(), sizeof(double) * static_cast<size_t>(coef_.size()));
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = support_vectors_;
  Append(out, rows.data(), sizeof(double) * static_cast<size_t>(rows.size()));
  return out;
}

std::unique_ptr<LibsvmModel> LibsvmModel::FromBytes(LibsvmParams params, const std::string& bytes) {
  int64_t shape[2];
  double rho = 0.0;
  if (bytes.size() < sizeof shape + sizeof rho) throw std::runtime_error("libsvm: short model");
  std::memcpy(shape, bytes.data(), sizeof shape);
  std::memcpy(&rho, bytes.data() + sizeof shape, sizeof rho);
  const int64_t l = shape[0], d = shape[1];
  if (l < 0 || d < 0 || l > (int64_t{1} << 31) || d > (int64_t{1} << 31) ||
      bytes.size() !=
          sizeof shape + sizeof rho + sizeof(double) * static_cast<size_t>(l * (d + 1))) {
    throw std::runtime_error("libsvm: malformed model bytes");
  }
  const char* p = bytes.data() + sizeof shape + sizeof rho;
  Eigen::VectorXd coef(l);
  std::memcpy(coef.data(), p, sizeof(double) * static_cast<size_t>(l));
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows(l, d);
  std::memcpy(rows.data(), p + sizeof(double) * static_cast<size_t>(l),
              sizeof(double) * static_cast<size_t>(l * d));
  return std::make_unique<LibsvmModel>(std::move(params), Eigen::MatrixXd(rows), std::move(coef),
                                       rho);
}

std::string CheckLibsvmParams(const LibsvmParams& params) {
  svm_parameter param = ToLibsvm(params);
  svm_problem empty{};
  const char* error = svm_check_parameter(&empty, &param);
  return error ? error : "";
}

std::string TrainLibsvm(const LibsvmParams& params, const Eigen::MatrixXd& x,
                        const Eigen::VectorXd& y) {
  SilenceLibsvm();
  svm_parameter param = ToLibsvm(params);
  NodeRows rows(x);
  std::vector<double> labels(y.data(), y.data() + y.size());
  svm_problem problem{};
  problem.l = static_cast<int>(x.rows());
  problem.y = labels.data();
  problem.x = rows.rows.data();
  if (const char* error = svm_check_parameter(&problem, &param)) {
    throw std::invalid_argument(std::string("libsvm: ") + error);
  }
  // The trained model points into `rows`; copy what it needs before either goes away.
  std::unique_ptr<svm_model, void (*)(svm_model*)> model(
      svm_train(&problem, &param), [](svm_model* m) { svm_free_and_destroy_model(&m); });
  if (!model) throw std::runtime_error("libsvm: training failed");
  const int l = model->l;
  Eigen::MatrixXd sv = Eigen::MatrixXd::Zero(l, x.cols());
  Eigen::VectorXd coef(l);
  for (int i = 0; i < l; ++i) {
    for (const svm_node* node = model->SV[i]; node->index != -1; ++node) {
      sv(i, node->index - 1) = node->value;
    }
    coef(i) = model->sv_coef[0][i];
  }
  return LibsvmModel(params, std::move(sv), std::move(coef), model->rho[0]).ToBytes();
}

}  // namespace twinprof
