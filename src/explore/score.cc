#include "explore/score.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <tuple>

namespace twinprof::explore {

namespace {

// One sort key for the ranking: smaller is better.
std::tuple<int, double, double, uint64_t> RankKey(const Score& score, uint64_t number) {
  if (!score.simulated) return {2, 0, 0, number};
  double time = score.times.empty() ? 0 : score.times.front();
  if (score.feasible) return {0, CostKey(score.cost), time, number};
  return {1, score.violation, CostKey(score.cost), number};
}

}  // namespace

double CostKey(double cost) {
  if (!std::isfinite(cost) || cost == 0) return cost;
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", cost);
  return std::strtod(text, nullptr);
}

bool RanksBefore(const Score& a, uint64_t number_a, const Score& b, uint64_t number_b) {
  return RankKey(a, number_a) < RankKey(b, number_b);
}

}  // namespace twinprof::explore
