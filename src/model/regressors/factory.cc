// MakeRegressor / LoadRegressor / KnownTechniques: the names aMLLibrary uses, mapped to the
// technique files of this directory.
#include <functional>
#include <map>
#include <stdexcept>

#include "core/error.h"
#include "model/regressor.h"
#include "model/regressors/techniques.h"

namespace twinprof::model {

namespace {

using Maker =
    std::function<std::unique_ptr<regressors::TechniqueRegressor>(const nlohmann::json&, uint64_t)>;

const std::map<std::string, Maker>& Makers() {
  static const std::map<std::string, Maker> makers = {
      {"LinearRegression", regressors::MakeLinearRegression},
      {"LRRidge", regressors::MakeRidge},
      {"Lasso", regressors::MakeLasso},
      {"NNLS", regressors::MakeNnls},
      {"Stepwise", regressors::MakeStepwise},
      {"Ernest", regressors::MakeErnest},
      {"DecisionTree", regressors::MakeDecisionTree},
      {"RandomForest", regressors::MakeRandomForest},
      {"XGBoost", regressors::MakeXGBoost},
      {"SVR", regressors::MakeSvr},
  };
  return makers;
}

std::unique_ptr<regressors::TechniqueRegressor> Make(const std::string& technique,
                                                     const nlohmann::json& hyperparameters,
                                                     uint64_t seed) {
  auto it = Makers().find(technique);
  if (it == Makers().end()) {
    std::string known;
    for (const std::string& name : KnownTechniques()) known += (known.empty() ? "" : ", ") + name;
    throw InputError("unknown technique '" + technique + "' (known: " + known + ")");
  }
  return it->second(hyperparameters, seed);
}

}  // namespace

const std::vector<std::string>& KnownTechniques() {
  // Read off the factory table, so the list can never fall behind it.
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& [name, maker] : Makers()) all.push_back(name);
    return all;
  }();
  return names;
}

std::unique_ptr<Regressor> MakeRegressor(const std::string& technique,
                                         const nlohmann::json& hyperparameters, uint64_t seed) {
  return Make(technique, hyperparameters, seed);
}

std::unique_ptr<Regressor> LoadRegressor(const nlohmann::json& saved) {
  if (!saved.is_object() || saved.value("format", "") != "twinprof-regressor") {
    throw InputError("not a saved regressor (expected \"format\": \"twinprof-regressor\")");
  }
  if (saved.value("version", 0) != 1) {
    throw InputError("saved regressor: unsupported version " +
                     saved.value("version", nlohmann::json()).dump());
  }
  std::string technique;
  uint64_t seed = 0;
  std::vector<std::string> notes;
  try {
    technique = saved.at("technique").get<std::string>();
    seed = saved.at("seed").get<uint64_t>();
    notes = saved.value("notes", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("saved regressor: ") + e.what());
  }
  std::unique_ptr<regressors::TechniqueRegressor> regressor =
      Make(technique, saved.value("hyperparameters", nlohmann::json::object()), seed);
  if (!saved.contains("state")) throw InputError(technique + ": saved regressor has no state");
  try {
    regressor->LoadState(saved.at("state"));
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(technique + ": saved state: " + e.what());
  }
  regressor->RestoreNotes(std::move(notes));
  return regressor;
}

void Regressor::ReduceTo(const nlohmann::json& point) {
  throw std::logic_error(technique() + ": cannot be reduced to " + point.dump());
}

}  // namespace twinprof::model
