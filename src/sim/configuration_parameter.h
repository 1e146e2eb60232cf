// Run parameters as the simulator reads them: the names a campaign gives its runs
// (docs/formats.md, "Configurations and the join key": `split-video.cpu`, `grayify.parallelism`,
// `input.size`, ...) and what each one changes in a scenario. `simulate --set/--sweep` accepts
// them beside the scenario's own dotted keys, and `simulate --replay` applies a measured run's,
// so that simulated and measured jobs carry the same parameter columns and join on them.
//
//   COMPONENT.cpu          the container's CPU limit in cores (a number >= 0.001)
//   COMPONENT.memory_mb    its memory in MiB (a number > 0)
//   COMPONENT.parallelism  its most concurrent jobs (an integer >= 1)
//   COMPONENT.env.VAR      recorded only: an environment variable of the measured runs
//   COMPONENT.cpuset       recorded only: the cores a measured run was pinned to
//   input, input.NAME      recorded only: the measured input and its generator's values
// "Recorded only" parameters change nothing in the simulation: they name the configuration (and
// a behaviour's ML model may read a numeric one as a feature, sim/compute_time_model.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "sim/scenario.h"
#include "workflow/workflow.h"

namespace twinprof::sim {

struct ConfigurationParameter {
  enum class Kind { kCpu, kMemoryMb, kParallelism, kEnvironment, kCpuset, kInput };
  Kind kind = Kind::kInput;
  workflow::ComponentId component = 0;  // all kinds but kInput
};

// What `name` is for `workflow`; nullopt when it is no parameter a campaign gives its runs (an
// unknown component, or a field other than the ones above).
std::optional<ConfigurationParameter> ParseConfigurationParameter(
    const workflow::Workflow& workflow, const std::string& name);

// Whether the parameter changes the scenario's deployments (kCpu, kMemoryMb, kParallelism).
bool ChangesDeployment(const ConfigurationParameter& parameter);

// How a cpu parameter, which is the container's limit, sets the request that placement reserves.
enum class CpuRequest {
  kEqualsLimit,     // OSCAR: the request is the limit
  kReserveNothing,  // the local backend reserves no cores: 1m, the jobs share the node's cores
  kAsTheScenario,   // --set: a scenario whose request is below its limit (resources.C.cpu_limit)
                    // keeps it (capped at the new limit); otherwise the request is the limit
};

// Sets the deployment value a kCpu, kMemoryMb or kParallelism parameter names to `value` (as
// written; other kinds change nothing). Throws InputError at `where`, naming the parameter as
// `what`, when the value is not a number in the range above.
void ApplyConfigurationParameter(const ConfigurationParameter& parameter, const std::string& what,
                                 const std::string& value, CpuRequest request,
                                 const SourceLocation& where,
                                 std::vector<ComponentDeployment>& deployments);

// The accepted names, for messages: "COMPONENT.cpu, COMPONENT.memory_mb, ... (components: a, b)".
std::string ConfigurationParameterNames(const workflow::Workflow& workflow);

}  // namespace twinprof::sim
