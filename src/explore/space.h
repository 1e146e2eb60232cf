// Space: the design space `twinprof explore` searches (docs/formats.md, "Explore space").
//
// A space is a base scenario plus axes — settings that take one of a list of values: node counts
// per node type per cluster, the node type of a cluster, the placement of a component, its cpu,
// memory and parallelism — and workload variants of the base scenario's workload. A
// configuration takes one value on every axis; the space holds every combination. Constraints
// (deadlines, a budget, rejection rates) say which configurations are acceptable; objectives pair
// a time (the makespan or a component's p95 response time) with the cost.
//
// LoadSpace reads and checks a space file; every complaint names the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "sim/scenario.h"

namespace twinprof::explore {

// Where a component may run: a cluster, and a node type of it ("" = any of the cluster's).
struct PlacementChoice {
  std::string cluster;
  std::string node_type;

  // "cloud" or "cloud/vm-medium".
  std::string Label() const;
};

// One setting of the scenario and the values it may take, in the order the search walks them.
struct Axis {
  enum class Kind {
    kNodeType,     // the one node type of a cluster (`node_types:`): `names`
    kNodeCount,    // how many nodes of `node_type` (or, "" = of the cluster's chosen type)
    kPlacement,    // where `component` runs: `placements`
    kCpu,          // cores requested per job: `numbers`
    kMemory,       // bytes requested per job: `numbers`
    kParallelism,  // max concurrent jobs: `numbers`
  };
  Kind kind = Kind::kNodeCount;
  std::string cluster;                      // kNodeType, kNodeCount
  std::string node_type;                    // kNodeCount
  std::string component;                    // kPlacement, kCpu, kMemory, kParallelism
  std::vector<double> numbers;              // ascending, distinct
  std::vector<std::string> names;           // kNodeType
  std::vector<PlacementChoice> placements;  // kPlacement
  std::vector<SourceLocation> value_where;  // where each value was written
  SourceLocation where;                     // the axis' entry

  size_t size() const;
  // Numeric axes are ordered: the search steps to the next smaller or larger value.
  bool ordered() const { return kind != Kind::kNodeType && kind != Kind::kPlacement; }
  // The value as candidates.csv writes it.
  std::string Label(size_t value) const;
};

// The node counts of one cluster the space sets. Either a mix (one count axis per node type) or,
// with `node_types:`, exactly one of several types (a kNodeType axis and one count axis).
struct ClusterHardware {
  std::string cluster;
  std::vector<std::string> types;  // every type the cluster may have, in the file's order
  bool one_type = false;
  std::vector<size_t> count_axes;  // indices into Space::axes: one per type (mix), or one
  size_t type_axis = 0;            // one_type only
};

// A named variant of the base scenario's workload: `workload.<key>` overrides.
struct WorkloadVariant {
  std::string name;
  std::vector<std::pair<std::string, std::string>> overrides;  // ("workload.files", "50")
  SourceLocation where;
};

struct Constraint {
  enum class Kind {
    kMakespan,       // makespan <= limit (seconds)
    kP95,            // component's p95 response time <= limit (seconds)
    kCost,           // cost <= limit
    kRejectionRate,  // component's rejected / requested <= limit (synchronous services)
  };
  Kind kind = Kind::kMakespan;
  std::string component;
  double limit = 0;
  SourceLocation where;

  // "makespan", "mask-detector p95", "cost", "mask-detector rejection rate".
  std::string Name() const;
};

// A time to minimise together with the cost: the makespan, or a component's p95 response time.
struct Objective {
  std::string component;  // "" = the makespan

  // The candidates.csv column holding it: "makespan_s" or "<component>.p95_s".
  std::string Column() const;
};

struct SearchSettings {
  enum class Method { kAuto, kExhaustive, kLocal };
  Method method = Method::kAuto;
  uint64_t exhaustive_up_to = 10000;  // kAuto: enumerate spaces up to this many configurations
  uint64_t budget = 0;                // most simulations per workload when searching; 0 = default
  uint64_t seed = 1;                  // the search's random choices (not the simulations')
};

struct Space {
  std::string name;
  std::string source_file;
  std::string scenario_path;  // the base scenario, resolved against the space's folder
  // `explore --set key=value`: applied to the base scenario before the axes (e.g. a calibration).
  std::vector<std::pair<std::string, std::string>> base_overrides;
  std::vector<ClusterHardware> hardware;
  std::vector<Axis> axes;  // hardware axes, then placement, then resources, in the file's order
  std::vector<WorkloadVariant> workloads;  // empty: the base scenario's workload only
  std::vector<Constraint> constraints;
  std::vector<Objective> objectives;  // at least one (default: the makespan)
  SearchSettings search;

  // Configurations: the product of the axes' sizes (1 with no axes).
  uint64_t size() const;
};

// The most configurations a space may have (more cannot be numbered in 63 bits).
constexpr uint64_t kMaxSpaceSize = uint64_t{1} << 62;

// Reads and checks a space file, and loads its base scenario (and each workload variant) to check
// the axes against it: unknown clusters, node types and components; empty axes; ranges upside
// down; placements on a node type whose arch the component has no image for; constraints on
// unknown components, rejection rates of components that are not synchronous services. Throws
// InputError naming the file and line. `base` receives the base scenario, one per workload
// variant (or one, the base scenario itself, without variants). `base_overrides` (`--set`) are
// applied to the base scenario, as simulate's --set, before the workload variants'.
Space LoadSpace(const std::string& path, std::vector<sim::Scenario>* bases,
                const std::vector<std::pair<std::string, std::string>>& base_overrides = {});

}  // namespace twinprof::explore
