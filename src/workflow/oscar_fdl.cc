// OSCAR Functions Definition Language files (the `oscar-cli apply` format):
//
//   functions:
//     oscar:
//     - CLUSTER_ID: {name, image, script, cpu: '1.0', memory: 1Gi, input: [...], output: [...],
//                    environment: {variables: {...}}, ...}
//
// Two services form an edge when an output path of one is an input path of the other.

#include <filesystem>
#include <map>
#include <set>

#include "core/yaml_file.h"
#include "workflow/loader_util.h"
#include "workflow/loaders.h"

namespace twinprof {

namespace {

using namespace workflow_internal;

// Service fields OSCAR defines that twinprof does not model: accepted silently. Anything else
// gets a warning (FDL files evolve with OSCAR; a field we do not know is not a reason to stop).
const std::set<std::string> kIgnoredServiceFields = {"cluster_id",
                                                     "total_memory",
                                                     "total_cpu",
                                                     "enable_gpu",
                                                     "enable_sgx",
                                                     "image_prefetch",
                                                     "synchronous",
                                                     "replicas",
                                                     "delegation",
                                                     "rescheduler_threshold",
                                                     "log_level",
                                                     "alpine",
                                                     "token",
                                                     "file_stage_in",
                                                     "image_pull_secrets",
                                                     "expose",
                                                     "annotations",
                                                     "vo",
                                                     "labels",
                                                     "storage_providers",
                                                     "clusters",
                                                     "owner",
                                                     "interlink_node_name",
                                                     "visibility",
                                                     "allowed_users",
                                                     "isolation_level",
                                                     "bucket_list",
                                                     "mount"};

// Bucket paths compare without leading or trailing slashes.
std::string NormalPath(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  size_t start = path.find_first_not_of('/');
  return start == std::string::npos ? std::string() : path.substr(start);
}

// Reads an `input` or `output` list; returns the paths with the node of each.
std::vector<std::pair<std::string, YAML::Node>> ReadPaths(const YamlFile& file,
                                                          const YAML::Node& node,
                                                          const std::string& what,
                                                          Warnings* warnings) {
  std::vector<std::pair<std::string, YAML::Node>> paths;
  file.ExpectSequence(node, what);
  for (const YAML::Node& entry : node) {
    file.ExpectMap(entry, what + " entry");
    file.CheckKeys(entry, {"storage_provider", "path", "prefix", "suffix"}, what + " entry",
                   warnings);
    YAML::Node path = file.Required(entry, "path");
    std::string normal = NormalPath(file.String(path, "path"));
    if (normal.empty()) file.Fail(path, "path must name a bucket");
    paths.emplace_back(normal, path);
  }
  return paths;
}

Component ReadService(const YamlFile& file, const std::string& cluster, const YAML::Node& node,
                      std::vector<std::pair<std::string, YAML::Node>>& inputs, Warnings* warnings) {
  file.ExpectMap(node, "a service");
  CheckUniqueKeys(file, node, "a service");
  Component component;
  component.cluster = cluster;
  component.where = file.Where(node);
  YAML::Node name = file.Required(node, "name");
  component.name = file.String(name, "name");
  CheckName(file, name, component.name, "service name");
  component.where = file.Where(name);
  std::string what = "service '" + component.name + "'";
  for (const auto& entry : node) {
    static const std::set<std::string> kKnown = {"name",   "image", "script", "cpu",
                                                 "memory", "input", "output", "environment"};
    const std::string& key = entry.first.Scalar();
    if (kKnown.count(key) || kIgnoredServiceFields.count(key)) continue;
    if (warnings != nullptr) {
      warnings->push_back(Warning{file.Where(entry.first),
                                  "unknown field '" + key + "' in " + what + " (ignored)"});
    }
  }
  component.script = file.String(file.Required(node, "script"), "script");
  if (component.script.empty()) file.Fail(node["script"], "script must not be empty");
  component.cpu = PositiveCpu(file, file.Required(node, "cpu"), "cpu");
  component.memory_bytes = PositiveSize(file, file.Required(node, "memory"), "memory");
  if (YAML::Node image = YamlFile::Optional(node, "image"); image.IsDefined()) {
    // One image reference for every node: OSCAR pulls the same name everywhere, and a
    // multi-arch manifest picks the architecture.
    std::string reference = file.String(image, "image");
    component.images["x86_64"] = reference;
    component.images["arm64"] = reference;
  }
  if (YAML::Node environment = YamlFile::Optional(node, "environment"); environment.IsDefined()) {
    file.ExpectMap(environment, "environment");
    file.CheckKeys(environment, {"variables", "secrets"}, "environment", warnings);
    if (YAML::Node variables = YamlFile::Optional(environment, "variables");
        variables.IsDefined() && !variables.IsNull()) {
      file.ExpectMap(variables, "environment variables");
      CheckUniqueKeys(file, variables, "environment variables");
      for (const auto& entry : variables) {
        component.environment.emplace_back(entry.first.Scalar(),
                                           file.String(entry.second, "environment variable"));
      }
    }
    // Secrets are deliberately not read: their values must never reach logs or reports.
  }
  if (YAML::Node input = YamlFile::Optional(node, "input"); input.IsDefined() && !input.IsNull()) {
    inputs = ReadPaths(file, input, "input", warnings);
    for (const auto& [path, where] : inputs) component.input_paths.push_back(path);
  }
  if (YAML::Node output = YamlFile::Optional(node, "output");
      output.IsDefined() && !output.IsNull()) {
    for (const auto& [path, where] : ReadPaths(file, output, "output", warnings)) {
      component.output_paths.push_back(path);
    }
  }
  ResolveScript(component, file.path(), warnings);
  return component;
}

}  // namespace

Workflow LoadOscarFdl(const std::string& path, Warnings* warnings) {
  YamlFile file = YamlFile::Load(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "an FDL file");
  CheckUniqueKeys(file, root, "the FDL file");
  file.CheckKeys(root, {"functions", "storage_providers"}, "the FDL file", warnings);
  YAML::Node functions = file.Required(root, "functions");
  file.ExpectMap(functions, "functions");
  file.CheckKeys(functions, {"oscar"}, "functions", warnings);
  YAML::Node services = file.Required(functions, "oscar");
  file.ExpectSequence(services, "functions.oscar");
  if (services.size() == 0) file.Fail(services, "the FDL file defines no services");

  Workflow workflow(std::filesystem::path(path).stem().string());
  workflow.set_source_file(path);
  std::map<std::string, ComponentId> ids;
  // Input paths of each component, with their nodes (edges are located at the input path).
  std::vector<std::vector<std::pair<std::string, YAML::Node>>> inputs;
  for (const YAML::Node& item : services) {
    file.ExpectMap(item, "an entry of functions.oscar ({CLUSTER_ID: SERVICE})");
    if (item.size() == 0) file.Fail(item, "an entry of functions.oscar names no cluster");
    for (const auto& entry : item) {
      std::string cluster = file.String(entry.first, "cluster id");
      CheckName(file, entry.first, cluster, "cluster id");
      std::vector<std::pair<std::string, YAML::Node>> component_inputs;
      Component component = ReadService(file, cluster, entry.second, component_inputs, warnings);
      if (auto it = ids.find(component.name); it != ids.end()) {
        file.Fail(entry.second["name"],
                  "duplicate service name '" + component.name + "' (first defined at line " +
                      std::to_string(workflow.component(it->second).where.line) + ")");
      }
      std::string name = component.name;
      ids[name] = workflow.AddComponent(std::move(component));
      inputs.push_back(std::move(component_inputs));
    }
  }

  // Edges: an output path of `from` that is an input path of `to`.
  for (ComponentId from : workflow.components()) {
    std::set<std::string> outputs(workflow.component(from).output_paths.begin(),
                                  workflow.component(from).output_paths.end());
    for (ComponentId to : workflow.components()) {
      for (const auto& [input, node] : inputs[to]) {
        if (outputs.count(input)) {
          workflow.AddDependency(from, to, Dependency{file.Where(node)});
          break;
        }
      }
    }
  }
  workflow.Validate();
  return workflow;
}

}  // namespace twinprof
