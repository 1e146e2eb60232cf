// The common frame of every technique in src/model/regressors: it keeps the hyperparameters as
// used (defaults filled in) and the seed, and writes/reads the saved form
//   {"format": "twinprof-regressor", "version": 1, "technique": T, "hyperparameters": {...},
//    "seed": S, "notes": [...], "state": {...technique-specific...}}
// Each technique file defines one subclass and a Make<Technique>() function (techniques.h);
// factory.cc maps names to them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "model/regressor.h"
#include "model/regressors/hyperparameters.h"

namespace twinprof::model::regressors {

class TechniqueRegressor : public Regressor {
 public:
  std::string technique() const final { return technique_; }
  nlohmann::json Save() const final;

  // Restores what SaveState() wrote. Throws InputError when `state` does not fit.
  virtual void LoadState(const nlohmann::json& state) = 0;

  // The hyperparameters as used, defaults filled in.
  const nlohmann::json& hyperparameters() const { return hyperparameters_; }

  // Sets notes(), for a restored model.
  void RestoreNotes(std::vector<std::string> notes) { notes_ = std::move(notes); }

 protected:
  // `reader` must have read every hyperparameter; Finish() is called here.
  TechniqueRegressor(const HyperparameterReader& reader, uint64_t seed);

  // The fitted state; called by Save(). Throws std::logic_error before a fit.
  virtual nlohmann::json SaveState() const = 0;

  // Throws std::logic_error naming the technique when !fitted.
  void RequireFitted(bool fitted) const;
  // Throws std::invalid_argument when x and y disagree or are empty, or when a prediction input
  // has the wrong number of columns (expected < 0: any).
  void CheckFitInput(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) const;
  void CheckPredictInput(const Eigen::MatrixXd& x, Eigen::Index expected_columns) const;

  // Throws InputError "TECHNIQUE: saved state: WHAT".
  [[noreturn]] void BadState(const std::string& what) const;

  uint64_t seed() const { return seed_; }
  // Replaces the hyperparameters (ReduceTo()).
  void set_hyperparameters(nlohmann::json hp) { hyperparameters_ = std::move(hp); }

 private:
  std::string technique_;
  nlohmann::json hyperparameters_;
  uint64_t seed_;
};

// Helpers for saved states: a vector or matrix of doubles as JSON arrays, restored exactly
// (nlohmann writes the shortest text that reads back to the same double).
nlohmann::json VectorToJson(const Eigen::VectorXd& v);
Eigen::VectorXd VectorFromJson(const nlohmann::json& j);  // throws nlohmann::json::exception
nlohmann::json MatrixToJson(const Eigen::MatrixXd& m);    // array of rows
Eigen::MatrixXd MatrixFromJson(const nlohmann::json& j);  // throws nlohmann::json::exception

}  // namespace twinprof::model::regressors
