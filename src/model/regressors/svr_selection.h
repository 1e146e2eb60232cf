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
