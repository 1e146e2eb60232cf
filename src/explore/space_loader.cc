// LoadSpace: the explore space format (docs/formats.md, "Explore space").
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include "core/job_record.h"
#include "core/relative_path.h"
#include "core/units.h"
#include "core/yaml_file.h"
#include "explore/axis_values.h"
#include "explore/space.h"

namespace twinprof::explore {

namespace {

namespace fs = std::filesystem;

// The types cluster `name` may have in some configuration: those the space lists, or else the
// base scenario's.
std::vector<std::string> PossibleTypes(const Space& space, const sim::Scenario& base,
                                       const std::string& name) {
  for (const ClusterHardware& hardware : space.hardware) {
    if (hardware.cluster == name) return hardware.types;
  }
  std::vector<std::string> types;
  if (const platform::Cluster* cluster = base.platform.FindCluster(name); cluster != nullptr) {
    for (const auto& [type, count] : cluster->nodes) types.push_back(type);
  }
  return types;
}

// Where the space brings node type `type` into cluster `cluster` (for messages).
SourceLocation TypeWhere(const Space& space, const std::string& cluster, const std::string& type,
                         const SourceLocation& fallback) {
  for (const ClusterHardware& hardware : space.hardware) {
    if (hardware.cluster != cluster) continue;
    if (hardware.one_type) {
      const Axis& axis = space.axes[hardware.type_axis];
      for (size_t i = 0; i < axis.names.size(); ++i) {
        if (axis.names[i] == type) return axis.value_where[i];
      }
    }
    for (size_t index : hardware.count_axes) {
      if (space.axes[index].node_type == type) return space.axes[index].where;
    }
  }
  return fallback;
}

std::string Images(const workflow::Component& component) {
  std::string list;
  for (const auto& [arch, image] : component.images) list += (list.empty() ? "" : ", ") + arch;
  return list;
}

// A component may run only on node types whose arch it has an image for (when it lists images).
void CheckImage(const Space& space, const sim::Scenario& base, const workflow::Component& component,
                const PlacementChoice& choice, const SourceLocation& where, bool from_space) {
  if (component.images.empty()) return;
  std::vector<std::string> types = choice.node_type.empty()
                                       ? PossibleTypes(space, base, choice.cluster)
                                       : std::vector<std::string>{choice.node_type};
  bool some_fit = false;  // some type of the cluster has the image: a node_type would do
  for (const std::string& type : types) {
    const platform::NodeType* node_type = base.platform.FindNodeType(type);
    some_fit = some_fit || (node_type != nullptr && component.images.count(node_type->arch) != 0);
  }
  for (const std::string& type : types) {
    const platform::NodeType* node_type = base.platform.FindNodeType(type);
    if (node_type == nullptr || component.images.count(node_type->arch) != 0) continue;
    std::string message = "component '" + component.name + "' has no image for " + node_type->arch +
                          " (node type '" + type + "' of cluster '" + choice.cluster +
                          "'); its images: " + Images(component);
    if (from_space) {
      if (choice.node_type.empty() && some_fit) message += "; place it on {cluster, node_type}";
      throw InputError(where, message);
    }
    throw InputError(TypeWhere(space, choice.cluster, type, where),
                     message + " (placed there by the base scenario)");
  }
}

// Adds `axis` to the space with the values written at `node` (ParseAxisValues); returns its index.
size_t AddAxisOfValues(const YamlFile& file, const YAML::Node& node, Quantity quantity, double min,
                       const std::string& what, Axis axis, Space& space) {
  AxisValues values = ParseAxisValues(file, node, quantity, min, what);
  axis.numbers = values.numbers;
  axis.value_where = values.value_where;
  space.axes.push_back(std::move(axis));
  return space.axes.size() - 1;
}

void ParseHardware(const YamlFile& file, const YAML::Node& node, const sim::Scenario& base,
                   Space& space) {
  file.ExpectMap(node, "'hardware' ({cluster: {nodes: ...}})");
  for (const auto& entry : node) {
    std::string name = file.String(entry.first, "a cluster name");
    if (base.platform.FindCluster(name) == nullptr) {
      file.Fail(entry.first, "unknown cluster '" + name + "'");
    }
    for (const ClusterHardware& other : space.hardware) {
      if (other.cluster == name) file.Fail(entry.first, "cluster '" + name + "' is listed twice");
    }
    file.CheckKeys(entry.second, {"node_types", "nodes"}, "hardware of cluster '" + name + "'",
                   nullptr);
    ClusterHardware hardware;
    hardware.cluster = name;
    YAML::Node nodes = file.Required(entry.second, "nodes");
    auto check_type = [&](const YAML::Node& type_node) {
      std::string type = file.String(type_node, "a node type");
      if (base.platform.FindNodeType(type) == nullptr) {
        file.Fail(type_node, "unknown node type '" + type + "'");
      }
      for (const std::string& seen : hardware.types) {
        if (seen == type) file.Fail(type_node, "node type '" + type + "' is listed twice");
      }
      hardware.types.push_back(type);
      return type;
    };
    if (YAML::Node types = YamlFile::Optional(entry.second, "node_types"); types) {
      // One type at a time: an axis of types and one of counts.
      file.ExpectSequence(types, "node_types (a list of node types)");
      if (types.size() == 0) file.Fail(types, "node_types: the list is empty");
      Axis type_axis;
      type_axis.kind = Axis::Kind::kNodeType;
      type_axis.cluster = name;
      type_axis.where = file.Where(types);
      for (const YAML::Node& type : types) {
        type_axis.names.push_back(check_type(type));
        type_axis.value_where.push_back(file.Where(type));
      }
      hardware.one_type = true;
      hardware.type_axis = space.axes.size();
      space.axes.push_back(type_axis);
      Axis count;
      count.cluster = name;
      count.where = file.Where(nodes);
      hardware.count_axes.push_back(AddAxisOfValues(
          file, nodes, Quantity::kCount, 1, "node count of cluster '" + name + "'", count, space));
    } else {
      // A mix: one count axis per node type.
      file.ExpectMap(nodes, "nodes ({node_type: counts}, or counts with node_types: [...])");
      if (nodes.size() == 0) file.Fail(nodes, "nodes: no node types");
      for (const auto& type_entry : nodes) {
        Axis count;
        count.cluster = name;
        count.node_type = check_type(type_entry.first);
        count.where = file.Where(type_entry.first);
        hardware.count_axes.push_back(
            AddAxisOfValues(file, type_entry.second, Quantity::kCount, 0,
                            "count of '" + count.node_type + "' in '" + name + "'", count, space));
      }
    }
    space.hardware.push_back(hardware);
  }
}

PlacementChoice ParsePlacementChoice(const YamlFile& file, const YAML::Node& node,
                                     const sim::Scenario& base, const Space& space) {
  PlacementChoice choice;
  if (node.IsMap()) {
    file.CheckKeys(node, {"cluster", "node_type"}, "a placement", nullptr);
    choice.cluster = file.String(file.Required(node, "cluster"), "cluster");
    if (YAML::Node type = YamlFile::Optional(node, "node_type"); type) {
      choice.node_type = file.String(type, "node_type");
    }
  } else {
    choice.cluster = file.String(node, "a cluster or {cluster, node_type}");
  }
  if (base.platform.FindCluster(choice.cluster) == nullptr) {
    file.Fail(node, "unknown cluster '" + choice.cluster + "'");
  }
  if (!choice.node_type.empty()) {
    if (base.platform.FindNodeType(choice.node_type) == nullptr) {
      file.Fail(node, "unknown node type '" + choice.node_type + "'");
    }
    std::vector<std::string> types = PossibleTypes(space, base, choice.cluster);
    if (std::find(types.begin(), types.end(), choice.node_type) == types.end()) {
      file.Fail(node, "cluster '" + choice.cluster + "' has no node of type '" + choice.node_type +
                          "' in any configuration of the space");
    }
  }
  return choice;
}

// The component a map key names, and its id; InputError at the key when the base scenario's
// workflow has none of that name ("unknown component 'x'", after `about` when given:
// "constraint on unknown component 'x'").
std::pair<std::string, workflow::ComponentId> ComponentKey(const YamlFile& file,
                                                           const YAML::Node& key,
                                                           const sim::Scenario& base,
                                                           const std::string& about = "") {
  std::string name = file.String(key, "a component name");
  std::optional<workflow::ComponentId> id = base.workflow.Find(name);
  if (!id) file.Fail(key, about + (about.empty() ? "" : " ") + "unknown component '" + name + "'");
  return {name, *id};
}

void ParsePlacement(const YamlFile& file, const YAML::Node& node, const sim::Scenario& base,
                    Space& space) {
  file.ExpectMap(node, "'placement' ({component: [choices]})");
  for (const auto& entry : node) {
    const auto [name, id] = ComponentKey(file, entry.first, base);
    Axis axis;
    axis.kind = Axis::Kind::kPlacement;
    axis.component = name;
    axis.where = file.Where(entry.first);
    for (const Axis& other : space.axes) {
      if (other.kind == Axis::Kind::kPlacement && other.component == name) {
        file.Fail(entry.first, "component '" + name + "' is listed twice");
      }
    }
    std::vector<YAML::Node> choices;
    if (entry.second.IsSequence()) {
      if (entry.second.size() == 0) file.Fail(entry.second, "placement: the list is empty");
      for (const YAML::Node& choice : entry.second) choices.push_back(choice);
    } else {
      choices.push_back(entry.second);
    }
    for (const YAML::Node& choice_node : choices) {
      PlacementChoice choice = ParsePlacementChoice(file, choice_node, base, space);
      for (const PlacementChoice& seen : axis.placements) {
        if (seen.cluster == choice.cluster && seen.node_type == choice.node_type) {
          file.Fail(choice_node, "placement '" + choice.Label() + "' is listed twice");
        }
      }
      CheckImage(space, base, base.workflow.component(id), choice, file.Where(choice_node), true);
      axis.placements.push_back(choice);
      axis.value_where.push_back(file.Where(choice_node));
    }
    space.axes.push_back(axis);
  }
}

void ParseResources(const YamlFile& file, const YAML::Node& node, const sim::Scenario& base,
                    Space& space) {
  file.ExpectMap(node, "'resources' ({component: {cpu, memory, parallelism}})");
  for (const auto& entry : node) {
    const auto [name, id] = ComponentKey(file, entry.first, base);
    file.CheckKeys(entry.second, {"cpu", "memory", "parallelism"}, "resources", nullptr);
    struct Key {
      const char* key;
      Axis::Kind kind;
      Quantity quantity;
      double min;
    };
    for (const Key& key : {Key{"cpu", Axis::Kind::kCpu, Quantity::kCpu, 0.001},
                           Key{"memory", Axis::Kind::kMemory, Quantity::kSize, 0},
                           Key{"parallelism", Axis::Kind::kParallelism, Quantity::kCount, 0}}) {
      YAML::Node values_node = YamlFile::Optional(entry.second, key.key);
      if (!values_node) continue;
      if (key.kind == Axis::Kind::kParallelism && base.deployments[id].sync.enabled) {
        file.Fail(values_node,
                  "'" + name + "' is a synchronous service: parallelism does not apply to it");
      }
      for (const Axis& other : space.axes) {
        if (other.kind == key.kind && other.component == name) {
          file.Fail(values_node, std::string(key.key) + " of '" + name + "' is listed twice");
        }
      }
      Axis axis;
      axis.kind = key.kind;
      axis.component = name;
      axis.where = file.Where(values_node);
      AddAxisOfValues(file, values_node, key.quantity, key.min,
                      std::string(key.key) + " of '" + name + "'", axis, space);
    }
  }
}

void ParseConstraints(const YamlFile& file, const YAML::Node& node, const sim::Scenario& base,
                      Space& space) {
  file.CheckKeys(node, {"makespan", "p95", "cost", "rejection_rate"}, "'constraints'", nullptr);
  if (YAML::Node deadline = YamlFile::Optional(node, "makespan"); deadline) {
    space.constraints.push_back({Constraint::Kind::kMakespan, "",
                                 file.Duration(deadline, "makespan deadline"),
                                 file.Where(deadline)});
  }
  auto per_component = [&](const char* key, Constraint::Kind kind) {
    YAML::Node map = YamlFile::Optional(node, key);
    if (!map) return;
    file.ExpectMap(map, std::string(key) + " ({component: limit})");
    if (map.size() == 0) file.Fail(map, std::string(key) + ": no components");
    for (const auto& entry : map) {
      const auto [name, id] = ComponentKey(file, entry.first, base, "constraint on");
      Constraint constraint{kind, name, 0, file.Where(entry.second)};
      if (kind == Constraint::Kind::kP95) {
        constraint.limit = file.Duration(entry.second, "p95 deadline");
      } else {
        if (!base.deployments[id].sync.enabled) {
          file.Fail(entry.first, "rejection_rate applies to synchronous services (mode: sync); '" +
                                     name + "' is asynchronous");
        }
        std::string text = file.String(entry.second, "rejection rate");
        bool percent = !text.empty() && text.back() == '%';
        if (percent) text.pop_back();
        char* end = nullptr;
        double rate = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !(rate >= 0)) {
          file.Fail(entry.second, "rejection rate: a fraction (0.01) or a percentage (1%)");
        }
        constraint.limit = percent ? rate / 100 : rate;
        if (constraint.limit > 1) file.Fail(entry.second, "rejection rate: at most 1 (100%)");
      }
      space.constraints.push_back(constraint);
    }
  };
  per_component("p95", Constraint::Kind::kP95);
  if (YAML::Node budget = YamlFile::Optional(node, "cost"); budget) {
    double limit = file.Number(budget, "cost (budget)");
    if (limit < 0) file.Fail(budget, "cost (budget) must be >= 0");
    space.constraints.push_back({Constraint::Kind::kCost, "", limit, file.Where(budget)});
  }
  per_component("rejection_rate", Constraint::Kind::kRejectionRate);
}

void ParseObjectives(const YamlFile& file, const YAML::Node& node, const sim::Scenario& base,
                     Space& space) {
  file.ExpectSequence(node, "'objectives' (a list: makespan, {p95: component})");
  if (node.size() == 0) file.Fail(node, "objectives: the list is empty");
  for (const YAML::Node& item : node) {
    Objective objective;
    if (item.IsMap()) {
      file.CheckKeys(item, {"p95"}, "an objective", nullptr);
      YAML::Node component = file.Required(item, "p95");
      objective.component = file.String(component, "a component name");
      if (!base.workflow.Find(objective.component)) {
        file.Fail(component, "objective on unknown component '" + objective.component + "'");
      }
    } else if (file.String(item, "an objective") != "makespan") {
      file.Fail(item, "an objective is makespan or {p95: component}, not '" + item.Scalar() + "'");
    }
    for (const Objective& seen : space.objectives) {
      if (seen.component == objective.component) file.Fail(item, "objective listed twice");
    }
    space.objectives.push_back(objective);
  }
}

void ParseSearch(const YamlFile& file, const YAML::Node& node, Space& space) {
  file.CheckKeys(node, {"method", "exhaustive_up_to", "budget", "seed"}, "'search'", nullptr);
  SearchSettings& search = space.search;
  if (YAML::Node method = YamlFile::Optional(node, "method"); method) {
    std::string name = file.String(method, "method");
    if (name == "auto") {
      search.method = SearchSettings::Method::kAuto;
    } else if (name == "exhaustive") {
      search.method = SearchSettings::Method::kExhaustive;
    } else if (name == "local") {
      search.method = SearchSettings::Method::kLocal;
    } else {
      file.Fail(method, "method must be auto, exhaustive or local, not '" + name + "'");
    }
  }
  if (YAML::Node limit = YamlFile::Optional(node, "exhaustive_up_to"); limit) {
    search.exhaustive_up_to =
        static_cast<uint64_t>(file.Integer(limit, "exhaustive_up_to", 0, INT64_MAX));
  }
  if (YAML::Node budget = YamlFile::Optional(node, "budget"); budget) {
    search.budget = static_cast<uint64_t>(file.Integer(budget, "budget", 1, INT64_MAX));
  }
  if (YAML::Node seed = YamlFile::Optional(node, "seed"); seed) {
    search.seed = static_cast<uint64_t>(file.Integer(seed, "seed", 0, INT64_MAX));
  }
}

// `workloads: {name: {files: 50, ...}}`: each variant is the base scenario with these
// `workload.<key>` values; loading it checks them.
void ParseWorkloads(const YamlFile& file, const YAML::Node& node, Space& space,
                    std::vector<sim::Scenario>& bases) {
  file.ExpectMap(node, "'workloads' ({name: {files: ..., ...}})");
  if (node.size() == 0) file.Fail(node, "workloads: no variants");
  for (const auto& entry : node) {
    WorkloadVariant variant;
    variant.name = file.String(entry.first, "a workload name");
    variant.where = file.Where(entry.first);
    for (const WorkloadVariant& seen : space.workloads) {
      if (seen.name == variant.name) {
        file.Fail(entry.first, "workload '" + variant.name + "' is listed twice");
      }
    }
    file.ExpectMap(entry.second, "a workload variant ({files: ..., inter_upload_time: ...})");
    for (const auto& value : entry.second) {
      std::string key = file.String(value.first, "a workload key");
      YAML::Emitter out;
      out << YAML::Flow << value.second;
      variant.overrides.emplace_back("workload." + key, out.c_str());
    }
    try {
      std::vector<std::pair<std::string, std::string>> overrides = space.base_overrides;
      overrides.insert(overrides.end(), variant.overrides.begin(), variant.overrides.end());
      bases.push_back(sim::LoadScenario(space.scenario_path, overrides));
    } catch (const InputError& e) {
      throw InputError(variant.where, "workload '" + variant.name + "': " + e.message());
    }
    space.workloads.push_back(variant);
  }
}

}  // namespace

Space LoadSpace(const std::string& path, std::vector<sim::Scenario>* bases,
                const std::vector<std::pair<std::string, std::string>>& base_overrides) {
  YamlFile file = YamlFile::Load(path);
  file.ExpectMap(file.root(), "an explore space");
  const YAML::Node& root = file.root();
  file.CheckKeys(root,
                 {"name", "scenario", "hardware", "placement", "resources", "workloads",
                  "constraints", "objectives", "search"},
                 "an explore space", nullptr);
  Space space;
  space.source_file = path;
  space.name = YamlFile::Optional(root, "name") ? file.String(root["name"], "name")
                                                : fs::path(path).stem().string();
  YAML::Node scenario_node = file.Required(root, "scenario");
  space.scenario_path = ResolveRelativeTo(path, file.String(scenario_node, "scenario"));
  std::error_code error;
  if (!fs::is_regular_file(space.scenario_path, error)) {
    file.Fail(scenario_node, "scenario file '" + space.scenario_path + "' does not exist");
  }
  std::vector<sim::Scenario> loaded;
  space.base_overrides = base_overrides;
  loaded.push_back(sim::LoadScenario(space.scenario_path, base_overrides));
  const sim::Scenario& base = loaded.front();

  if (YAML::Node node = YamlFile::Optional(root, "hardware"); node) {
    ParseHardware(file, node, base, space);
  }
  if (YAML::Node node = YamlFile::Optional(root, "placement"); node) {
    ParsePlacement(file, node, base, space);
  }
  // Placements the space does not vary must also find images on the types it brings in.
  for (workflow::ComponentId id : base.workflow.components()) {
    const workflow::Component& component = base.workflow.component(id);
    bool varied = false;
    for (const Axis& axis : space.axes) {
      varied = varied || (axis.kind == Axis::Kind::kPlacement && axis.component == component.name);
    }
    if (varied) continue;
    const sim::ComponentDeployment& deployment = base.deployments[id];
    CheckImage(space, base, component, {deployment.cluster, deployment.node_type}, file.Where(root),
               false);
  }
  if (YAML::Node node = YamlFile::Optional(root, "resources"); node) {
    ParseResources(file, node, base, space);
  }
  if (YAML::Node node = YamlFile::Optional(root, "constraints"); node) {
    ParseConstraints(file, node, base, space);
  }
  if (YAML::Node node = YamlFile::Optional(root, "objectives"); node) {
    ParseObjectives(file, node, base, space);
  } else {
    space.objectives.push_back(Objective{});
  }
  if (YAML::Node node = YamlFile::Optional(root, "search"); node) ParseSearch(file, node, space);

  // The count of configurations must fit the numbering.
  uint64_t size = 1;
  for (const Axis& axis : space.axes) {
    if (size > kMaxSpaceSize / axis.size()) {
      throw InputError(file.Where(root), "the space has more than 2^62 configurations");
    }
    size *= axis.size();
  }

  if (YAML::Node node = YamlFile::Optional(root, "workloads"); node) {
    std::vector<sim::Scenario> variants;
    ParseWorkloads(file, node, space, variants);
    loaded = std::move(variants);
  }
  if (bases != nullptr) *bases = std::move(loaded);
  return space;
}

}  // namespace twinprof::explore
