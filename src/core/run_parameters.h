// Run parameters, typed: the names and values that say which configuration a run was (measured
// or simulated), each name declared once as a number or a text (docs/formats.md,
// "Configurations and the join key").
//
// The planner declares the types from the campaign at plan time (a cpu is a number, an input's
// name a text, an environment variable a number when every value the campaign lists for it is
// one) and the results store keeps them; export, replay and validate read them instead of
// looking at the values. Only sources that carry no declaration (a job CSV, a results store
// written before the declarations existed) are typed from their values, by InferParameterType.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinprof {

// A run's parameters in column order: (name, value as written).
using RunParameters = std::vector<std::pair<std::string, std::string>>;

enum class ParameterType { kNumber, kText };

struct ParameterDeclaration {
  std::string name;
  ParameterType type = ParameterType::kText;
  bool operator==(const ParameterDeclaration&) const = default;
};

// "number" / "text".
std::string_view ParameterTypeName(ParameterType type);
// The type named `name`; nullopt for any other text.
std::optional<ParameterType> ParseParameterType(std::string_view name);

// The text as a number when all of it is one (finite); nullopt otherwise.
std::optional<double> ParseParameterNumber(std::string_view text);

// The type of a parameter from its values, for sources without declarations: a number when every
// non-empty value is one (and there is at least one), else a text.
ParameterType InferParameterType(const std::vector<std::string>& values);

// Declarations for `names` inferred from the values `rows` give them (each row a run's or a
// job's parameters; a missing name counts as an empty value).
std::vector<ParameterDeclaration> InferParameterTypes(const std::vector<std::string>& names,
                                                      const std::vector<RunParameters>& rows);

// name -> type, for look-ups.
std::map<std::string, ParameterType> ParameterTypeMap(
    const std::vector<ParameterDeclaration>& declarations);

}  // namespace twinprof
