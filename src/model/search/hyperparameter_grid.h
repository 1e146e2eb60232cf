// The points a hyperparameter search tries: the full grid over the listed values (the last
// hyperparameter varying fastest, like scikit-learn's ParameterGrid over file order), or a seeded
// random subset of it (hyperparameter_tuning = 'Random', max_evals points, kept in grid order),
// or the space of a Bayesian search (hyperparameter_tuning = 'Hyperopt', see tpe_search.h).
//
// Priors are aMLLibrary's strings for Hyperopt (docs/formats.md, "Hyperparameter priors"):
//   uniform(low, high)          quniform(low, high, q)
//   loguniform(low, high)       qloguniform(low, high, q)      (low, high > 0: values, not logs)
//   normal(mu, sigma)           qnormal(mu, sigma, q)
//   lognormal(median, sigma)    qlognormal(median, sigma, q)   (sigma of log(value))
// The quantised (q) kinds give integers, as aMLLibrary wraps them in scope.int (truncation).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/config/train_config.h"
#include "model/search/tpe_search.h"

namespace twinprof::model {

// Every combination, each a JSON object of scalars. No hyperparameters gives one empty object.
std::vector<nlohmann::json> ExpandGrid(const TechniqueSpace& space);

// `budget` points drawn without replacement (all of them when budget >= grid size), in grid
// order.
std::vector<nlohmann::json> SampleGrid(const std::vector<nlohmann::json>& grid, size_t budget,
                                       uint64_t seed);

// Reads a prior string. Returns nullopt when `text` is not shaped like a call "name(...)" (it is
// then a fixed value, as aMLLibrary takes it). Throws std::invalid_argument, with a message
// naming the problem (unknown kind, argument count, not a number, low >= high, a log bound <= 0,
// sigma or q <= 0), when it is shaped like one but is not a valid prior.
std::optional<Prior> ParsePrior(const std::string& text);

// The value a configuration gets for a prior's draw: an integer (truncated) for the quantised
// kinds, else the number.
nlohmann::json PriorValue(const Prior& prior, double value);

// The values a configuration check tries for a prior: the values of its two bounds (uniform
// kinds) or of its centre (normal kinds).
std::vector<nlohmann::json> PriorCheckValues(const Prior& prior);

// The Bayesian search space of a technique: one dimension per hyperparameter with a prior, and a
// choice per hyperparameter listing several values (in file order); single values stay fixed.
std::vector<Prior> BayesianSpace(const TechniqueSpace& space);

// The configuration for a point of BayesianSpace(space).
nlohmann::json BayesianPoint(const TechniqueSpace& space, const std::vector<double>& point);

}  // namespace twinprof::model
