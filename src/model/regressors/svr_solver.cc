#include "model/regressors/svr_solver.h"

// The vector selections are x86-64 code (AVX2 or AVX-512, chosen at run time; svr_selection.h);
// elsewhere (an arm64 board building twinprof) SvrSolver is libsvm's Solver as it is.
#include "model/regressors/svr_selection.h"

namespace twinprof::model::regressors {

namespace {

// libsvm's Solver with its working-set selection (WSS 3 of Fan, Chen and Lin 2005, the step that
// is ~70% of a solve once the columns are cached) computed eight variables at a time with AVX-512
// or four at a time with AVX2, giving exactly what libsvm's select_working_set gives: the same
// pair, from the same double operations on the same values (quad_coef = (QD_i + QD_j) - y_j (2 y_i
// Q_ij), obj_diff = -(grad_diff^2) / quad_coef or / TAU, all exact up to the same roundings), with
// libsvm's tie rules (the last index among equal maxima of -y G over I_up, the last among equal
// minima of obj_diff over I_low). libsvm's own runs where the processor has neither, and when
// checking (every selection then runs libsvm's and each vector one, and counts disagreements).
class SvrSolver final : public Solver {
 public:
  explicit SvrSolver(bool check) : check_(check) {}
  const SelectionStats& stats() const { return stats_; }

#if TWINPROF_SVR_AVX2_SELECTION
 protected:
  int select_working_set(int& out_i, int& out_j) override {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    static const bool avx512 = __builtin_cpu_supports("avx512f") &&
                               __builtin_cpu_supports("avx512bw") &&
                               __builtin_cpu_supports("avx512vl");
    if (!check_) {
      if (avx512) return SelectWorkingSetAvx512(View(), out_i, out_j, stats_);
      if (avx2) return SelectWorkingSetAvx2(View(), out_i, out_j);
      return Solver::select_working_set(out_i, out_j);
    }
    int li = -1, lj = -1;
    const int theirs = Solver::select_working_set(li, lj);
    bool differs = false;
    const auto compare = [&](int ours, int i, int j) {
      differs = differs || ours != theirs || (theirs == 0 && (i != li || j != lj));
    };
    if (avx2) {
      int i = -1, j = -1;
      const int ours = SelectWorkingSetAvx2(View(), i, j);
      compare(ours, i, j);
    }
    if (avx512) {
      int i = -1, j = -1;
      const int ours = SelectWorkingSetAvx512(View(), i, j, stats_);
      compare(ours, i, j);
    }
    if (differs) ++stats_.disagreements;
    out_i = li;
    out_j = lj;
    return theirs;
  }

 private:
  // libsvm's state at this iteration, as the selections read it.
  SolverView View() const { return {active_size, y, alpha_status, G, QD, Q, eps}; }
#endif  // TWINPROF_SVR_AVX2_SELECTION

 private:
  [[maybe_unused]] bool check_;
  SelectionStats stats_;
};

}  // namespace

void SolveWithFastSelection(int l, const QMatrix& q, const double* p, const schar* y, double* alpha,
                            double c, double tol, Solver::SolutionInfo* info, bool shrinking,
                            bool check, SelectionStats* stats) {
  SvrSolver solver(check);
  solver.Solve(l, q, p, y, alpha, c, c, tol, info, shrinking ? 1 : 0);
  if (stats != nullptr) *stats = solver.stats();
}

}  // namespace twinprof::model::regressors
