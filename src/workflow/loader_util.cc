#include "workflow/loader_util.h"

#include <filesystem>
#include <map>

#include "core/relative_path.h"

namespace twinprof::workflow::internal {

namespace fs = std::filesystem;

void ResolveScript(Component& component, const std::string& file, Warnings* warnings) {
  if (component.script.empty()) return;
  component.script_path = ResolveRelativeTo(file, component.script);
  std::error_code error;
  if (!fs::is_regular_file(component.script_path, error) && warnings != nullptr) {
    warnings->push_back(Warning{component.where, "script of component '" + component.name +
                                                     "' not found: " + component.script_path +
                                                     " (needed only to run it)"});
  }
}

void CheckUniqueKeys(const YamlFile& file, const YAML::Node& map, std::string_view what) {
  std::map<std::string, YAML::Node> seen;
  for (const auto& entry : map) {
    if (!entry.first.IsScalar())
      file.Fail(entry.first, "keys of " + std::string(what) + " must be single values");
    auto [it, inserted] = seen.emplace(entry.first.Scalar(), entry.first);
    if (!inserted) {
      file.Fail(entry.first, "'" + entry.first.Scalar() + "' appears twice in " +
                                 std::string(what) + " (first at line " +
                                 std::to_string(file.Where(it->second).line) + ")");
    }
  }
}

void CheckName(const YamlFile& file, const YAML::Node& node, const std::string& name,
               std::string_view what) {
  bool ok = !name.empty() && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  if (!ok) {
    file.Fail(node, std::string(what) + " '" + name +
                        "' is not a valid name (letters, digits, '-', '_', '.'; starting with a "
                        "letter or digit)");
  }
}

double PositiveCpu(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  double cpu = file.Cpu(node, what);
  if (!(cpu > 0)) file.Fail(node, std::string(what) + " must be positive, not " + node.Scalar());
  return cpu;
}

double PositiveSize(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  double bytes = file.Size(node, what);
  if (!(bytes > 0)) file.Fail(node, std::string(what) + " must be positive, not " + node.Scalar());
  return bytes;
}

}  // namespace twinprof::workflow::internal
