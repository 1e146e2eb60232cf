// LoadScenario: the YAML scenario format (docs/formats.md, "Scenario").
#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>

#include "core/relative_path.h"
#include "core/yaml_file.h"
#include "sim/calibration_file.h"
#include "sim/configuration_parameter.h"
#include "sim/node_pool.h"
#include "sim/scenario.h"
#include "workflow/loaders.h"

namespace twinprof::sim {

namespace {

namespace fs = std::filesystem;

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
  std::string resolved = ResolveRelativeTo(file.path(), file.String(node, key));
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
    // An earlier source's behaviour (a calibration, a behaviour_file) stays where this entry is
    // silent: a `model:` on top of a calibration keeps its output sizes and serial fraction, a
    // `--set behaviour.C.work.base=...` changes that one value.
    ComponentBehaviour parsed = ParseComponentBehaviour(file, entry.second, &platform,
                                                        given[*id] ? &behaviours[*id] : nullptr);
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
                          "reject_when_full", "init_time", "routing", "autoscaler", "knative"}) {
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
  if (YAML::Node value = YamlFile::Optional(node, "routing"); value) {
    const std::string name = file.String(value, "routing");
    if (name == "most-recently-used") {
      sync.routing = Routing::kMostRecentlyUsed;
    } else if (name == "newest") {
      sync.routing = Routing::kNewest;
    } else if (name == "oldest") {
      sync.routing = Routing::kOldest;
    } else if (name == "random") {
      sync.routing = Routing::kRandom;
    } else {
      file.Fail(value,
                "routing must be most-recently-used, newest, oldest or random, not '" + name + "'");
    }
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

// One call of LoadScenario: the scenario grows phase by phase, one method per phase, in the order
// Load() calls them. The order is the format's precedence: a calibration file first, so that the
// scenario's own hardware, resources and behaviour replace its values.
class ScenarioLoad {
 public:
  ScenarioLoad(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& overrides,
               bool behaviours_optional)
      : file_(YamlFile::Load(path)), behaviours_optional_(behaviours_optional) {
    scenario_.source_file = path;
    scenario_.parameters = overrides;
  }

  Scenario Load() {
    ReadDocument();
    ReadWorkflowAndPlatform();
    ReadCalibrationAndHardware();
    ReadPlacement();
    ReadResources();
    ApplyRunParameters();
    ReadScheduling();
    ReadWorkload();
    ReadBehaviour();
    ValidateScenario(scenario_);
    return std::move(scenario_);
  }

 private:
  // The document with the --set overrides applied, and its keys checked. An override whose first
  // part is no scenario key is a run parameter (ApplyRunParameters, once the workflow is known).
  void ReadDocument() {
    file_.ExpectMap(file_.root(), "a scenario");
    root_ = file_.root();
    for (const auto& [key, value] : scenario_.parameters) {
      if (std::find(std::begin(kScenarioKeys), std::end(kScenarioKeys),
                    key.substr(0, key.find('.'))) == std::end(kScenarioKeys)) {
        run_parameters_.emplace_back(key, value);
        continue;
      }
      ApplyOverride(file_, root_, key, value);
    }
    file_.CheckKeys(root_,
                    {"name", "workflow", "platform", "hardware", "placement", "resources",
                     "scheduling", "workload", "behaviour", "behaviour_file", "calibration"},
                    "a scenario", nullptr);
  }

  void ReadWorkflowAndPlatform() {
    scenario_.name = YamlFile::Optional(root_, "name")
                         ? file_.String(root_["name"], "name")
                         : fs::path(scenario_.source_file).stem().string();
    scenario_.workflow = workflow::LoadWorkflow(ExistingFile(file_, root_, "workflow"), nullptr);
    scenario_.platform = platform::LoadPlatform(ExistingFile(file_, root_, "platform"));
  }

  // A calibration file first: the scenario's own hardware and behaviour replace its values.
  void ReadCalibrationAndHardware() {
    scenario_.behaviours.resize(scenario_.workflow.size());
    given_.assign(scenario_.workflow.size(), false);
    if (YamlFile::Optional(root_, "calibration")) {
      ApplyCalibrationFile(ExistingFile(file_, root_, "calibration"), scenario_.workflow,
                           scenario_.platform, scenario_.behaviours, given_);
    }
    if (YAML::Node hardware = YamlFile::Optional(root_, "hardware"); hardware) {
      ApplyHardware(file_, hardware, scenario_.platform);
    }
  }

  // Placement: a cluster, a node type (of exactly one cluster), or {cluster, node_type}. Every
  // component must have one.
  void ReadPlacement() {
    const workflow::Workflow& workflow = scenario_.workflow;
    scenario_.deployments.resize(workflow.size());
    std::vector<bool> placed(workflow.size(), false);
    YAML::Node placement = file_.Required(root_, "placement");
    file_.ExpectMap(placement, "'placement' ({component: cluster})");
    for (const auto& entry : placement) {
      workflow::ComponentId id = FindComponent(entry.first);
      ComponentDeployment& deployment = scenario_.deployments[id];
      deployment.where = file_.Where(entry.second);
      Place(entry.second, deployment);
      const workflow::Component& component = workflow.component(id);
      deployment.cpu = component.cpu;
      deployment.memory_bytes = component.memory_bytes;
      placed[id] = true;
    }
    for (workflow::ComponentId id : workflow.components()) {
      if (!placed[id]) {
        file_.Fail(placement, "component '" + workflow.component(id).name + "' has no placement");
      }
    }
  }

  // One placement entry's value: sets the deployment's cluster (and node type).
  void Place(const YAML::Node& node, ComponentDeployment& deployment) {
    const platform::Platform& platform = scenario_.platform;
    if (node.IsMap()) {
      file_.CheckKeys(node, {"cluster", "node_type"}, "a placement", nullptr);
      deployment.cluster = file_.String(file_.Required(node, "cluster"), "cluster");
      if (YAML::Node type = YamlFile::Optional(node, "node_type"); type) {
        deployment.node_type = file_.String(type, "node_type");
      }
    } else {
      std::string target = file_.String(node, "a cluster or node type");
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
          file_.Fail(node, "node type '" + target + "' is in " + std::to_string(clusters.size()) +
                               " clusters; use {cluster: ..., node_type: ...}");
        }
        deployment.cluster = clusters.front();
        deployment.node_type = target;
      } else {
        file_.Fail(node, "unknown cluster or node type '" + target + "'");
      }
    }
    if (platform.FindCluster(deployment.cluster) == nullptr) {
      file_.Fail(node, "unknown cluster '" + deployment.cluster + "'");
    }
    if (!deployment.node_type.empty() && platform.FindNodeType(deployment.node_type) == nullptr) {
      file_.Fail(node, "unknown node type '" + deployment.node_type + "'");
    }
  }

  // Per component: cpu (request and limit), memory, parallelism, and the synchronous service's
  // settings; they replace the workflow's values.
  void ReadResources() {
    YAML::Node resources = YamlFile::Optional(root_, "resources");
    if (!resources) return;
    file_.ExpectMap(resources, "'resources' ({component: {cpu, memory, parallelism}})");
    for (const auto& entry : resources) {
      workflow::ComponentId id = FindComponent(entry.first);
      file_.CheckKeys(entry.second,
                      {"cpu", "cpu_limit", "memory", "parallelism", "mode", "container_concurrency",
                       "keep_alive", "min_scale", "max_scale", "reject_when_full", "init_time",
                       "routing", "autoscaler", "knative"},
                      "resources", nullptr);
      ComponentDeployment& deployment = scenario_.deployments[id];
      deployment.where = file_.Where(entry.second);
      if (YAML::Node cpu = YamlFile::Optional(entry.second, "cpu"); cpu) {
        deployment.cpu = file_.Cpu(cpu, "cpu");
        if (ToMillicores(deployment.cpu) < 1) file_.Fail(cpu, "cpu must be at least 1m");
      }
      if (YAML::Node limit = YamlFile::Optional(entry.second, "cpu_limit"); limit) {
        deployment.cpu_limit = file_.Cpu(limit, "cpu_limit");
        if (ToMillicores(deployment.cpu_limit) < 1) file_.Fail(limit, "cpu_limit must be >= 1m");
      }
      if (YAML::Node memory = YamlFile::Optional(entry.second, "memory"); memory) {
        deployment.memory_bytes = file_.Size(memory, "memory");
      }
      if (YAML::Node parallelism = YamlFile::Optional(entry.second, "parallelism"); parallelism) {
        deployment.parallelism =
            static_cast<int>(file_.Integer(parallelism, "parallelism", 0, 1000000));
      }
      ReadSyncSettings(file_, entry.second, deployment.sync);
    }
  }

  // --set/--sweep keys named as a campaign names its run parameters (split-video.cpu, ...): they
  // replace the resources above (sim/configuration_parameter.h).
  void ApplyRunParameters() {
    for (const auto& [key, value] : run_parameters_) {
      const SourceLocation flag{"--set " + key + "=" + value};
      std::optional<ConfigurationParameter> parameter =
          ParseConfigurationParameter(scenario_.workflow, key);
      if (!parameter) {
        std::string keys;
        for (const char* name : kScenarioKeys)
          keys += (keys.empty() ? "" : ", ") + std::string(name);
        throw InputError(flag, "'" + key + "' is neither a key of scenario " +
                                   scenario_.source_file + " (" + keys +
                                   ") nor a run parameter of its workflow (" +
                                   ConfigurationParameterNames(scenario_.workflow) + ")");
      }
      if (parameter->kind == ConfigurationParameter::Kind::kCpuset) {
        throw InputError(flag, "the simulator does not model cpusets: '" + key +
                                   "' cannot be set (scenario " + scenario_.source_file + ")");
      }
      try {
        ApplyConfigurationParameter(*parameter, key, value, CpuRequest::kAsTheScenario, flag,
                                    scenario_.deployments);
      } catch (const InputError& e) {
        throw InputError(e.where(), e.message() + " (scenario " + scenario_.source_file + ")");
      }
    }
  }

  void ReadScheduling() {
    YAML::Node scheduling = YamlFile::Optional(root_, "scheduling");
    if (!scheduling) return;
    std::string policy = file_.String(scheduling, "scheduling");
    if (policy == "first-fit") {
      scenario_.node_policy = NodePolicy::kFirstFit;
    } else if (policy == "least-allocated") {
      scenario_.node_policy = NodePolicy::kLeastAllocated;
    } else {
      file_.Fail(scheduling,
                 "scheduling must be first-fit or least-allocated, not '" + policy + "'");
    }
  }

  void ReadWorkload() {
    scenario_.workload = ParseWorkload(file_, file_.Required(root_, "workload"));
    if (!(scenario_.workload.input_size.kind != Distribution::Kind::kFixed ||
          scenario_.workload.input_size.a >= 0)) {
      file_.Fail(root_["workload"], "input_size must be >= 0");
    }
  }

  // Behaviour: the calibration's (read first), a parameter file, then the scenario's own entries.
  void ReadBehaviour() {
    const workflow::Workflow& workflow = scenario_.workflow;
    const platform::Platform& platform = scenario_.platform;
    if (YAML::Node behaviour_file = YamlFile::Optional(root_, "behaviour_file"); behaviour_file) {
      YamlFile parameter_file = YamlFile::Load(ExistingFile(file_, root_, "behaviour_file"));
      YAML::Node section = YamlFile::Optional(parameter_file.root(), "behaviour");
      ReadBehaviours(parameter_file, section ? section : parameter_file.root(), workflow, platform,
                     scenario_.behaviours, given_);
    }
    if (YAML::Node behaviour = YamlFile::Optional(root_, "behaviour"); behaviour) {
      ReadBehaviours(file_, behaviour, workflow, platform, scenario_.behaviours, given_);
    }
    for (workflow::ComponentId id : workflow.components()) {
      if (!given_[id] && !behaviours_optional_) {
        file_.Fail(root_, "component '" + workflow.component(id).name +
                              "' has no behaviour (add it under 'behaviour')");
      }
    }
  }

  // The component a placement or resources key names; fails at the key when there is none.
  workflow::ComponentId FindComponent(const YAML::Node& key) {
    std::string name = file_.String(key, "a component name");
    std::optional<workflow::ComponentId> id = scenario_.workflow.Find(name);
    if (!id) file_.Fail(key, "unknown component '" + name + "'");
    return *id;
  }

  // The top-level keys (as CheckKeys above lists them).
  static constexpr const char* kScenarioKeys[] = {
      "name",       "workflow", "platform",  "hardware",       "placement",  "resources",
      "scheduling", "workload", "behaviour", "behaviour_file", "calibration"};

  YamlFile file_;
  YAML::Node root_;
  Scenario scenario_;
  std::vector<std::pair<std::string, std::string>> run_parameters_;  // of scenario_.parameters
  std::vector<bool> given_;  // components whose behaviour some source gave
  const bool behaviours_optional_;
};

}  // namespace

Scenario LoadScenario(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& overrides,
                      bool behaviours_optional) {
  return ScenarioLoad(path, overrides, behaviours_optional).Load();
}

}  // namespace twinprof::sim
