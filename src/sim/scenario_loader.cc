// LoadScenario: the YAML scenario format (docs/formats.md, "Scenario").
#include <algorithm>
#include <filesystem>
#include <set>

#include "core/yaml_file.h"
#include "sim/calibration_file.h"
#include "sim/node_pool.h"
#include "sim/scenario.h"
#include "workflow/loaders.h"

namespace twinprof::sim {

namespace {

namespace fs = std::filesystem;

std::string Resolve(const std::string& base_file, const std::string& path) {
  fs::path p(path);
  if (p.is_absolute()) return path;
  return (fs::path(base_file).parent_path() / p).lexically_normal().string();
}

// Applies "a.b.c" = value to the document, creating maps on the way. The value is parsed as
// YAML, so "[1, 2]" is a list.
void ApplyOverride(YamlFile& file, YAML::Node root, const std::string& key,
                   const std::string& value) {
  const std::string flag = "--set " + key + "=" + value;
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const std::string& part : parts) {
    if (part.empty()) throw InputError(SourceLocation{flag}, "empty key part in '" + key + "'");
  }
  YAML::Node current = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = current[parts[i]];
    if (!next.IsMap()) {
      current[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = current[parts[i]];
    }
    current.reset(next);
  }
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    throw InputError(SourceLocation{flag}, "not a YAML value: " + e.msg);
  }
  current[parts.back()] = parsed;
  file.SetOrigin(parsed, flag);  // its errors name the flag, not the scenario's line 1
}

// The file named by root[key], resolved against the scenario's folder; it must exist.
std::string ExistingFile(const YamlFile& file, const YAML::Node& root, const char* key) {
  YAML::Node node = file.Required(root, key);
  std::string resolved = Resolve(file.path(), file.String(node, key));
  std::error_code error;
  if (!fs::is_regular_file(resolved, error)) {
    file.Fail(node, std::string(key) + " file '" + resolved + "' does not exist");
  }
  return resolved;
}

Distribution ParseInputSize(const YamlFile& file, const YAML::Node& node) {
  Distribution size;
  if (node.IsScalar()) {
    size.a = file.Size(node, "input_size");
    return size;
  }
  file.ExpectMap(node, "input_size (a size or {distribution: ...})");
  if (YAML::Node values = YamlFile::Optional(node, "values"); values) {
    file.CheckKeys(node, {"values"}, "input_size", nullptr);
    file.ExpectSequence(values, "input_size values");
    size.kind = Distribution::Kind::kEmpirical;
    for (const YAML::Node& value : values) size.values.push_back(file.Size(value, "a size"));
    if (size.values.empty()) file.Fail(values, "input_size values: the list is empty");
    return size;
  }
  YAML::Node kind = file.Required(node, "distribution");
  std::string name = file.String(kind, "input_size distribution");
  if (name == "uniform") {
    file.CheckKeys(node, {"distribution", "min", "max"}, "input_size", nullptr);
    size.kind = Distribution::Kind::kUniform;
    size.a = file.Size(file.Required(node, "min"), "min");
    size.b = file.Size(file.Required(node, "max"), "max");
    if (size.b < size.a) file.Fail(node, "input_size: max must be >= min");
  } else if (name == "exponential") {
    file.CheckKeys(node, {"distribution", "mean"}, "input_size", nullptr);
    size.kind = Distribution::Kind::kExponential;
    size.a = file.Size(file.Required(node, "mean"), "mean");
  } else if (name == "fixed" || name == "deterministic") {
    file.CheckKeys(node, {"distribution", "value"}, "input_size", nullptr);
    size.a = file.Size(file.Required(node, "value"), "value");
  } else {
    file.Fail(kind, "input_size distribution '" + name +
                        "' is not one of fixed, uniform, exponential (or give values: [...])");
  }
  return size;
}

Workload ParseWorkload(const YamlFile& file, const YAML::Node& node) {
  file.CheckKeys(node,
                 {"files", "batch_size", "inter_upload_time", "distribution", "input_size", "seed"},
                 "'workload'", nullptr);
  Workload workload;
  workload.files = file.Integer(file.Required(node, "files"), "files", 0, int64_t{1} << 40);
  if (YAML::Node batch = YamlFile::Optional(node, "batch_size"); batch) {
    workload.batch_size = file.Integer(batch, "batch_size", 1, int64_t{1} << 40);
  }
  if (YAML::Node gap = YamlFile::Optional(node, "inter_upload_time"); gap) {
    workload.inter_upload_time = file.Duration(gap, "inter_upload_time");
  }
  if (YAML::Node distribution = YamlFile::Optional(node, "distribution"); distribution) {
    std::string name = file.String(distribution, "distribution");
    if (name == "exponential") {
      workload.exponential = true;
    } else if (name != "deterministic") {
      file.Fail(distribution,
                "distribution must be deterministic or exponential, not '" + name + "'");
    }
  }
  if (YAML::Node size = YamlFile::Optional(node, "input_size"); size) {
    workload.input_size = ParseInputSize(file, size);
  }
  if (YAML::Node seed = YamlFile::Optional(node, "seed"); seed) {
    workload.seed = static_cast<uint64_t>(file.Integer(seed, "seed", 0, INT64_MAX));
  }
  return workload;
}

// `hardware:` changes the platform for this scenario: node counts and per-core speeds.
void ApplyHardware(const YamlFile& file, const YAML::Node& node, platform::Platform& platform) {
  file.CheckKeys(node, {"nodes", "speed"}, "'hardware'", nullptr);
  if (YAML::Node nodes = YamlFile::Optional(node, "nodes"); nodes) {
    file.ExpectMap(nodes, "hardware nodes ({cluster: {node_type: count}})");
    for (const auto& entry : nodes) {
      std::string cluster_name = file.String(entry.first, "a cluster name");
      platform::Cluster* cluster = nullptr;
      for (platform::Cluster& c : platform.clusters) {
        if (c.name == cluster_name) cluster = &c;
      }
      if (cluster == nullptr) file.Fail(entry.first, "unknown cluster '" + cluster_name + "'");
      file.ExpectMap(entry.second, "node counts ({node_type: count})");
      for (const auto& count : entry.second) {
        std::string type = file.String(count.first, "a node type");
        if (platform.FindNodeType(type) == nullptr) {
          file.Fail(count.first, "unknown node type '" + type + "'");
        }
        int n = static_cast<int>(file.Integer(count.second, "node count", 0, 100000));
        auto& counts = cluster->nodes;
        auto existing = std::find_if(counts.begin(), counts.end(),
                                     [&](const auto& entry) { return entry.first == type; });
        if (n == 0) {  // none of this type (explore's mixes): the type leaves the cluster
          if (existing != counts.end()) counts.erase(existing);
        } else if (existing != counts.end()) {
          existing->second = n;
        } else {
          counts.emplace_back(type, n);
        }
      }
      if (cluster->nodes.empty())
        file.Fail(entry.second, "cluster '" + cluster_name + "' has no nodes left");
    }
  }
  if (YAML::Node speeds = YamlFile::Optional(node, "speed"); speeds) {
    file.ExpectMap(speeds, "hardware speed ({node_type: flops per core})");
    for (const auto& entry : speeds) {
      std::string type = file.String(entry.first, "a node type");
      platform::NodeType* found = nullptr;
      for (platform::NodeType& t : platform.node_types) {
        if (t.name == type) found = &t;
      }
      if (found == nullptr) file.Fail(entry.first, "unknown node type '" + type + "'");
      found->speed = file.Flops(entry.second, "speed");
      if (!(found->speed > 0)) file.Fail(entry.second, "speed must be > 0");
      found->where = file.Where(entry.second);
    }
  }
}

// Reads `component: behaviour` entries of `node` into `behaviours`.
void ReadBehaviours(const YamlFile& file, const YAML::Node& node,
                    const workflow::Workflow& workflow, const platform::Platform& platform,
                    std::vector<ComponentBehaviour>& behaviours, std::vector<bool>& given) {
  file.ExpectMap(node, "behaviours ({component: {work: ..., ...}})");
  for (const auto& entry : node) {
    std::string name = file.String(entry.first, "a component name");
    std::optional<workflow::ComponentId> id = workflow.Find(name);
    if (!id) file.Fail(entry.first, "unknown component '" + name + "'");
    ComponentBehaviour parsed = ParseComponentBehaviour(file, entry.second, &platform);
    // `model:` replaces only the work: the keys the entry does not give keep the behaviour the
    // component already has (a calibration's output sizes, serial fraction, speed factors).
    if (given[*id] && !parsed.model_path.empty()) {
      ComponentBehaviour merged = behaviours[*id];
      merged.model_path = parsed.model_path;
      if (YamlFile::Optional(entry.second, "serial_fraction")) {
        merged.serial_fraction = parsed.serial_fraction;
      }
      if (YamlFile::Optional(entry.second, "output")) {
        merged.output_files_per_input = parsed.output_files_per_input;
        merged.output_files_per_input_byte = parsed.output_files_per_input_byte;
        merged.output_bytes = parsed.output_bytes;
        merged.output_bytes_per_input_byte = parsed.output_bytes_per_input_byte;
      }
      if (YamlFile::Optional(entry.second, "speed_factor")) {
        merged.speed_factor = parsed.speed_factor;
      }
      if (YamlFile::Optional(entry.second, "interference")) {
        merged.interference = parsed.interference;
      }
      parsed = merged;
    }
    behaviours[*id] = parsed;
    given[*id] = true;
  }
}

// `mode: sync` and the synchronous service's settings of a `resources` entry.
void ReadSyncSettings(const YamlFile& file, const YAML::Node& node, SyncSettings& sync) {
  if (YAML::Node mode = YamlFile::Optional(node, "mode"); mode) {
    std::string name = file.String(mode, "mode");
    if (name != "sync" && name != "async") {
      file.Fail(mode, "mode must be sync or async, not '" + name + "'");
    }
    sync.enabled = name == "sync";
  }
  for (const char* key : {"container_concurrency", "keep_alive", "min_scale", "max_scale",
                          "reject_when_full", "init_time", "autoscaler", "knative"}) {
    if (YAML::Node value = YamlFile::Optional(node, key); value && !sync.enabled) {
      file.Fail(value, std::string(key) + " applies only to synchronous services (mode: sync)");
    }
  }
  if (YAML::Node value = YamlFile::Optional(node, "container_concurrency"); value) {
    sync.container_concurrency =
        static_cast<int>(file.Integer(value, "container_concurrency", 1, 1000000));
  }
  if (YAML::Node value = YamlFile::Optional(node, "keep_alive"); value) {
    sync.keep_alive_s = file.Duration(value, "keep_alive");
  }
  if (YAML::Node value = YamlFile::Optional(node, "min_scale"); value) {
    sync.min_scale = static_cast<int>(file.Integer(value, "min_scale", 0, 1000000));
  }
  if (YAML::Node value = YamlFile::Optional(node, "max_scale"); value) {
    sync.max_scale = static_cast<int>(file.Integer(value, "max_scale", 0, 1000000));
  }
  if (YAML::Node value = YamlFile::Optional(node, "reject_when_full"); value) {
    sync.reject_when_full = file.Bool(value, "reject_when_full");
  }
  if (YAML::Node value = YamlFile::Optional(node, "init_time"); value) {
    sync.init_s = file.Duration(value, "init_time");
  }
  if (YAML::Node value = YamlFile::Optional(node, "autoscaler"); value) {
    std::string name = file.String(value, "autoscaler");
    if (name != "knative" && name != "per-request") {
      file.Fail(value, "autoscaler must be per-request or knative, not '" + name + "'");
    }
    sync.knative = name == "knative";
  }
  if (YAML::Node value = YamlFile::Optional(node, "knative"); value) {
    if (!sync.knative) file.Fail(value, "knative settings need autoscaler: knative");
    sync.knative_settings = ParseKnativeSettings(file, value);
  }
  for (const char* key : {"keep_alive", "reject_when_full"}) {
    if (YAML::Node value = YamlFile::Optional(node, key); value && sync.knative) {
      file.Fail(value, std::string(key) + " does not apply with autoscaler: knative");
    }
  }
  if (sync.max_scale > 0 && sync.min_scale > sync.max_scale) {
    file.Fail(node, "min_scale must be <= max_scale");
  }
}

}  // namespace

Scenario LoadScenario(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& overrides,
                      bool behaviours_optional) {
  YamlFile file = YamlFile::Load(path);
  file.ExpectMap(file.root(), "a scenario");
  YAML::Node root = file.root();
  for (const auto& [key, value] : overrides) ApplyOverride(file, root, key, value);
  file.CheckKeys(root,
                 {"name", "workflow", "platform", "hardware", "placement", "resources",
                  "scheduling", "workload", "behaviour", "behaviour_file", "calibration"},
                 "a scenario", nullptr);

  Scenario scenario;
  scenario.source_file = path;
  scenario.parameters = overrides;
  scenario.name = YamlFile::Optional(root, "name") ? file.String(root["name"], "name")
                                                   : fs::path(path).stem().string();
  scenario.workflow = workflow::LoadWorkflow(ExistingFile(file, root, "workflow"), nullptr);
  scenario.platform = platform::LoadPlatform(ExistingFile(file, root, "platform"));
  // A calibration file first: the scenario's own hardware and behaviour replace its values.
  scenario.behaviours.resize(scenario.workflow.size());
  std::vector<bool> given(scenario.workflow.size(), false);
  if (YamlFile::Optional(root, "calibration")) {
    ApplyCalibrationFile(ExistingFile(file, root, "calibration"), scenario.workflow,
                         scenario.platform, scenario.behaviours, given);
  }
  if (YAML::Node hardware = YamlFile::Optional(root, "hardware"); hardware) {
    ApplyHardware(file, hardware, scenario.platform);
  }
  const workflow::Workflow& workflow = scenario.workflow;
  const platform::Platform& platform = scenario.platform;

  // Placement: a cluster, a node type (of exactly one cluster), or {cluster, node_type}.
  scenario.deployments.resize(workflow.size());
  std::vector<bool> placed(workflow.size(), false);
  YAML::Node placement = file.Required(root, "placement");
  file.ExpectMap(placement, "'placement' ({component: cluster})");
  for (const auto& entry : placement) {
    std::string name = file.String(entry.first, "a component name");
    std::optional<workflow::ComponentId> id = workflow.Find(name);
    if (!id) file.Fail(entry.first, "unknown component '" + name + "'");
    ComponentDeployment& deployment = scenario.deployments[*id];
    deployment.where = file.Where(entry.second);
    if (entry.second.IsMap()) {
      file.CheckKeys(entry.second, {"cluster", "node_type"}, "a placement", nullptr);
      deployment.cluster = file.String(file.Required(entry.second, "cluster"), "cluster");
      if (YAML::Node type = YamlFile::Optional(entry.second, "node_type"); type) {
        deployment.node_type = file.String(type, "node_type");
      }
    } else {
      std::string target = file.String(entry.second, "a cluster or node type");
      if (platform.FindCluster(target) != nullptr) {
        deployment.cluster = target;
      } else if (platform.FindNodeType(target) != nullptr) {
        std::vector<std::string> clusters;
        for (const platform::Cluster& cluster : platform.clusters) {
          for (const auto& [type, count] : cluster.nodes) {
            if (type == target && count > 0) clusters.push_back(cluster.name);
          }
        }
        if (clusters.size() != 1) {
          file.Fail(entry.second, "node type '" + target + "' is in " +
                                      std::to_string(clusters.size()) +
                                      " clusters; use {cluster: ..., node_type: ...}");
        }
        deployment.cluster = clusters.front();
        deployment.node_type = target;
      } else {
        file.Fail(entry.second, "unknown cluster or node type '" + target + "'");
      }
    }
    if (platform.FindCluster(deployment.cluster) == nullptr) {
      file.Fail(entry.second, "unknown cluster '" + deployment.cluster + "'");
    }
    if (!deployment.node_type.empty() && platform.FindNodeType(deployment.node_type) == nullptr) {
      file.Fail(entry.second, "unknown node type '" + deployment.node_type + "'");
    }
    const workflow::Component& component = workflow.component(*id);
    deployment.cpu = component.cpu;
    deployment.memory_bytes = component.memory_bytes;
    placed[*id] = true;
  }
  for (workflow::ComponentId id : workflow.components()) {
    if (!placed[id]) {
      file.Fail(placement, "component '" + workflow.component(id).name + "' has no placement");
    }
  }

  if (YAML::Node resources = YamlFile::Optional(root, "resources"); resources) {
    file.ExpectMap(resources, "'resources' ({component: {cpu, memory, parallelism}})");
    for (const auto& entry : resources) {
      std::string name = file.String(entry.first, "a component name");
      std::optional<workflow::ComponentId> id = workflow.Find(name);
      if (!id) file.Fail(entry.first, "unknown component '" + name + "'");
      file.CheckKeys(entry.second,
                     {"cpu", "cpu_limit", "memory", "parallelism", "mode", "container_concurrency",
                      "keep_alive", "min_scale", "max_scale", "reject_when_full", "init_time",
                      "autoscaler", "knative"},
                     "resources", nullptr);
      ComponentDeployment& deployment = scenario.deployments[*id];
      deployment.where = file.Where(entry.second);
      if (YAML::Node cpu = YamlFile::Optional(entry.second, "cpu"); cpu) {
        deployment.cpu = file.Cpu(cpu, "cpu");
        if (ToMillicores(deployment.cpu) < 1) file.Fail(cpu, "cpu must be at least 1m");
      }
      if (YAML::Node limit = YamlFile::Optional(entry.second, "cpu_limit"); limit) {
        deployment.cpu_limit = file.Cpu(limit, "cpu_limit");
        if (ToMillicores(deployment.cpu_limit) < 1) file.Fail(limit, "cpu_limit must be >= 1m");
      }
      if (YAML::Node memory = YamlFile::Optional(entry.second, "memory"); memory) {
        deployment.memory_bytes = file.Size(memory, "memory");
      }
      if (YAML::Node parallelism = YamlFile::Optional(entry.second, "parallelism"); parallelism) {
        deployment.parallelism =
            static_cast<int>(file.Integer(parallelism, "parallelism", 0, 1000000));
      }
      ReadSyncSettings(file, entry.second, deployment.sync);
    }
  }

  if (YAML::Node scheduling = YamlFile::Optional(root, "scheduling"); scheduling) {
    std::string policy = file.String(scheduling, "scheduling");
    if (policy == "first-fit") {
      scenario.node_policy = NodePolicy::kFirstFit;
    } else if (policy == "least-allocated") {
      scenario.node_policy = NodePolicy::kLeastAllocated;
    } else {
      file.Fail(scheduling,
                "scheduling must be first-fit or least-allocated, not '" + policy + "'");
    }
  }

  scenario.workload = ParseWorkload(file, file.Required(root, "workload"));
  if (!(scenario.workload.input_size.kind != Distribution::Kind::kFixed ||
        scenario.workload.input_size.a >= 0)) {
    file.Fail(root["workload"], "input_size must be >= 0");
  }

  // Behaviour: the calibration's (above), a parameter file, then the scenario's own entries.
  if (YAML::Node behaviour_file = YamlFile::Optional(root, "behaviour_file"); behaviour_file) {
    YamlFile parameter_file = YamlFile::Load(ExistingFile(file, root, "behaviour_file"));
    YAML::Node section = YamlFile::Optional(parameter_file.root(), "behaviour");
    ReadBehaviours(parameter_file, section ? section : parameter_file.root(), workflow, platform,
                   scenario.behaviours, given);
  }
  if (YAML::Node behaviour = YamlFile::Optional(root, "behaviour"); behaviour) {
    ReadBehaviours(file, behaviour, workflow, platform, scenario.behaviours, given);
  }
  for (workflow::ComponentId id : workflow.components()) {
    if (!given[id] && !behaviours_optional) {
      file.Fail(root, "component '" + workflow.component(id).name +
                          "' has no behaviour (add it under 'behaviour')");
    }
  }

  ValidateScenario(scenario);
  return scenario;
}

}  // namespace twinprof::sim
