#include "predict/replay.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "sim/configuration_parameter.h"

namespace twinprof::predict {

namespace {

std::string Join(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<sim::ScenarioRun> ReplayScenarios(const sim::Scenario& base,
                                              const MeasuredRuns& measured) {
  const workflow::Workflow& workflow = base.workflow;
  std::set<std::string> simulated, recorded(measured.components.begin(), measured.components.end());
  for (workflow::ComponentId id : workflow.components())
    simulated.insert(workflow.component(id).name);
  if (simulated != recorded) {
    throw InputError(SourceLocation{base.source_file},
                     "the scenario's workflow does not match the measured one: the scenario has "
                     "components " +
                         Join(simulated) + ", the measurements in " + measured.path + " have " +
                         Join(recorded));
  }
  // A run parameter given with --set would be replaced by each run's own value while its name
  // still labels the run: refused, so that the records never say what was not simulated.
  for (const auto& [name, value] : base.parameters) {
    if (sim::ParseConfigurationParameter(workflow, name)) {
      throw InputError(SourceLocation{"--set " + name + "=" + value},
                       "--replay simulates each measured run with its own " + name +
                           ": it cannot be set as well");
    }
  }
  const std::string source = workflow.component(workflow.Sources().front()).name;
  const bool reserves_cores = measured.backend != "local";

  std::vector<sim::ScenarioRun> runs;
  for (const MeasuredRun& run : measured.runs) {
    sim::ScenarioRun replay{base, run.run_id, run.repetition};
    sim::Scenario& scenario = replay.scenario;
    for (const auto& [name, value] : run.parameters) {
      std::optional<sim::ConfigurationParameter> parameter =
          sim::ParseConfigurationParameter(workflow, name);
      if (!parameter || !sim::ChangesDeployment(*parameter) || value.empty()) continue;
      sim::ApplyConfigurationParameter(
          *parameter, "run " + std::to_string(run.run_id) + ": parameter " + name, value,
          reserves_cores ? sim::CpuRequest::kEqualsLimit : sim::CpuRequest::kReserveNothing,
          SourceLocation{measured.path}, scenario.deployments);
    }
    std::vector<std::pair<double, double>> uploads;
    for (const JobRecord& job : run.jobs) {
      if (job.component == source) uploads.emplace_back(job.t_submit, job.input_bytes);
    }
    std::sort(uploads.begin(), uploads.end());
    if (uploads.empty()) {
      throw InputError(SourceLocation{measured.path}, "run " + std::to_string(run.run_id) +
                                                          " has no job of the source component '" +
                                                          source + "' to replay");
    }
    scenario.workload.uploads = std::move(uploads);
    scenario.workload.files = static_cast<int64_t>(scenario.workload.uploads.size());
    scenario.parameters = run.parameters;
    sim::ValidateScenario(scenario);
    runs.push_back(std::move(replay));
  }
  return runs;
}

}  // namespace twinprof::predict
