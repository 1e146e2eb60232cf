#include "explore/configuration.h"

#include <stdexcept>

#include "core/job_record.h"

namespace twinprof::explore {

namespace {

// The node counts a configuration gives one cluster of the space's hardware, in the space's
// type order (zero counts included).
std::vector<std::pair<std::string, int>> ClusterCounts(const Space& space,
                                                       const ClusterHardware& hardware,
                                                       const Choices& choices) {
  std::vector<std::pair<std::string, int>> counts;
  if (hardware.one_type) {
    const Axis& types = space.axes[hardware.type_axis];
    const Axis& count = space.axes[hardware.count_axes.front()];
    const std::string& chosen = types.names[choices[hardware.type_axis]];
    for (const std::string& type : hardware.types) {
      int n = type == chosen ? static_cast<int>(count.numbers[choices[hardware.count_axes.front()]])
                             : 0;
      counts.emplace_back(type, n);
    }
  } else {
    for (size_t index : hardware.count_axes) {
      const Axis& axis = space.axes[index];
      counts.emplace_back(axis.node_type, static_cast<int>(axis.numbers[choices[index]]));
    }
  }
  return counts;
}

bool IsHardware(const Axis& axis) {
  return axis.kind == Axis::Kind::kNodeType || axis.kind == Axis::Kind::kNodeCount;
}

const char* ResourceKey(Axis::Kind kind) {
  switch (kind) {
    case Axis::Kind::kCpu:
      return "cpu";
    case Axis::Kind::kMemory:
      return "memory";
    default:
      return "parallelism";
  }
}

}  // namespace

Choices Decode(const Space& space, uint64_t number) {
  Choices choices(space.axes.size());
  for (size_t i = space.axes.size(); i-- > 0;) {
    uint64_t size = space.axes[i].size();
    choices[i] = static_cast<size_t>(number % size);
    number /= size;
  }
  if (number != 0) throw std::out_of_range("Decode: configuration number beyond the space");
  return choices;
}

uint64_t Encode(const Space& space, const Choices& choices) {
  uint64_t number = 0;
  for (size_t i = 0; i < space.axes.size(); ++i)
    number = number * space.axes[i].size() + choices[i];
  return number;
}

sim::Scenario ApplyConfiguration(const Space& space, const sim::Scenario& base,
                                 const Choices& choices) {
  sim::Scenario scenario = base;
  for (const ClusterHardware& hardware : space.hardware) {
    for (platform::Cluster& cluster : scenario.platform.clusters) {
      if (cluster.name != hardware.cluster) continue;
      cluster.nodes.clear();
      for (const auto& [type, count] : ClusterCounts(space, hardware, choices)) {
        if (count > 0) cluster.nodes.emplace_back(type, count);
      }
    }
  }
  for (size_t i = 0; i < space.axes.size(); ++i) {
    const Axis& axis = space.axes[i];
    if (IsHardware(axis)) continue;
    std::optional<workflow::ComponentId> id = scenario.workflow.Find(axis.component);
    if (!id) throw std::logic_error("ApplyConfiguration: unknown component " + axis.component);
    sim::ComponentDeployment& deployment = scenario.deployments[*id];
    switch (axis.kind) {
      case Axis::Kind::kPlacement:
        deployment.cluster = axis.placements[choices[i]].cluster;
        deployment.node_type = axis.placements[choices[i]].node_type;
        break;
      case Axis::Kind::kCpu:
        deployment.cpu = axis.numbers[choices[i]];
        deployment.cpu_limit = 0;  // the limit is the request, as OSCAR's single `cpu`
        break;
      case Axis::Kind::kMemory:
        deployment.memory_bytes = axis.numbers[choices[i]];
        break;
      case Axis::Kind::kParallelism:
        deployment.parallelism = static_cast<int>(axis.numbers[choices[i]]);
        break;
      default:
        break;
    }
  }
  return scenario;
}

std::vector<std::string> ConfigurationColumns(const Space& space) {
  std::vector<std::string> columns;
  for (const ClusterHardware& hardware : space.hardware) {
    for (const std::string& type : hardware.types) {
      columns.push_back("hardware.nodes." + hardware.cluster + "." + type);
    }
  }
  for (const Axis& axis : space.axes) {
    if (IsHardware(axis)) continue;
    if (axis.kind == Axis::Kind::kPlacement) {
      columns.push_back("placement." + axis.component);
    } else {
      columns.push_back("resources." + axis.component + "." + ResourceKey(axis.kind));
    }
  }
  return columns;
}

std::vector<std::string> ConfigurationValues(const Space& space, const Choices& choices) {
  std::vector<std::string> values;
  for (const ClusterHardware& hardware : space.hardware) {
    for (const auto& [type, count] : ClusterCounts(space, hardware, choices)) {
      values.push_back(std::to_string(count));
    }
  }
  for (size_t i = 0; i < space.axes.size(); ++i) {
    if (!IsHardware(space.axes[i])) values.push_back(space.axes[i].Label(choices[i]));
  }
  return values;
}

std::vector<std::string> SetArguments(const Space& space, const sim::Scenario& base,
                                      const Choices& choices, const WorkloadVariant* workload) {
  std::vector<std::string> arguments;
  for (const auto& [key, value] : space.base_overrides) arguments.push_back(key + "=" + value);
  for (const ClusterHardware& hardware : space.hardware) {
    std::vector<std::pair<std::string, int>> counts = ClusterCounts(space, hardware, choices);
    // Types of the base's cluster the space does not list leave it.
    if (const platform::Cluster* cluster = base.platform.FindCluster(hardware.cluster);
        cluster != nullptr) {
      for (const auto& [type, count] : cluster->nodes) {
        bool listed = false;
        for (const auto& [listed_type, n] : counts) listed = listed || listed_type == type;
        if (!listed) counts.emplace_back(type, 0);
      }
    }
    std::string map;
    for (const auto& [type, count] : counts) {
      map += (map.empty() ? "" : ", ") + type + ": " + std::to_string(count);
    }
    arguments.push_back("hardware.nodes." + hardware.cluster + "={" + map + "}");
  }
  for (size_t i = 0; i < space.axes.size(); ++i) {
    const Axis& axis = space.axes[i];
    if (IsHardware(axis)) continue;
    if (axis.kind == Axis::Kind::kPlacement) {
      const PlacementChoice& choice = axis.placements[choices[i]];
      arguments.push_back(
          "placement." + axis.component + "=" +
          (choice.node_type.empty()
               ? choice.cluster
               : "{cluster: " + choice.cluster + ", node_type: " + choice.node_type + "}"));
      continue;
    }
    std::string prefix = "resources." + axis.component + ".";
    std::string value = FormatDouble(axis.numbers[choices[i]]);
    arguments.push_back(prefix + ResourceKey(axis.kind) + "=" + value);
    if (axis.kind == Axis::Kind::kCpu) arguments.push_back(prefix + "cpu_limit=" + value);
  }
  if (workload != nullptr) {
    for (const auto& [key, value] : workload->overrides) arguments.push_back(key + "=" + value);
  }
  return arguments;
}

}  // namespace twinprof::explore
