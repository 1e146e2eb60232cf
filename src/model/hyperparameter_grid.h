// The points a hyperparameter search tries: the full grid over the listed values (the last
// hyperparameter varying fastest, like scikit-learn's ParameterGrid over file order), or a seeded
// random subset of it (hyperparameter_tuning = 'Random', max_evals points, kept in grid order).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/train_config.h"

namespace twinprof {

// Every combination, each a JSON object of scalars. No hyperparameters gives one empty object.
std::vector<nlohmann::json> ExpandGrid(const TechniqueSpace& space);

// `budget` points drawn without replacement (all of them when budget >= grid size), in grid
// order.
std::vector<nlohmann::json> SampleGrid(const std::vector<nlohmann::json>& grid, size_t budget,
                                       uint64_t seed);

}  // namespace twinprof
