#include "model/regressors/libsvm_model.h"

#include <svm.h>
#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include "model/regressors/libsvm_solver.h"

namespace twinprof::model::regressors {

namespace {

KernelKind ToKernelKind(const std::string& kernel) {
  if (kernel == "linear") return KernelKind::kLinear;
  if (kernel == "poly") return KernelKind::kPoly;
  if (kernel == "rbf") return KernelKind::kRbf;
  if (kernel == "sigmoid") return KernelKind::kSigmoid;
  throw std::invalid_argument("libsvm: unknown kernel '" + kernel + "'");
}

int KernelType(const std::string& kernel) {
  switch (ToKernelKind(kernel)) {
    case KernelKind::kLinear:
      return LINEAR;
    case KernelKind::kPoly:
      return POLY;
    case KernelKind::kRbf:
      return RBF;
    case KernelKind::kSigmoid:
      return SIGMOID;
  }
  return RBF;
}

KernelSpec ToKernelSpec(const LibsvmParams& p) {
  return KernelSpec{ToKernelKind(p.kernel), p.gamma, p.degree, p.coef0};
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

// Memory for `bytes` bytes on transparent huge pages where the system offers them (madvise
// mode): libsvm reads the precomputed kernel one entry per row, each row on another 4 KB page,
// and with 2 MB pages those reads stop missing the TLB. Plain pages otherwise.
struct HugePageBuffer {
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> memory;

  explicit HugePageBuffer(size_t bytes) {
    constexpr size_t kHuge = size_t{2} << 20;
    const size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
    memory.reset(std::aligned_alloc(kHuge, std::max(size, kHuge)));
    if (!memory) throw std::bad_alloc();
    madvise(memory.get(), std::max(size, kHuge), MADV_HUGEPAGE);  // advice: failure is harmless
  }
};

// The kernel matrix of x's rows in libsvm's PRECOMPUTED form, rows interleaved. libsvm reads
// K(x_i, x_j) as x[i][s_j].value, where s_j = x[j][0].value is row j's "serial number" (the
// documented form has s_j = j + 1 and rows one after the other). Computing one kernel column it
// reads every row's serial: a whole row apart, each of those reads misses the caches (about 20 ns
// each on the development machine, as much as the rest of the solver). So rows are interleaved
// in pairs: row i = 2q + r starts at node q W + r (W = 2 (l + 2)), s_j = 2 (j + 1), and
// K(x_i, x_j) sits at node q W + r + s_j. Two rows' serials share a cache line, and no two rows'
// entries collide (their offsets differ in parity). Read at its own offsets, each row is still
// {0, s_i}, {j + 1, K(x_i, x_j)} for every j, then {-1}; libsvm (3.24 to 3.37) reads nothing
// else of a precomputed problem during training. Pairs measured best on stereomatch (1934 rows:
// about 40% less time in libsvm's kernel lookups than no interleaving; 4 and 8 rows were slower).
constexpr size_t kInterleave = 2;

size_t PrecomputedNodes(Eigen::Index rows) {
  const size_t g = kInterleave;
  const size_t groups = (static_cast<size_t>(rows) + g - 1) / g;
  return groups * g * static_cast<size_t>(rows + 2);
}

struct PrecomputedRows {
  HugePageBuffer buffer;
  std::vector<svm_node*> rows;

  PrecomputedRows(const KernelSpec& spec, const Eigen::MatrixXd& x)
      : buffer(PrecomputedNodes(x.rows()) * sizeof(svm_node)) {
    const Eigen::Index l = x.rows();
    const size_t g = kInterleave;
    const size_t group_width = g * static_cast<size_t>(l + 2);
    // svm_node is an implicit-lifetime aggregate: the allocation holds an array of them, each
    // read by libsvm written below.
    svm_node* nodes = static_cast<svm_node*>(buffer.memory.get());
    rows.resize(static_cast<size_t>(l));
    KernelRows kernel(spec, x);
    // The matrix is symmetric: blocks of rows [first, first + count) are computed from the
    // diagonal on (about 2 MB of kernel values at a time), and their entries left of the
    // diagonal copied from the rows above, which hold them in their columns first.. .
    const Eigen::Index block =
        std::max<Eigen::Index>(1, (Eigen::Index{1} << 18) / std::max<Eigen::Index>(l, 1));
    auto row_at = [&](Eigen::Index i) {
      const size_t n = static_cast<size_t>(i);
      return nodes + n / g * group_width + n % g;
    };
    for (Eigen::Index first = 0; first < l; first += block) {
      const Eigen::Index count = std::min(block, l - first);
      Eigen::MatrixXd k = kernel.OwnLowerColumns(first, count);
      for (Eigen::Index i = 0; i < count; ++i) {
        svm_node* row = row_at(first + i);
        row[0] = svm_node{0, static_cast<double>(g * static_cast<size_t>(first + i + 1))};
        const double* column = k.col(i).data();
        for (Eigen::Index j = first; j < l; ++j) {
          row[g * static_cast<size_t>(j + 1)] =
              svm_node{static_cast<int>(j + 1), column[j - first]};
        }
        row[g * static_cast<size_t>(l + 1)] = svm_node{-1, 0.0};
        rows[static_cast<size_t>(first + i)] = row;
      }
      // Left of the diagonal, row by row of the rows above (reads along a row, writes to the
      // block's rows: both stay in cache).
      for (Eigen::Index j = 0; j < first; ++j) {
        const svm_node* above = row_at(j);
        for (Eigen::Index i = 0; i < count; ++i) {
          const size_t column = g * static_cast<size_t>(first + i + 1);
          rows[static_cast<size_t>(first + i)][g * static_cast<size_t>(j + 1)] =
              svm_node{static_cast<int>(j + 1), above[column].value};
        }
      }
    }
  }
};

constexpr double kMegabyte = 1 << 20;  // libsvm's unit of cache_size

// Bytes of the precomputed form for `rows` rows.
double PrecomputedBytes(Eigen::Index rows) {
  return static_cast<double>(PrecomputedNodes(rows)) * sizeof(svm_node);
}

using ModelPtr = std::unique_ptr<svm_model, void (*)(svm_model*)>;

ModelPtr TrainModel(const svm_problem& problem, const svm_parameter& param) {
  ModelPtr model(svm_train(&problem, &param), [](svm_model* m) { svm_free_and_destroy_model(&m); });
  if (!model) throw std::runtime_error("libsvm: training failed");
  return model;
}

void Append(std::string& out, const void* data, size_t size) {
  out.append(static_cast<const char*>(data), size);
}

bool SolvesDirectly(const LibsvmParams& params) {
  return params.precompute && params.direct_solver && DirectSolverAvailable();
}

// Bytes of the kernel matrix as training holds it for `rows` rows.
double KernelBytes(const LibsvmParams& params, Eigen::Index rows) {
  return SolvesDirectly(params) ? KernelTableBytes(rows) : PrecomputedBytes(rows);
}

}  // namespace

bool PrecomputesKernel(const LibsvmParams& params, Eigen::Index rows) {
  return params.precompute && KernelBytes(params, rows) <= params.cache_mb * kMegabyte;
}

LibsvmModel::LibsvmModel(LibsvmParams params, Eigen::MatrixXd support_vectors, Eigen::VectorXd coef,
                         double rho)
    : params_(std::move(params)),
      support_vectors_(std::move(support_vectors)),
      coef_(std::move(coef)),
      rho_(rho),
      kernel_(ToKernelSpec(params_), support_vectors_) {
  if (coef_.size() != support_vectors_.rows()) {
    throw std::invalid_argument("libsvm: as many coefficients as support vectors are needed");
  }
}

Eigen::VectorXd LibsvmModel::Predict(const Eigen::MatrixXd& x) const {
  Eigen::VectorXd out = Eigen::VectorXd::Constant(x.rows(), -rho_);
  const Eigen::Index l = support_vectors_.rows();
  if (l == 0) return out;
  const Eigen::Index block = std::max<Eigen::Index>(1, (Eigen::Index{1} << 18) / l);
  for (Eigen::Index first = 0; first < x.rows(); first += block) {
    const Eigen::Index count = std::min(block, x.rows() - first);
    out.segment(first, count).noalias() += kernel_.Compute(x.middleRows(first, count)) * coef_;
  }
  return out;
}

Eigen::VectorXd LibsvmModel::PredictWithLibsvm(const Eigen::MatrixXd& x) const {
  NodeRows sv(support_vectors_);
  double* coef_rows[1] = {const_cast<double*>(coef_.data())};
  double rho = rho_;
  svm_model model{};
  model.param = ToLibsvm(params_);
  model.nr_class = 2;
  model.l = static_cast<int>(support_vectors_.rows());
  model.SV = sv.rows.data();
  model.sv_coef = coef_rows;
  model.rho = &rho;
  model.free_sv = 0;  // never handed to svm_free_*: everything is owned here
  NodeRows rows(x);
  Eigen::VectorXd out(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    out(i) = svm_predict(&model, rows.rows[static_cast<size_t>(i)]);
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

struct LibsvmProblem::Nodes {
  // The kernel matrix for libsvm's Solver (SolvesDirectly), and the solutions of the earlier
  // Train() calls (warm starts), newest last.
  std::unique_ptr<KernelTable> table;
  std::vector<EpsilonSvrSolution> solutions;
  // Otherwise the training rows for svm_train point into one of these (the trained model points
  // into them too).
  std::unique_ptr<PrecomputedRows> precomputed;
  std::unique_ptr<NodeRows> plain;
};

LibsvmProblem::LibsvmProblem(const LibsvmParams& params, const Eigen::MatrixXd& x,
                             const Eigen::VectorXd& y)
    : built_for_(params),
      x_(x),
      labels_(y.data(), y.data() + y.size()),
      nodes_(std::make_unique<Nodes>()) {
  if (y.size() != x.rows()) {
    throw std::invalid_argument("libsvm: as many targets as rows of x are needed");
  }
  if (PrecomputesKernel(params, x.rows()) && SolvesDirectly(params)) {
    nodes_->table = std::make_unique<KernelTable>(BuildKernelTable(ToKernelSpec(params), x));
  } else if (PrecomputesKernel(params, x.rows())) {
    nodes_->precomputed = std::make_unique<PrecomputedRows>(ToKernelSpec(params), x);
  } else {
    nodes_->plain = std::make_unique<NodeRows>(x);
  }
}

LibsvmProblem::~LibsvmProblem() = default;

bool LibsvmProblem::precomputed() const {
  return nodes_->table != nullptr || nodes_->precomputed != nullptr;
}

bool LibsvmProblem::Accepts(const LibsvmParams& params) const {
  const LibsvmParams& b = built_for_;
  if (params.kernel != b.kernel || params.cache_mb != b.cache_mb ||
      params.precompute != b.precompute || params.direct_solver != b.direct_solver) {
    return false;
  }
  switch (ToKernelKind(params.kernel)) {
    case KernelKind::kLinear:
      return true;
    case KernelKind::kRbf:
      return params.gamma == b.gamma;
    case KernelKind::kPoly:
      return params.gamma == b.gamma && params.degree == b.degree && params.coef0 == b.coef0;
    case KernelKind::kSigmoid:
      return params.gamma == b.gamma && params.coef0 == b.coef0;
  }
  return false;
}

std::string LibsvmProblem::Train(const LibsvmParams& params) const {
  if (!Accepts(params)) {
    throw std::invalid_argument("libsvm: the problem was prepared for another kernel");
  }
  SilenceLibsvm();
  svm_parameter param = ToLibsvm(params);
  // libsvm takes non-const arrays (it reads them only): hand it copies of the small ones.
  std::vector<double> labels = labels_;
  std::vector<svm_node*> rows;
  if (nodes_->precomputed) rows = nodes_->precomputed->rows;
  if (nodes_->plain) rows = nodes_->plain->rows;
  svm_problem problem{};
  problem.l = static_cast<int>(x_.rows());
  problem.y = labels.data();
  problem.x = rows.data();
  if (const char* error = svm_check_parameter(&problem, &param)) {
    throw std::invalid_argument(std::string("libsvm: ") + error);
  }
  if (nodes_->table) return TrainDirectly(params);
  if (precomputed()) {
    param.kernel_type = PRECOMPUTED;
    param.cache_size = std::max(1.0, params.cache_mb - PrecomputedBytes(x_.rows()) / kMegabyte);
  }
  // The trained model points into the node rows; copy what it needs while they are here.
  ModelPtr model = TrainModel(problem, param);
  const int l = model->l;
  Eigen::MatrixXd sv(l, x_.cols());
  Eigen::VectorXd coef(l);
  for (int i = 0; i < l; ++i) {
    // sv_indices: 1-based rows of the problem, in order.
    sv.row(i) = x_.row(model->sv_indices[i] - 1);
    coef(i) = model->sv_coef[0][i];
  }
  return LibsvmModel(params, std::move(sv), std::move(coef), model->rho[0]).ToBytes();
}

std::string LibsvmProblem::TrainDirectly(const LibsvmParams& params) const {
  // The start: the kept solution at the largest C no larger than this one (feasible here), at
  // the nearest epsilon, the newest among equals.
  const EpsilonSvrSolution* start = nullptr;
  if (params.warm_start) {
    for (const EpsilonSvrSolution& s : nodes_->solutions) {
      if (s.c > params.c) continue;
      if (start == nullptr || s.c > start->c ||
          (s.c == start->c &&
           std::abs(s.epsilon - params.epsilon) <= std::abs(start->epsilon - params.epsilon))) {
        start = &s;
      }
    }
  }
  EpsilonSvrSolution solution =
      SolveEpsilonSvr(*nodes_->table, labels_, params.c, params.epsilon, params.tol,
                      params.shrinking, start, params.column_cache_mb);
  // As svm_train builds its model: the rows with a non-zero coefficient, in order.
  const Eigen::Index l = x_.rows();
  std::vector<Eigen::Index> support;
  for (Eigen::Index i = 0; i < l; ++i) {
    const size_t r = static_cast<size_t>(i);
    if (solution.alpha[r] - solution.alpha[r + static_cast<size_t>(l)] != 0.0) support.push_back(i);
  }
  Eigen::MatrixXd sv(static_cast<Eigen::Index>(support.size()), x_.cols());
  Eigen::VectorXd coef(sv.rows());
  for (Eigen::Index k = 0; k < sv.rows(); ++k) {
    const size_t r = static_cast<size_t>(support[static_cast<size_t>(k)]);
    sv.row(k) = x_.row(support[static_cast<size_t>(k)]);
    coef(k) = solution.alpha[r] - solution.alpha[r + static_cast<size_t>(l)];
  }
  const double rho = solution.rho;
  constexpr size_t kKeptSolutions = 16;
  if (params.warm_start) {
    if (nodes_->solutions.size() == kKeptSolutions)
      nodes_->solutions.erase(nodes_->solutions.begin());
    nodes_->solutions.push_back(std::move(solution));
  }
  return LibsvmModel(params, std::move(sv), std::move(coef), rho).ToBytes();
}

std::string TrainLibsvm(const LibsvmParams& params, const Eigen::MatrixXd& x,
                        const Eigen::VectorXd& y) {
  return LibsvmProblem(params, x, y).Train(params);
}

}  // namespace twinprof::model::regressors
