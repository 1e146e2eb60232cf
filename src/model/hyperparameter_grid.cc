#include "model/hyperparameter_grid.h"

#include <algorithm>
#include <random>

namespace twinprof {

std::vector<nlohmann::json> ExpandGrid(const TechniqueSpace& space) {
  std::vector<nlohmann::json> grid = {nlohmann::json::object()};
  for (const HyperparameterValues& h : space.hyperparameters) {
    std::vector<nlohmann::json> next;
    next.reserve(grid.size() * h.values.size());
    for (const nlohmann::json& point : grid) {
      for (const nlohmann::json& value : h.values) {
        nlohmann::json p = point;
        p[h.name] = value;
        next.push_back(std::move(p));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::vector<nlohmann::json> SampleGrid(const std::vector<nlohmann::json>& grid, size_t budget,
                                       uint64_t seed) {
  if (budget >= grid.size()) return grid;
  std::vector<size_t> order(grid.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  order.resize(budget);
  std::sort(order.begin(), order.end());
  std::vector<nlohmann::json> out;
  for (size_t i : order) out.push_back(grid[i]);
  return out;
}

}  // namespace twinprof
