// One Make function per technique (least_squares.cc holds two: LinearRegression and NNLS);
// factory.cc maps aMLLibrary names to them. Each throws InputError for unknown or bad
// hyperparameters (message naming the technique and the key).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>

#include "model/regressors/technique.h"

namespace twinprof::model::regressors {

std::unique_ptr<TechniqueRegressor> MakeLinearRegression(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeRidge(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeLasso(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeNnls(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeStepwise(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeDecisionTree(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeRandomForest(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeXGBoost(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeSvr(const nlohmann::json& hp, uint64_t seed);
std::unique_ptr<TechniqueRegressor> MakeErnest(const nlohmann::json& hp, uint64_t seed);

}  // namespace twinprof::model::regressors
