// `twinprof simulate SCENARIO.yaml [-o DIR] [--seed N] [--set key=value ...]
//                    [--sweep key=v1,v2,... ... | --replay RESULTS] [-j N] [--force]`
// Simulates a scenario with SimGrid and writes DIR/jobs.csv, DIR/runs.csv, DIR/summary.json
// (see src/sim/sweep.h). Each run is its own process; --sweep (repeatable) runs one per
// combination of the swept values, --replay one per measured whole-workflow run
// (src/predict/replay.h), -j at a time. Behaviours that name an ML model (`model:`) are loaded and
// checked before any run.

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "predict/measured_runs.h"
#include "predict/model_behaviours.h"
#include "predict/replay.h"
#include "sim/sweep.h"

namespace twinprof::cli {

namespace {

std::pair<std::string, std::string> SplitAssignment(const std::string& text,
                                                    const std::string& flag) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(SourceLocation{flag + " " + text}, "expected key=value");
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

// "1,2,[3, 4],{a: 1, b: 2}" -> its values: commas inside brackets, braces or quotes do not split,
// so YAML lists and maps can be swept.
std::vector<std::string> SplitValues(const std::string& values, const std::string& flag_text) {
  std::vector<std::string> parts;
  std::string part;
  int depth = 0;
  char quote = 0;
  for (char c : values) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(part);
      part.clear();
      continue;
    }
    part += c;
  }
  parts.push_back(part);
  for (const std::string& value : parts) {
    if (value.empty()) throw InputError(SourceLocation{"--sweep " + flag_text}, "empty value");
  }
  return parts;
}

struct SimulateArguments {
  std::string scenario;
  std::string output = "sim-out";
  std::string seed;
  std::vector<std::string> sets;
  std::vector<std::string> sweeps;
  std::string replay;
  int jobs = 1;
  bool force = false;
};

}  // namespace

void AddSimulateCommand(CLI::App& app, const GlobalOptions& global) {
  auto arguments = std::make_shared<SimulateArguments>();
  CLI::App* command =
      app.add_subcommand("simulate", "Simulate a scenario (workflow on a platform) with SimGrid");
  command->add_option("scenario", arguments->scenario, "Scenario YAML file")->required();
  command->add_option("-o,--output", arguments->output, "Output folder")->capture_default_str();
  command->add_option("--seed", arguments->seed, "Random seed (overrides workload.seed)");
  command->add_option("--set", arguments->sets, "Override a scenario value: key.path=value")
      ->take_all();
  command
      ->add_option("--sweep", arguments->sweeps,
                   "One run per value: key.path=v1,v2,... (each in its own process); "
                   "repeat for a grid of several keys")
      ->take_all();
  command->add_option("--replay", arguments->replay,
                      "Simulate every measured run of this results folder (same configuration, "
                      "inputs and upload times) so that jobs.csv joins the measurements");
  command->add_option("-j,--jobs", arguments->jobs, "Runs at a time")->capture_default_str();
  command->add_flag("--force", arguments->force,
                    "Replace an earlier simulation in the output folder (else it is refused)");
  command->callback([arguments, &global] {
    sim::SimulateOptions options;
    options.scenario_path = arguments->scenario;
    options.output_dir = arguments->output;
    options.parallel_runs = arguments->jobs;
    options.force = arguments->force;
    for (const std::string& set : arguments->sets) {
      options.overrides.push_back(SplitAssignment(set, "--set"));
    }
    if (!arguments->seed.empty()) options.overrides.emplace_back("workload.seed", arguments->seed);
    for (const std::string& sweep : arguments->sweeps) {
      auto [key, values] = SplitAssignment(sweep, "--sweep");
      options.sweep.push_back({key, SplitValues(values, sweep)});
    }
    options.prepare = [](sim::Scenario& scenario) { predict::AttachModelBehaviours(scenario); };
    sim::SimulateSummary summary;
    if (!arguments->replay.empty()) {
      if (!arguments->sweeps.empty()) throw InputError("--replay and --sweep exclude each other");
      if (options.parallel_runs < 1) throw InputError("-j must be at least 1");
      sim::Scenario base = sim::LoadScenario(options.scenario_path, options.overrides);
      predict::MeasuredRuns measured = predict::LoadMeasuredRuns(arguments->replay);
      std::vector<sim::ScenarioRun> runs = predict::ReplayScenarios(base, measured);
      for (sim::ScenarioRun& run : runs) options.prepare(run.scenario);
      summary = sim::RunScenarios(runs, options.output_dir, options.parallel_runs, true);
    } else {
      summary = sim::RunSimulations(options);
    }
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
  });
}

}  // namespace twinprof::cli
