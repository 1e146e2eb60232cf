#include "model/regressors/libsvm_solver.h"

#include <svm.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "model/regressors/libsvm_classes.h"
#include "model/regressors/svr_columns.h"
#include "model/regressors/svr_solver.h"

namespace twinprof::model::regressors {

namespace {

// epsilon-SVR's Q over its 2 l variables for libsvm's Solver, as libsvm's SVR_Q: the columns
// from the kernel table through SvrColumns (svr_columns.h: a cache that follows the solver's
// reordering) instead of libsvm's kernel cache.
class SvrQ final : public QMatrix {
 public:
  SvrQ(const KernelTable& k, int slots) : columns_(k, slots) {}

  Qfloat* get_Q(int i, int len) const override { return columns_.Column(i, len); }
  double* get_QD() const override { return columns_.diagonal(); }
  void swap_index(int i, int j) const override { columns_.Swap(i, j); }

  const ColumnCacheStats& stats() const { return columns_.stats(); }

 private:
  // libsvm's QMatrix is "const" while the solver reorders it: the order lives in mutable state,
  // as in libsvm's own SVR_Q.
  mutable SvrColumns columns_;
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
                                   const EpsilonSvrSolution* start, double column_cache_mb,
                                   ColumnCacheStats* stats, bool check_working_set) {
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
  const double column_bytes = 2.0 * static_cast<double>(l) * sizeof(Qfloat);
  const double slots = column_cache_mb * double{1 << 20} / column_bytes;
  SvrQ q(k, column_cache_mb > 0.0 ? static_cast<int>(std::min(std::max(slots, 2.0), 2.0 * l)) : 0);
  SelectionStats selection;
  SolveWithFastSelection(static_cast<int>(2 * l), q, linear.data(), signs.data(),
                         solution.alpha.data(), c, tol, &info, shrinking, check_working_set,
                         &selection);
  solution.rho = info.rho;
  if (stats != nullptr) {
    *stats = q.stats();
    stats->working_set_disagreements = selection.disagreements;
    stats->selection_blocks = selection.blocks;
    stats->selection_divided_blocks = selection.divided_blocks;
  }
  return solution;
}

}  // namespace twinprof::model::regressors
