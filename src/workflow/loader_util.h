// Pieces shared by the workflow loaders (internal to src/workflow).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/yaml_file.h"
#include "workflow/workflow.h"

namespace twinprof::workflow::internal {

// Sets component.script_path to `script` resolved against the folder of `file`, and warns when
// that file does not exist (only commands that run scripts need it; see RequireScripts).
void ResolveScript(Component& component, const std::string& file, Warnings* warnings);

// Throws InputError at the second occurrence of a key that appears twice in `map` (yaml-cpp keeps
// both, and lookups silently see only the first).
void CheckUniqueKeys(const YamlFile& file, const YAML::Node& map, std::string_view what);

// A component or cluster name: letters, digits, '-', '_' and '.', starting with a letter or
// digit. Throws InputError at `node` otherwise.
void CheckName(const YamlFile& file, const YAML::Node& node, const std::string& name,
               std::string_view what);

// The cpu and memory of a component, which must be positive (throws at `node` otherwise).
double PositiveCpu(const YamlFile& file, const YAML::Node& node, std::string_view what);
double PositiveSize(const YamlFile& file, const YAML::Node& node, std::string_view what);

}  // namespace twinprof::workflow::internal
