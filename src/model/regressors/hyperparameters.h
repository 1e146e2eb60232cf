// Reading one technique's hyperparameters (a JSON object of scalars, aMLLibrary's names) with
// range checks. Every error is an InputError whose message names the technique and the key, e.g.
//   "LRRidge: hyperparameter 'alpha' must be a number >= 0, got -1".
//
// Usage: read each key once with a default, then call Finish(), which rejects keys nobody read.
// values() returns what was used (defaults included), which a saved model stores.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace twinprof::model::regressors {

class HyperparameterReader {
 public:
  // Throws InputError when `given` is neither an object nor null.
  HyperparameterReader(std::string technique, const nlohmann::json& given);

  // A real number (JSON integer or float, not a boolean) in [lo, hi].
  double Number(const std::string& key, double fallback,
                double lo = -std::numeric_limits<double>::infinity(),
                double hi = std::numeric_limits<double>::infinity());
  // An integer in [lo, hi]; a float with an integral value (3.0) is accepted.
  int64_t Integer(const std::string& key, int64_t fallback, int64_t lo = 0,
                  int64_t hi = std::numeric_limits<int32_t>::max());
  // Like Integer(), but JSON null (Python's None) gives std::nullopt; so does a missing key when
  // `fallback` is nullopt.
  std::optional<int64_t> OptionalInteger(const std::string& key, std::optional<int64_t> fallback,
                                         int64_t lo = 0,
                                         int64_t hi = std::numeric_limits<int32_t>::max());
  bool Bool(const std::string& key, bool fallback);
  // A string among `allowed`.
  std::string Choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  // The raw value (or `fallback` when absent), for keys that take several types; the caller checks
  // it and reports problems with Fail().
  nlohmann::json Raw(const std::string& key, const nlohmann::json& fallback);

  // Throws InputError "TECHNIQUE: hyperparameter 'KEY' WHAT, got VALUE".
  [[noreturn]] void Fail(const std::string& key, const std::string& what) const;

  // Throws InputError naming the first key that was given but never read.
  void Finish() const;

  // Every key read so far with the value used.
  const nlohmann::json& values() const { return used_; }
  const std::string& technique() const { return technique_; }

 private:
  const nlohmann::json* Find(const std::string& key);

  std::string technique_;
  nlohmann::json given_;
  nlohmann::json used_ = nlohmann::json::object();
};

}  // namespace twinprof::model::regressors
