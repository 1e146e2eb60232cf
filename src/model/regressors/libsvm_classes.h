// libsvm 3.24's internal solver classes, declared here so that twinprof can run libsvm's own
// SMO solver (Solver::Solve, exported by libsvm.so) on a Q matrix of its own (libsvm_solver.h)
// and override its working-set selection (svr_solver.h, svr_selection.h). Private to those files.
#pragma once

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
