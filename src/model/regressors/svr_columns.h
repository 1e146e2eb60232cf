// The columns of epsilon-SVR's Q matrix, as libsvm's SMO solver asks for them while it reorders
// its 2 l variables (shrinking), computed from a kernel table and kept in a bounded LRU cache
// (libsvm_solver.cc hands them to libsvm's Solver).
//
// Variable s of the dual (row s mod l, sign +1 for s < l and -1 after) has the column
// Q[s][t] = sign_s sign_t K[s mod l][t mod l]. The solver swaps variables (Swap) and asks for
// columns in its current order (Column): computing one is a gather from the table, row[index[t]]
// for every t, which libsvm's own SVR_Q does on every request, twice per SMO iteration. On the
// issue 17 grid those gathers were about 40% of the solver's time while the iterations kept
// coming back to the same ~1,650 free variables. So computed columns are kept, keyed by variable,
// and a request for one returns it, extended when it is shorter than asked (libsvm's Cache does
// the same for classification, whose columns need no reordering).
//
// A swap must reorder the entries of every kept column. libsvm's Cache::swap_index does that at
// once, in every column; here the swap is logged and applied to a column when it is next asked
// for (one pass over the swaps since then, or a fresh computation when that log is longer than
// the column), so shrinking costs nothing per kept column. A column that holds position i but
// not j of a swap (i < j) keeps its first i entries, still right, and is extended from there when
// asked for. Every value returned is the product a fresh computation gives (the signs are +-1:
// exact), so the solver's path is the same bit for bit whatever the cache holds or evicts.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "model/regressors/libsvm_solver.h"

namespace twinprof::model::regressors {

class SvrColumns {
 public:
  // The 2 k.rows variables of kernel `k` (which must outlive this) in their initial order, with
  // room for `slots` columns of 2 k.rows floats (clamped to [2, 2 k.rows]; their memory is
  // touched as they fill). slots = 0: no cache, every Column() is computed afresh into one of two
  // buffers.
  SvrColumns(const KernelTable& k, int slots);
  SvrColumns(const SvrColumns&) = delete;
  SvrColumns& operator=(const SvrColumns&) = delete;

  // Entries [0, len) of variable i's column in the current order (0 <= i < 2 rows, 0 <= len <=
  // 2 rows). The array is valid until the second Column() call after this one (the solver uses
  // two columns at once) or the next Swap(), whichever is first.
  float* Column(int i, int len);

  // Exchanges the places of variables i and j in the order (the columns' keys and entries, and
  // the diagonal).
  void Swap(int i, int j);

  // Q's diagonal in the current order (2 rows values), for the solver to read.
  double* diagonal() { return diagonal_.data(); }

  const ColumnCacheStats& stats() const { return stats_; }

 private:
  struct Slot {
    int owner = -1;            // the variable whose column the slot holds, -1 none
    int length = 0;            // entries [0, length) are right as of swaps_[synced)
    size_t synced = 0;         // the logged swaps before this one are applied to the entries
    int prev = -1, next = -1;  // the LRU list, least recently used first
  };

  // Entries [from, to) of variable i's column in the current order, into out.
  void Compute(int i, float* out, int from, int to) const;
  float* Data(int s) { return pool_.get() + static_cast<size_t>(s) * static_cast<size_t>(2 * l_); }
  // Applies the swaps logged since slot s last caught up to its entries.
  void CatchUp(int s);
  // A free slot, or the least recently used one emptied; not on the LRU list.
  int TakeSlot();
  void Unlink(int s);
  void PushBack(int s);

  int l_;
  const float* values_;  // the table, row-major
  std::vector<float> sign_;
  std::vector<int> index_;
  std::vector<double> diagonal_;
  // No cache: two buffers in turn.
  std::vector<float> buffers_[2];
  int next_buffer_ = 0;
  // The cache: slots_ columns of 2 l values in pool_ (used_ handed out so far), slot_[slots_] the
  // LRU list's head; per variable its slot or -1; the swaps since the log last started.
  int slots_ = 0;
  std::unique_ptr<float[]> pool_;
  std::vector<int> slot_of_;
  std::vector<Slot> slot_;
  int used_ = 0;
  std::vector<std::pair<int, int>> swaps_;
  size_t max_logged_swaps_ = 0;
  ColumnCacheStats stats_;
};

}  // namespace twinprof::model::regressors
