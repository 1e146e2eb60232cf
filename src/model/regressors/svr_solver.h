// libsvm's SMO solver (Solver::Solve) with a faster working-set selection: the step that is about
// 70% of an SVR solve once the Q columns are cached (svr_columns.h), computed four variables at a
// time with AVX2 where the processor has it (x86-64 only), choosing exactly what libsvm's own
// Solver::select_working_set chooses (tested at every iteration, regressors_libsvm_solver_test).
// Private to libsvm_solver.cc.
#pragma once

#include "model/regressors/libsvm_classes.h"

namespace twinprof::model::regressors {

// Solver::Solve(l, q, p, y, alpha, c, c, tol, info, shrinking) with the selection above (libsvm's
// own without AVX2). With `check`, every selection runs both and *disagreements receives how
// many times they chose differently (libsvm's choice is the one taken): for tests.
void SolveWithFastSelection(int l, const QMatrix& q, const double* p, const schar* y, double* alpha,
                            double c, double tol, Solver::SolutionInfo* info, bool shrinking,
                            bool check, long* disagreements);

}  // namespace twinprof::model::regressors
