#include "explore/pareto_front.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace twinprof::explore {

std::vector<uint64_t> ParetoFront(const std::vector<std::pair<uint64_t, const Score*>>& scores,
                                  size_t objective) {
  std::vector<std::tuple<double, double, uint64_t>> points;  // cost, time, number
  for (const auto& [number, score] : scores) {
    if (score->simulated && score->feasible) {
      points.emplace_back(CostKey(score->cost), score->times.at(objective), number);
    }
  }
  std::sort(points.begin(), points.end());
  std::vector<uint64_t> front;
  double best_time = std::numeric_limits<double>::infinity();
  for (const auto& [cost, time, number] : points) {
    if (time < best_time) {
      front.push_back(number);
      best_time = time;
    }
  }
  return front;
}

}  // namespace twinprof::explore
