// The vector working-set selections SvrSolver (svr_solver.cc) runs in place of libsvm's
// Solver::select_working_set: AVX2 (svr_selection_avx2.cc, four variables at a time) and AVX-512
// (svr_selection_avx512.cc, eight at a time), each choosing exactly the pair libsvm's own chooses
// (svr_solver.h says how, and regressors_libsvm_solver_test checks it at every iteration). x86-64
// only: elsewhere TWINPROF_SVR_AVX2_SELECTION is 0 and neither is declared. The caller checks at
// run time that the processor has the instructions. Private to those three files.
#pragma once

#if defined(__x86_64__)
#define TWINPROF_SVR_AVX2_SELECTION 1
#else
#define TWINPROF_SVR_AVX2_SELECTION 0
#endif

#include "model/regressors/libsvm_classes.h"
#include "model/regressors/svr_solver.h"

namespace twinprof::model::regressors {

// What a selection reads of libsvm's Solver at one iteration, under the Solver's own names (so
// the selections read as libsvm's select_working_set does): the active variables, their signs,
// bound statuses, gradients, Q's diagonal and columns, and the stopping tolerance.
struct SolverView {
  static constexpr char kLowerBound = 0, kUpperBound = 1;  // libsvm's alpha_status values
  static constexpr double kTau = 1e-12;                    // libsvm's TAU

  int active_size;
  const schar* y;
  const char* alpha_status;
  const double* G;
  const double* QD;
  const QMatrix* Q;
  double eps;

  // libsvm's obj_diff of the pair (i, j), j in I_low with grad_diff > 0.
  double ObjDiff(int i, const Qfloat* q_i, int j, double gmax) const {
    const double grad_diff = gmax + y[j] * G[j];
    const double quad_coef = QD[i] + QD[j] - y[j] * (2.0 * y[i] * q_i[j]);
    return quad_coef > 0 ? -(grad_diff * grad_diff) / quad_coef : -(grad_diff * grad_diff) / kTau;
  }

  // libsvm's first pass one variable at a time over [from, active_size), after the vector blocks:
  // the last index of the maximum of -y_t G_t over I_up.
  void UpPassFrom(int from, double& gmax, int& gmax_idx) const {
    for (int t = from; t < active_size; ++t) {
      const bool in_up =
          y[t] == +1 ? alpha_status[t] != kUpperBound : alpha_status[t] != kLowerBound;
      const double v = -(y[t] * G[t]);
      if (in_up && v >= gmax) {
        gmax = v;
        gmax_idx = t;
      }
    }
  }

  // libsvm's second pass one variable at a time over [from, active_size): the last index of the
  // minimum of obj_diff over I_low where grad_diff > 0, and the maximum of y_t G_t over I_low.
  void LowPassFrom(int from, int i, const Qfloat* q_i, double gmax, double& gmax2, int& gmin_idx,
                   double& obj_diff_min) const {
    for (int t = from; t < active_size; ++t) {
      const bool in_low =
          y[t] == +1 ? alpha_status[t] != kLowerBound : alpha_status[t] != kUpperBound;
      if (!in_low) continue;
      const double s = y[t] * G[t];
      if (s >= gmax2) gmax2 = s;
      if (gmax + s > 0) {
        const double obj = ObjDiff(i, q_i, t, gmax);
        if (obj <= obj_diff_min) {
          gmin_idx = t;
          obj_diff_min = obj;
        }
      }
    }
  }

  // libsvm's stopping test and answer: 1 to stop, else 0 with the pair.
  int Answer(double gmax, double gmax2, int gmax_idx, int gmin_idx, int& out_i, int& out_j) const {
    if (gmax + gmax2 < eps || gmin_idx == -1) return 1;
    out_i = gmax_idx;
    out_j = gmin_idx;
    return 0;
  }
};

#if TWINPROF_SVR_AVX2_SELECTION
// libsvm's select_working_set on `solver` with AVX2: returns 1 when the solver should stop,
// otherwise 0 with the pair in out_i, out_j. Needs a processor with AVX2.
int SelectWorkingSetAvx2(const SolverView& solver, int& out_i, int& out_j);

// The same with AVX-512 (F, BW, VL), adding what its second pass did to stats.blocks and
// stats.divided_blocks. Needs a processor with those three.
int SelectWorkingSetAvx512(const SolverView& solver, int& out_i, int& out_j, SelectionStats& stats);
#endif

}  // namespace twinprof::model::regressors
