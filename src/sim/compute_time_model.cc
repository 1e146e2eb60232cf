#include "sim/compute_time_model.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/run_parameters.h"
#include "sim/scenario.h"

namespace twinprof::sim {

namespace {

// A job-independent feature from the deployments ("C.cpu", ...), else from the parameters.
// `deployment_feature` tells which.
std::optional<double> ScenarioFeature(const Scenario& scenario, const std::string& name,
                                      bool* deployment_feature, std::string* why) {
  *deployment_feature = false;
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    std::optional<workflow::ComponentId> id = scenario.workflow.Find(name.substr(0, dot));
    std::string field = name.substr(dot + 1);
    if (id) {
      const ComponentDeployment& deployment = scenario.deployments[*id];
      *deployment_feature = field == "cpu" || field == "memory_mb" || field == "parallelism";
      if (field == "cpu") return deployment.limit();
      if (field == "memory_mb") return deployment.memory_bytes / 1048576;
      if (field == "parallelism") {
        if (deployment.parallelism > 0) return deployment.parallelism;
        *why = "the scenario does not limit its parallelism (resources." + name.substr(0, dot) +
               ".parallelism)";
        return std::nullopt;
      }
    }
  }
  for (const auto& [key, value] : scenario.parameters) {
    if (key != name) continue;
    if (std::optional<double> number = ParseParameterNumber(value)) return number;
    *why = "its value '" + value + "' is not a number";
    return std::nullopt;
  }
  *why =
      "the scenario has no such value (features are input_bytes, COMPONENT.cpu, "
      "COMPONENT.memory_mb, COMPONENT.parallelism, or a --set/replayed parameter)";
  return std::nullopt;
}

}  // namespace

FeatureRowPlan::FeatureRowPlan(const Scenario& scenario, workflow::ComponentId component,
                               const ComputeTimeModel& model) {
  const std::vector<std::string>& inputs = model.inputs();
  const std::string own_cpu = scenario.workflow.component(component).name + ".cpu";
  evaluation_cpu_ = scenario.deployments[component].limit();
  constants_.assign(inputs.size(), 0);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == "input_bytes") {
      input_bytes_at_.push_back(i);
      continue;
    }
    std::string why;
    bool deployment_feature = false;
    std::optional<double> value = ScenarioFeature(scenario, inputs[i], &deployment_feature, &why);
    if (!value) {
      throw InputError(SourceLocation{model.source()},
                       "the model needs feature '" + inputs[i] + "', which scenario " +
                           scenario.source_file + " cannot supply: " + why);
    }
    auto range = model.input_ranges().find(inputs[i]);
    if (deployment_feature && range != model.input_ranges().end()) {
      *value = std::clamp(*value, range->second.first, range->second.second);
      if (inputs[i] == own_cpu) evaluation_cpu_ = *value;
    }
    constants_[i] = *value;
  }
}

std::vector<double> FeatureRowPlan::Row(double input_bytes) const {
  std::vector<double> row = constants_;
  for (size_t i : input_bytes_at_) row[i] = input_bytes;
  return row;
}

}  // namespace twinprof::sim
