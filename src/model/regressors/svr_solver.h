// libsvm's SMO solver (Solver::Solve) with a faster working-set selection: the step that is about
// 70% of an SVR solve once the Q columns are cached (svr_columns.h), computed eight variables at
// a time with AVX-512 or four at a time with AVX2, whichever the processor has (x86-64 only;
// svr_selection_avx512.cc, svr_selection_avx2.cc), choosing exactly what libsvm's own
// Solver::select_working_set chooses (tested at every iteration, regressors_libsvm_solver_test).
// Private to libsvm_solver.cc.
#pragma once

#include "model/regressors/libsvm_classes.h"

namespace twinprof::model::regressors {

// What the selection did in one solve, for tests and measurements.
struct SelectionStats {
  // With check: selections where one of the vector selections the processor can run (AVX-512,
  // AVX2) chose differently from libsvm's own (whose choice is the one taken). Always 0.
  long disagreements = 0;
  // The AVX-512 selection's second pass: blocks of 8 variables it examined, and those it divided
  // (computed libsvm's obj_diff for); the others were skipped by its exact filter, which proves
  // without dividing that no variable of the block can be chosen.
  long blocks = 0, divided_blocks = 0;
};

// Solver::Solve(l, q, p, y, alpha, c, c, tol, info, shrinking) with the selection above (libsvm's
// own without AVX2). With `check`, every selection runs libsvm's and each vector selection the
// processor can run, counting disagreements, and takes libsvm's choice: for tests. `stats`
// (optional) receives what the selection did.
void SolveWithFastSelection(int l, const QMatrix& q, const double* p, const schar* y, double* alpha,
                            double c, double tol, Solver::SolutionInfo* info, bool shrinking,
                            bool check, SelectionStats* stats);

}  // namespace twinprof::model::regressors
