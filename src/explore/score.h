// Score: what the search and the analysis know of an evaluated candidate (simulated or not,
// feasible or not, how far outside the constraints, its cost and one time per objective), and the
// one ranking of candidates both use.
//
// Ranking (ties by number, so it is total): feasible candidates by cost, then time (the first
// objective), then infeasible ones by violation, then candidates that could not be simulated.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace twinprof::explore {

struct Score {
  bool simulated = false;  // false: invalid or failed (it costs no budget and ranks last)
  bool feasible = false;
  double violation = std::numeric_limits<double>::infinity();
  double cost = 0;
  std::vector<double> times;  // one per objective
};

// A cost as the rankings compare it: rounded to 12 significant digits, because the same prices
// summed in another order differ in the last bits (2 x 0.17 is not 0.34 in binary), and such
// candidates cost the same.
double CostKey(double cost);

// Whether (a, number_a) ranks before (b, number_b).
bool RanksBefore(const Score& a, uint64_t number_a, const Score& b, uint64_t number_b);

}  // namespace twinprof::explore
