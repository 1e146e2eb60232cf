#include "predict/configuration.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"
#include "core/job_record.h"
#include "core/run_parameters.h"

namespace twinprof::predict {

std::string ConfigurationKey(const Parameters& parameters) {
  std::vector<std::pair<std::string, std::string>> sorted;
  for (const auto& [name, value] : parameters) {
    if (value.empty() || name == "mode") continue;
    std::optional<double> number = ParseParameterNumber(value);
    sorted.emplace_back(name, number ? FormatDouble(*number) : value);
  }
  std::sort(sorted.begin(), sorted.end());
  std::string key;
  for (const auto& [name, value] : sorted) key += (key.empty() ? "" : ";") + name + "=" + value;
  return key;
}

bool Condition::Holds(const Parameters& parameters) const {
  for (const auto& [name_, actual] : parameters) {
    if (name_ != name || actual.empty()) continue;
    std::optional<double> a = ParseParameterNumber(actual), b = ParseParameterNumber(value);
    int order = 0;
    if (a && b) {
      order = *a < *b ? -1 : (*a > *b ? 1 : 0);
    } else {
      order = actual < value ? -1 : (actual > value ? 1 : 0);
    }
    if (op == "<=") return order <= 0;
    if (op == "<") return order < 0;
    if (op == ">=") return order >= 0;
    if (op == ">") return order > 0;
    if (op == "=") return order == 0;
    return order != 0;  // "!="
  }
  return false;
}

std::vector<Condition> ParseConditions(const std::string& text) {
  std::vector<Condition> conditions;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? comma : comma - start);
    Condition condition;
    condition.text = part;
    size_t at = part.find_first_of("<>=!");
    if (at != std::string::npos && at > 0) {
      size_t length = (at + 1 < part.size() && part[at + 1] == '=') ? 2 : 1;
      condition.name = part.substr(0, at);
      condition.op = part.substr(at, length);
      condition.value = part.substr(at + length);
    }
    static const std::vector<std::string> kOps = {"<=", "<", ">=", ">", "=", "!="};
    if (condition.name.empty() || condition.value.empty() ||
        std::string("<>=!").find(condition.value.front()) != std::string::npos ||
        std::find(kOps.begin(), kOps.end(), condition.op) == kOps.end()) {
      throw InputError("--trained-where: '" + part +
                       "' is not a condition NAME OP VALUE (OP one of <= < >= > = !=)");
    }
    conditions.push_back(condition);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return conditions;
}

TrainingSplit::TrainingSplit(const std::vector<Parameters>& training,
                             const std::map<std::string, ParameterType>& types) {
  std::map<std::string, bool> numeric;
  for (const Parameters& parameters : training) {
    keys_.push_back(ConfigurationKey(parameters));
    for (const auto& [name, value] : parameters) {
      if (value.empty() || name == "mode") continue;
      std::optional<double> number = ParseParameterNumber(value);
      auto declared = types.find(name);
      auto [it, added] = numeric.try_emplace(name, declared != types.end()
                                                       ? declared->second == ParameterType::kNumber
                                                       : number.has_value());
      if (declared == types.end()) it->second = it->second && number.has_value();
      if (number) {
        auto [range, first] = ranges_.try_emplace(name, *number, *number);
        range->second.first = std::min(range->second.first, *number);
        range->second.second = std::max(range->second.second, *number);
      }
      std::vector<std::string>& values = texts_[name];
      if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    }
  }
  for (const auto& [name, all_numbers] : numeric) {
    if (all_numbers) {
      texts_.erase(name);
    } else {
      ranges_.erase(name);
    }
  }
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
}

std::string TrainingSplit::Classify(const Parameters& parameters) const {
  if (keys_.empty()) return "all";
  if (std::binary_search(keys_.begin(), keys_.end(), ConfigurationKey(parameters))) {
    return "training";
  }
  for (const auto& [name, value] : parameters) {
    if (value.empty() || name == "mode") continue;
    if (auto range = ranges_.find(name); range != ranges_.end()) {
      std::optional<double> number = ParseParameterNumber(value);
      if (!number || *number < range->second.first || *number > range->second.second) {
        return "extrapolation";
      }
    } else if (auto texts = texts_.find(name); texts != texts_.end()) {
      if (std::find(texts->second.begin(), texts->second.end(), value) == texts->second.end()) {
        return "extrapolation";
      }
    } else {
      return "extrapolation";  // a parameter the training configurations never had
    }
  }
  return "interpolation";
}

}  // namespace twinprof::predict
