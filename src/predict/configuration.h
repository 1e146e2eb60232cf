// Configurations and the join key (docs/formats.md, "Configurations and the join key"): a run's
// parameters, sorted by name, as one comparable key; and the split of configurations into
// training, interpolation and extrapolation relative to the ones a predictor was fitted on.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/run_parameters.h"

namespace twinprof::predict {

using Parameters = std::vector<std::pair<std::string, std::string>>;

// "a=1;b=0.5;input=clip.mp4": the parameters sorted by name, numbers in their shortest form.
// Empty values (a parameter the run lacks) and `mode` are left out.
std::string ConfigurationKey(const Parameters& parameters);

// One condition of --trained-where: NAME OP VALUE, OP one of <= < >= > = !=.
struct Condition {
  std::string name;
  std::string op;
  std::string value;
  std::string text;  // as written
  // Whether `parameters` satisfies it (numbers compared as numbers, else as text; a missing
  // parameter never does).
  bool Holds(const Parameters& parameters) const;
};

// Parses "a<=1,b>2". Throws InputError (naming --trained-where) for a malformed condition.
std::vector<Condition> ParseConditions(const std::string& text);

// Which side of the training configurations a configuration falls on.
class TrainingSplit {
 public:
  // No training set: every configuration is "all".
  TrainingSplit() = default;
  // `types`: the parameters' declared types (MeasuredRuns::parameter_types); a parameter without
  // one is a number when every training value is one.
  explicit TrainingSplit(const std::vector<Parameters>& training,
                         const std::map<std::string, ParameterType>& types = {});

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  // "training" when it is one of the training configurations; "extrapolation" when a numeric
  // parameter lies outside their [min, max] or a text parameter takes a value none of them has;
  // else "interpolation". "all" without a training set.
  std::string Classify(const Parameters& parameters) const;

 private:
  std::vector<std::string> keys_;
  std::map<std::string, std::pair<double, double>> ranges_;  // numeric parameters
  std::map<std::string, std::vector<std::string>> texts_;    // every value, text parameters
};

}  // namespace twinprof::predict
