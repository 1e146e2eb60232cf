#include "sim/configuration_parameter.h"

#include <algorithm>
#include <cmath>

#include "core/run_parameters.h"
#include "sim/node_pool.h"

namespace twinprof::sim {

std::optional<ConfigurationParameter> ParseConfigurationParameter(
    const workflow::Workflow& workflow, const std::string& name) {
  using Kind = ConfigurationParameter::Kind;
  if (name == "input" || (name.rfind("input.", 0) == 0 && name.size() > 6)) {
    return ConfigurationParameter{Kind::kInput, 0};
  }
  // COMPONENT.FIELD, where FIELD may hold dots (env.VAR): the first prefix that names a component.
  std::optional<workflow::ComponentId> id;
  size_t dot = 0;
  while (!id && (dot = name.find('.', dot + 1)) != std::string::npos) {
    id = workflow.Find(name.substr(0, dot));
  }
  if (!id) return std::nullopt;
  const std::string field = name.substr(dot + 1);
  if (field == "cpu") return ConfigurationParameter{Kind::kCpu, *id};
  if (field == "memory_mb") return ConfigurationParameter{Kind::kMemoryMb, *id};
  if (field == "parallelism") return ConfigurationParameter{Kind::kParallelism, *id};
  if (field == "cpuset") return ConfigurationParameter{Kind::kCpuset, *id};
  if (field.rfind("env.", 0) == 0 && field.size() > 4) {
    return ConfigurationParameter{Kind::kEnvironment, *id};
  }
  return std::nullopt;
}

bool ChangesDeployment(const ConfigurationParameter& parameter) {
  using Kind = ConfigurationParameter::Kind;
  return parameter.kind == Kind::kCpu || parameter.kind == Kind::kMemoryMb ||
         parameter.kind == Kind::kParallelism;
}

void ApplyConfigurationParameter(const ConfigurationParameter& parameter, const std::string& what,
                                 const std::string& value, CpuRequest request,
                                 const SourceLocation& where,
                                 std::vector<ComponentDeployment>& deployments) {
  using Kind = ConfigurationParameter::Kind;
  const std::optional<double> number = ParseParameterNumber(value);
  ComponentDeployment& deployment = deployments.at(parameter.component);
  switch (parameter.kind) {
    case Kind::kCpu: {
      if (!number || ToMillicores(*number) < 1) {
        throw InputError(where, what + " = '" + value +
                                    "': a cpu is a number of cores, at least 0.001 (as a "
                                    "campaign records it: 0.5, not 500m)");
      }
      const double limit = *number;
      switch (request) {
        case CpuRequest::kEqualsLimit:
          deployment.cpu = limit;
          deployment.cpu_limit = limit;
          break;
        case CpuRequest::kReserveNothing:
          deployment.cpu = 0.001;
          deployment.cpu_limit = limit;
          break;
        case CpuRequest::kAsTheScenario:
          if (deployment.cpu_limit > 0) {
            deployment.cpu = std::min(deployment.cpu, limit);
            deployment.cpu_limit = limit;
          } else {
            deployment.cpu = limit;  // the limit follows the request (cpu_limit 0)
          }
          break;
      }
      return;
    }
    case Kind::kMemoryMb:
      if (!number || !(*number > 0)) {
        throw InputError(where, what + " = '" + value + "': memory_mb is a number of MiB > 0");
      }
      deployment.memory_bytes = *number * 1048576;
      return;
    case Kind::kParallelism:
      if (!number || !(*number >= 1 && *number <= 1e6) || std::floor(*number) != *number) {
        throw InputError(
            where, what + " = '" + value + "': parallelism is a whole number of jobs, at least 1");
      }
      deployment.parallelism = static_cast<int>(*number);
      return;
    default:
      return;  // recorded only
  }
}

std::string ConfigurationParameterNames(const workflow::Workflow& workflow) {
  std::string components;
  for (workflow::ComponentId id : workflow.components()) {
    components += (components.empty() ? "" : ", ") + workflow.component(id).name;
  }
  return "COMPONENT.cpu, COMPONENT.memory_mb, COMPONENT.parallelism, COMPONENT.env.VAR, input or "
         "input.NAME, for the components " +
         components;
}

}  // namespace twinprof::sim
