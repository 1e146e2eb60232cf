// Our YAML workflow format; docs/formats.md, "Workflow", is its reference.

#include <filesystem>
#include <map>
#include <utility>

#include "core/yaml_file.h"
#include "workflow/loader_util.h"
#include "workflow/loaders.h"

namespace twinprof::workflow {

namespace {

using namespace internal;

const char* const kArchitectures[] = {"x86_64", "arm64"};

void ReadImages(const YamlFile& file, const YAML::Node& node, Component& component) {
  if (node.IsScalar()) {  // one (multi-arch) image for every architecture
    std::string image = file.String(node, "image");
    for (const char* arch : kArchitectures) component.images[arch] = image;
    return;
  }
  file.ExpectMap(node, "image (a name, or a map from architecture to image)");
  CheckUniqueKeys(file, node, "image");
  file.CheckKeys(node, {"x86_64", "arm64"}, "image (architectures)", nullptr);
  for (const auto& entry : node) {
    component.images[entry.first.Scalar()] = file.String(entry.second, "image");
  }
}

void ReadEnvironment(const YamlFile& file, const YAML::Node& node, Component& component) {
  file.ExpectMap(node, "environment");
  CheckUniqueKeys(file, node, "environment");
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) file.Fail(entry.first, "'" + name + "' is not a valid environment variable name");
    component.environment.emplace_back(name, file.String(entry.second, "environment variable"));
  }
}

Component ReadComponent(const YamlFile& file, const YAML::Node& key, const YAML::Node& node,
                        Warnings* warnings) {
  Component component;
  component.name = key.Scalar();
  component.where = file.Where(key);
  CheckName(file, key, component.name, "component name");
  std::string what = "component '" + component.name + "'";
  file.ExpectMap(node, what);
  CheckUniqueKeys(file, node, what);
  file.CheckKeys(node, {"script", "image", "image_size", "cpu", "memory", "environment"}, what,
                 nullptr);
  component.script = file.String(file.Required(node, "script"), "script");
  if (component.script.empty()) file.Fail(node["script"], "script must not be empty");
  component.cpu = PositiveCpu(file, file.Required(node, "cpu"), "cpu");
  component.memory_bytes = PositiveSize(file, file.Required(node, "memory"), "memory");
  if (YAML::Node image = YamlFile::Optional(node, "image"); image.IsDefined()) {
    ReadImages(file, image, component);
  }
  if (YAML::Node size = YamlFile::Optional(node, "image_size"); size.IsDefined()) {
    component.image_size_bytes = file.Size(size, "image_size");
  }
  if (YAML::Node environment = YamlFile::Optional(node, "environment"); environment.IsDefined()) {
    ReadEnvironment(file, environment, component);
  }
  ResolveScript(component, file.path(), warnings);
  return component;
}

}  // namespace

Workflow LoadWorkflowYaml(const std::string& path, Warnings* warnings) {
  YamlFile file = YamlFile::Load(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "a workflow file");
  CheckUniqueKeys(file, root, "the workflow");
  file.CheckKeys(root, {"name", "description", "components", "edges"}, "the workflow", nullptr);

  Workflow workflow(std::filesystem::path(path).stem().string());
  workflow.set_source_file(path);
  if (YAML::Node name = YamlFile::Optional(root, "name"); name.IsDefined()) {
    workflow.set_name(file.String(name, "name"));
  }
  if (YAML::Node description = YamlFile::Optional(root, "description"); description.IsDefined()) {
    file.String(description, "description");
  }

  YAML::Node components = file.Required(root, "components");
  file.ExpectMap(components, "components");
  if (components.size() == 0) file.Fail(components, "the workflow has no components");
  std::map<std::string, ComponentId> ids;
  for (const auto& entry : components) {
    file.ExpectScalar(entry.first, "a component name");
    Component component = ReadComponent(file, entry.first, entry.second, warnings);
    if (auto it = ids.find(component.name); it != ids.end()) {
      file.Fail(entry.first, "duplicate component name '" + component.name +
                                 "' (first defined at line " +
                                 std::to_string(workflow.component(it->second).where.line) + ")");
    }
    std::string name = component.name;
    ids[name] = workflow.AddComponent(std::move(component));
  }

  if (YAML::Node edges = YamlFile::Optional(root, "edges"); edges.IsDefined() && !edges.IsNull()) {
    file.ExpectSequence(edges, "edges");
    std::map<std::pair<ComponentId, ComponentId>, int> declared;  // -> line
    for (const YAML::Node& edge : edges) {
      file.ExpectMap(edge, "an edge ({from: A, to: B})");
      CheckUniqueKeys(file, edge, "an edge");
      file.CheckKeys(edge, {"from", "to"}, "an edge", nullptr);
      ComponentId ends[2];
      const char* fields[2] = {"from", "to"};
      for (int i = 0; i < 2; ++i) {
        YAML::Node end = file.Required(edge, fields[i]);
        std::string name = file.String(end, fields[i]);
        auto it = ids.find(name);
        if (it == ids.end()) {
          std::string known;
          for (const auto& [n, id] : ids) known += (known.empty() ? "" : ", ") + n;
          file.Fail(end, "edge names unknown component '" + name + "' (components: " + known + ")");
        }
        ends[i] = it->second;
      }
      SourceLocation where = file.Where(edge);
      auto [it, inserted] = declared.emplace(std::make_pair(ends[0], ends[1]), where.line);
      if (!inserted) {
        file.Fail(edge, "edge " + workflow.component(ends[0]).name + " -> " +
                            workflow.component(ends[1]).name +
                            " is declared twice (first at line " + std::to_string(it->second) +
                            ")");
      }
      workflow.AddDependency(ends[0], ends[1], Dependency{where});
    }
  }
  workflow.Validate();
  return workflow;
}

}  // namespace twinprof::workflow
