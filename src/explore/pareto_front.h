// ParetoFront: the candidates no other beats on both time and cost — what explore reports per
// objective (pareto.csv) and what its search explores around (search.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "explore/score.h"

namespace twinprof::explore {

// The Pareto front of `objective`'s time against cost among feasible candidates: the numbers of
// those no other feasible candidate beats on both (at least as good on both, better on one),
// sorted by cost (then time, then number). Of candidates with equal time and cost only the
// lowest-numbered is kept. Costs are compared as CostKey.
std::vector<uint64_t> ParetoFront(const std::vector<std::pair<uint64_t, const Score*>>& scores,
                                  size_t objective);

}  // namespace twinprof::explore
