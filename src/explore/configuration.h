// Configurations of a Space: one value per axis, numbered 0 .. size-1 in mixed radix (the first
// axis most significant, the last fastest), so a number names the same configuration in every
// output and every run of the same space.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explore/space.h"
#include "sim/scenario.h"

namespace twinprof::explore {

// The value index taken on each axis of the space.
using Choices = std::vector<size_t>;

Choices Decode(const Space& space, uint64_t number);
uint64_t Encode(const Space& space, const Choices& choices);

// `base` with the configuration applied: each cluster of the space's hardware gets exactly the
// node counts it says (types it does not list leave the cluster); placements, cpu (request and
// limit, as OSCAR's `cpu`), memory and parallelism replace the base's. The result is not
// validated (ValidateScenario says whether it can run: a cluster with no nodes, a job no node
// has room for).
sim::Scenario ApplyConfiguration(const Space& space, const sim::Scenario& base,
                                 const Choices& choices);

// The configuration columns of candidates.csv and pareto.csv (docs/formats.md): one per node
// type of each cluster of the space's hardware ("hardware.nodes.cloud.vm-medium"), then one per
// placement or resource axis ("placement.mask-detector", "resources.blurry-faces.cpu").
std::vector<std::string> ConfigurationColumns(const Space& space);
// Their values for one configuration: counts, "cluster" or "cluster/node_type", numbers (memory in
// bytes).
std::vector<std::string> ConfigurationValues(const Space& space, const Choices& choices);

// The `twinprof simulate BASE --set ...` arguments ("key=value") that reproduce the configuration
// (and the workload variant's values) from the base scenario.
std::vector<std::string> SetArguments(const Space& space, const sim::Scenario& base,
                                      const Choices& choices, const WorkloadVariant* workload);

}  // namespace twinprof::explore
