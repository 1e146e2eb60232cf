// OSCAR Functions Definition Language files (the `oscar-cli apply` format):
//
//   functions:
//     oscar:
//     - CLUSTER_ID: {name, image, script, cpu: '1.0', memory: 1Gi, input: [...], output: [...],
//                    environment: {variables: {...}}, replicas: [...], ...}
//
// Two services form an edge when an output path of one is an input path of the other. A service
// is identified by its cluster and its name: one name may be used in several clusters (a service
// and its replica), and such components are named NAME@CLUSTER. As OSCAR (which decodes the FDL
// as JSON) does, field names of `environment` are matched without regard to case
// (`Variables`), and cpu and memory default to OSCAR's 0.2 and 256Mi. A service without `script`
// runs its image's own command.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "core/yaml_file.h"
#include "workflow/loader_util.h"
#include "workflow/loaders.h"

namespace twinprof::workflow {

namespace {

using namespace internal;

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
                                                     "mount",
                                                     "kserve",
                                                     "federation"};

// OSCAR's defaults for a service without cpu or memory (pkg/handlers/create.go).
constexpr double kDefaultCpu = 0.2;
constexpr double kDefaultMemoryBytes = 256.0 * 1048576;

// The entry of `map` whose key equals `key` without regard to case (OSCAR decodes the FDL as
// JSON, whose field names match so). Undefined when there is none.
YAML::Node FieldIgnoringCase(const YAML::Node& map, const std::string& key) {
  for (const auto& entry : map) {
    const std::string& name = entry.first.Scalar();
    if (name.size() == key.size() &&
        std::equal(name.begin(), name.end(), key.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return entry.second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// The `replicas` list of a service.
std::vector<Replica> ReadReplicas(const YamlFile& file, const YAML::Node& node,
                                  Warnings* warnings) {
  std::vector<Replica> replicas;
  file.ExpectSequence(node, "replicas");
  for (const YAML::Node& entry : node) {
    file.ExpectMap(entry, "a replica");
    file.CheckKeys(
        entry, {"type", "cluster_id", "service_name", "url", "ssl_verify", "priority", "headers"},
        "a replica", warnings);
    Replica replica;
    if (YAML::Node type = YamlFile::Optional(entry, "type")) {
      replica.type = file.String(type, "type");
      if (replica.type != "oscar" && replica.type != "endpoint") {
        file.Fail(type, "a replica's type is oscar or endpoint, not '" + replica.type + "'");
      }
    }
    if (replica.type == "oscar") {
      replica.cluster = file.String(file.Required(entry, "cluster_id"), "cluster_id");
      replica.service = file.String(file.Required(entry, "service_name"), "service_name");
    } else {
      replica.url = file.String(file.Required(entry, "url"), "url");
    }
    if (YAML::Node priority = YamlFile::Optional(entry, "priority")) {
      replica.priority = static_cast<int>(file.Integer(priority, "priority", 0, 1000000));
    }
    replicas.push_back(std::move(replica));
  }
  return replicas;
}

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
  component.service_name = component.name;
  if (YAML::Node script = YamlFile::Optional(node, "script")) {
    component.script = file.String(script, "script");
    if (component.script.empty()) file.Fail(script, "script must not be empty");
  }
  component.cpu = kDefaultCpu;
  if (YAML::Node cpu = YamlFile::Optional(node, "cpu"))
    component.cpu = PositiveCpu(file, cpu, "cpu");
  component.memory_bytes = kDefaultMemoryBytes;
  if (YAML::Node memory = YamlFile::Optional(node, "memory")) {
    component.memory_bytes = PositiveSize(file, memory, "memory");
  }
  if (YAML::Node image = YamlFile::Optional(node, "image"); image.IsDefined()) {
    // One image reference for every node: OSCAR pulls the same name everywhere, and a
    // multi-arch manifest picks the architecture.
    std::string reference = file.String(image, "image");
    component.images["x86_64"] = reference;
    component.images["arm64"] = reference;
  }
  if (component.script.empty()) {
    // The image's own command (entrypoint) does the work, as in OSCAR's kserve and rucio examples.
    if (component.images.empty()) {
      file.Fail(node, "service '" + component.name +
                          "' has neither a script nor an image; without a script the image's own "
                          "command runs, so it needs 'image'");
    }
    component.image_command = true;
  }
  if (YAML::Node environment = YamlFile::Optional(node, "environment"); environment.IsDefined()) {
    file.ExpectMap(environment, "environment");
    CheckUniqueKeys(file, environment, "environment");
    for (const auto& entry : environment) {
      const std::string& key = entry.first.Scalar();
      std::string lower = key;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "variables" || lower == "secrets") continue;
      if (warnings != nullptr) {
        warnings->push_back(Warning{file.Where(entry.first),
                                    "unknown field '" + key + "' in environment (ignored)"});
      }
    }
    if (YAML::Node variables = FieldIgnoringCase(environment, "variables");
        variables.IsDefined() && !variables.IsNull()) {
      file.ExpectMap(variables, "environment variables");
      CheckUniqueKeys(file, variables, "environment variables");
      for (const auto& entry : variables) {
        if (!entry.second.IsScalar()) {
          // OSCAR's examples leave placeholders such as [aws_access_key_id] to fill in.
          if (warnings != nullptr) {
            warnings->push_back(
                Warning{file.Where(entry.second),
                        "environment variable '" + entry.first.Scalar() +
                            "' is not a single value (a placeholder to fill in?); it is left out"});
          }
          continue;
        }
        component.environment.emplace_back(entry.first.Scalar(), entry.second.Scalar());
      }
    }
    // Secrets are deliberately not read: their values must never reach logs or reports.
  }
  if (YAML::Node replicas = YamlFile::Optional(node, "replicas");
      replicas.IsDefined() && !replicas.IsNull()) {
    component.replicas = ReadReplicas(file, replicas, warnings);
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
  ResolveScript(component, file.path(), warnings);  // nothing to resolve without a script
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
  // A service is identified by cluster and name.
  std::map<std::pair<std::string, std::string>, ComponentId> ids;
  std::map<std::string, int> clusters_of_name;
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
      const auto key = std::make_pair(cluster, component.name);
      if (auto it = ids.find(key); it != ids.end()) {
        file.Fail(entry.second["name"],
                  "duplicate service '" + component.name + "' in cluster '" + cluster +
                      "' (first defined at line " +
                      std::to_string(workflow.component(it->second).where.line) + ")");
      }
      ++clusters_of_name[component.name];
      ids[key] = workflow.AddComponent(std::move(component));
      inputs.push_back(std::move(component_inputs));
    }
  }
  // A name used in several clusters is qualified by the cluster; replicas name their component.
  for (const auto& [key, id] : ids) {
    if (clusters_of_name[key.second] > 1) {
      workflow.mutable_component(id).name = key.second + "@" + key.first;
    }
  }
  for (ComponentId id : workflow.components()) {
    for (Replica& replica : workflow.mutable_component(id).replicas) {
      const auto it = ids.find({replica.cluster, replica.service});
      if (replica.type == "oscar" && it != ids.end()) {
        replica.component = workflow.component(it->second).name;
      }
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

}  // namespace twinprof::workflow
