#include "model/regressors/libsvm_solver.h"

#include <svm.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <utility>

// libsvm 3.24's internal classes, declared as its svm.cpp declares them (names, virtual functions
// in order, data members in order): libsvm.so defines and exports their functions and vtables,
// and Solver::Solve is called on an object laid out here. Verified against Debian's libsvm3
// 3.24+ds-6 (Solver::swap_index reads Q at offset 0x30, p at 0x58, active_set at 0x60, G_bar at
// 0x68; QMatrix's third virtual function is swap_index). Used only when the library says it is
// 3.24 (DirectSolverAvailable); they must stay in the global namespace to name libsvm's symbols.
typedef float Qfloat;
typedef signed char schar;

class QMatrix {
 public:
  virtual Qfloat* get_Q(int column, int len) const = 0;
  virtual double* get_QD() const = 0;
  virtual void swap_index(int i, int j) const = 0;
  virtual ~QMatrix() {}
};

class Solver {
 public:
  Solver() {}
  virtual ~Solver() {}

  struct SolutionInfo {
    double obj;
    double rho;
    double upper_bound_p;
    double upper_bound_n;
    double r;
  };

  void Solve(int l, const QMatrix& Q, const double* p_, const schar* y_, double* alpha_, double Cp,
             double Cn, double eps, SolutionInfo* si, int shrinking);

 protected:
  int active_size;
  schar* y;
  double* G;
  char* alpha_status;
  double* alpha;
  const QMatrix* Q;
  const double* QD;
  double eps;
  double Cp, Cn;
  double* p;
  int* active_set;
  double* G_bar;
  int l;
  bool unshrink;

  void swap_index(int i, int j);
  void reconstruct_gradient();
  virtual int select_working_set(int& i, int& j);
  virtual double calculate_rho();
  virtual void do_shrinking();

 private:
  bool be_shrunk(int i, double Gmax1, double Gmax2);
};

static_assert(sizeof(Solver) == 0x78, "libsvm 3.24's Solver is 120 bytes on x86-64");

namespace twinprof::model::regressors {

namespace {

// epsilon-SVR's Q over its 2 l variables, as libsvm's SVR_Q: Q[s][t] = sign_s sign_t K[s mod l]
// [t mod l], read from the table instead of libsvm's kernel cache, in the solver's current order of
// the variables (swap_index follows its shrinking). The solver holds at most two columns at once,
// so there are two buffers; a request for a column a buffer already holds (at least as long)
// returns that buffer instead of filling it again: libsvm's select_working_set and the update
// after it ask for the same column in turn, and those refills were a third of the solver's time.
class SvrQ final : public QMatrix {
 public:
  explicit SvrQ(const KernelTable& k)
      : l_(static_cast<int>(k.rows)),
        values_(k.values.data()),
        sign_(static_cast<size_t>(2 * l_)),
        index_(static_cast<size_t>(2 * l_)),
        qd_(static_cast<size_t>(2 * l_)) {
    for (int i = 0; i < l_; ++i) {
      sign_[static_cast<size_t>(i)] = 1.0f;
      sign_[static_cast<size_t>(i + l_)] = -1.0f;
      index_[static_cast<size_t>(i)] = i;
      index_[static_cast<size_t>(i + l_)] = i;
      qd_[static_cast<size_t>(i)] = k.diagonal[static_cast<size_t>(i)];
      qd_[static_cast<size_t>(i + l_)] = qd_[static_cast<size_t>(i)];
    }
    for (Buffer& b : buffers_) b.values.resize(static_cast<size_t>(2 * l_));
  }

  Qfloat* get_Q(int i, int len) const override {
    for (int b = 0; b < 2; ++b) {
      if (buffers_[b].column == i && buffers_[b].length >= len) {
        last_ = b;
        return buffers_[b].values.data();
      }
    }
    last_ = 1 - last_;  // the buffer not handed out last
    Buffer& buffer = buffers_[last_];
    buffer.column = i;
    buffer.length = len;
    const float* row =
        values_ + static_cast<size_t>(index_[static_cast<size_t>(i)]) * static_cast<size_t>(l_);
    const Qfloat si = sign_[static_cast<size_t>(i)];
    const float* sign = sign_.data();
    const int* index = index_.data();
    Qfloat* out = buffer.values.data();
    // The same products as SVR_Q::get_Q (multiplying by +-1 is exact either way).
    for (int j = 0; j < len; ++j) out[j] = si * sign[j] * row[index[j]];
    return out;
  }
  double* get_QD() const override { return qd_.data(); }
  void swap_index(int i, int j) const override {
    for (Buffer& b : buffers_) b.column = -1;
    std::swap(sign_[static_cast<size_t>(i)], sign_[static_cast<size_t>(j)]);
    std::swap(index_[static_cast<size_t>(i)], index_[static_cast<size_t>(j)]);
    std::swap(qd_[static_cast<size_t>(i)], qd_[static_cast<size_t>(j)]);
  }

 private:
  struct Buffer {
    std::vector<Qfloat> values;
    int column = -1;  // the variable whose column it holds, -1 none
    int length = 0;   // entries [0, length) are filled
  };
  int l_;
  const float* values_;
  // libsvm's QMatrix is "const" while the solver reorders it: the order lives in mutable state,
  // as in libsvm's own SVR_Q.
  mutable std::vector<float> sign_;
  mutable std::vector<int> index_;
  mutable std::vector<double> qd_;
  mutable Buffer buffers_[2];
  mutable int last_ = 1;
};

void Quiet(const char*) {}

}  // namespace

void SilenceLibsvm() {
  static std::once_flag once;
  std::call_once(once, [] { svm_set_print_string_function(&Quiet); });
}

KernelTable BuildKernelTable(const KernelSpec& spec, const Eigen::MatrixXd& x) {
  KernelTable table;
  const Eigen::Index l = x.rows();
  const size_t n = static_cast<size_t>(l);
  table.rows = l;
  table.values.resize(n * n);
  table.diagonal.resize(n);
  KernelRows kernel(spec, x);
  const Eigen::Index block =
      std::max<Eigen::Index>(1, (Eigen::Index{1} << 18) / std::max<Eigen::Index>(l, 1));
  // Each row as libsvm's precomputed form gets it from libsvm_model.cc's PrecomputedRows (the
  // same values, so that a solve from zero is svm_train's bit for bit): the entries from its
  // block's first row on from its own column of OwnLowerColumns, those left of the block from the
  // rows above.
  for (Eigen::Index first = 0; first < l; first += block) {
    const Eigen::Index count = std::min(block, l - first);
    Eigen::MatrixXd k = kernel.OwnLowerColumns(first, count);
    for (Eigen::Index i = 0; i < count; ++i) {
      const size_t r = static_cast<size_t>(first + i);
      float* row = &table.values[r * n];
      const double* column = k.col(i).data();
      table.diagonal[r] = column[i];
      for (Eigen::Index j = first; j < l; ++j) row[j] = static_cast<float>(column[j - first]);
      for (Eigen::Index j = 0; j < first; ++j)
        row[j] = table.values[static_cast<size_t>(j) * n + r];
    }
  }
  return table;
}

double KernelTableBytes(Eigen::Index rows) {
  const double l = static_cast<double>(rows);
  return l * l * sizeof(float) + l * sizeof(double);
}

bool DirectSolverAvailable() { return LIBSVM_VERSION == 324 && libsvm_version == 324; }

EpsilonSvrSolution SolveEpsilonSvr(const KernelTable& k, const std::vector<double>& y, double c,
                                   double epsilon, double tol, bool shrinking,
                                   const EpsilonSvrSolution* start) {
  if (!DirectSolverAvailable()) {
    throw std::logic_error("libsvm: the direct solver needs libsvm 3.24");
  }
  const size_t l = static_cast<size_t>(k.rows);
  if (y.size() != l || k.values.size() != l * l || k.diagonal.size() != l ||
      (start != nullptr && start->alpha.size() != 2 * l)) {
    throw std::logic_error("libsvm: kernel, targets and start disagree in size");
  }
  // libsvm's solve_epsilon_svr: variables i (sign +1) and l + i (sign -1) of row i.
  std::vector<double> linear(2 * l);
  std::vector<schar> signs(2 * l);
  for (size_t i = 0; i < l; ++i) {
    linear[i] = epsilon - y[i];
    signs[i] = 1;
    linear[i + l] = epsilon + y[i];
    signs[i + l] = -1;
  }
  EpsilonSvrSolution solution;
  solution.c = c;
  solution.epsilon = epsilon;
  solution.alpha = start != nullptr ? start->alpha : std::vector<double>(2 * l, 0.0);
  SilenceLibsvm();
  Solver::SolutionInfo info{};
  SvrQ q(k);
  Solver solver;
  solver.Solve(static_cast<int>(2 * l), q, linear.data(), signs.data(), solution.alpha.data(), c, c,
               tol, &info, shrinking ? 1 : 0);
  solution.rho = info.rho;
  return solution;
}

}  // namespace twinprof::model::regressors
