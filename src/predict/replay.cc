#include "predict/replay.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/error.h"

namespace twinprof::predict {

namespace {

std::string Join(const std::set<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

double Number(const MeasuredRuns& measured, const MeasuredRun& run, const std::string& name,
              const std::string& value) {
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(number) ||
      number < 0) {
    throw InputError(SourceLocation{measured.path}, "run " + std::to_string(run.run_id) +
                                                        ": parameter " + name + " = '" + value +
                                                        "' is not a number >= 0");
  }
  return number;
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
  const std::string source = workflow.component(workflow.Sources().front()).name;
  const bool reserves_cores = measured.backend != "local";

  std::vector<sim::ScenarioRun> runs;
  for (const MeasuredRun& run : measured.runs) {
    sim::ScenarioRun replay{base, run.run_id, run.repetition};
    sim::Scenario& scenario = replay.scenario;
    for (const auto& [name, value] : run.parameters) {
      size_t dot = name.rfind('.');
      if (dot == std::string::npos || value.empty()) continue;
      std::optional<workflow::ComponentId> id = workflow.Find(name.substr(0, dot));
      if (!id) continue;
      sim::ComponentDeployment& deployment = scenario.deployments[*id];
      const std::string field = name.substr(dot + 1);
      if (field == "cpu") {
        const double cpu = Number(measured, run, name, value);
        deployment.cpu_limit = cpu;
        deployment.cpu = reserves_cores ? cpu : 0.001;
      } else if (field == "memory_mb") {
        deployment.memory_bytes = Number(measured, run, name, value) * 1048576;
      } else if (field == "parallelism") {
        deployment.parallelism = static_cast<int>(Number(measured, run, name, value));
      }
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
