#include "core/run_parameters.h"

#include <charconv>
#include <cmath>

namespace twinprof {

std::string_view ParameterTypeName(ParameterType type) {
  return type == ParameterType::kNumber ? "number" : "text";
}

std::optional<ParameterType> ParseParameterType(std::string_view name) {
  if (name == "number") return ParameterType::kNumber;
  if (name == "text") return ParameterType::kText;
  return std::nullopt;
}

std::optional<double> ParseParameterNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

ParameterType InferParameterType(const std::vector<std::string>& values) {
  bool any = false;
  for (const std::string& value : values) {
    if (value.empty()) continue;
    if (!ParseParameterNumber(value)) return ParameterType::kText;
    any = true;
  }
  return any ? ParameterType::kNumber : ParameterType::kText;
}

std::vector<ParameterDeclaration> InferParameterTypes(const std::vector<std::string>& names,
                                                      const std::vector<RunParameters>& rows) {
  std::vector<ParameterDeclaration> declarations;
  for (const std::string& name : names) {
    std::vector<std::string> values;
    for (const RunParameters& row : rows) {
      for (const auto& [key, value] : row) {
        if (key == name) values.push_back(value);
      }
    }
    declarations.push_back({name, InferParameterType(values)});
  }
  return declarations;
}

std::map<std::string, ParameterType> ParameterTypeMap(
    const std::vector<ParameterDeclaration>& declarations) {
  std::map<std::string, ParameterType> types;
  for (const ParameterDeclaration& d : declarations) types[d.name] = d.type;
  return types;
}

}  // namespace twinprof
