// `twinprof simulate SCENARIO.yaml [-o DIR] [--seed N] [--set key=value ...]
//                    [--sweep key=v1,v2,...] [-j N]`
// Simulates a scenario with SimGrid and writes DIR/jobs.csv, DIR/runs.csv, DIR/summary.json
// (see src/sim/sweep.h). Each run is its own process; --sweep runs one per value, -j at a time.

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "sim/sweep.h"

namespace twinprof::cli {

namespace {

std::pair<std::string, std::string> SplitAssignment(const std::string& text,
                                                    const std::string& flag) {
  size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(flag + " " + text + ": expected key=value");
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

struct SimulateArguments {
  std::string scenario;
  std::string output = "sim-out";
  std::string seed;
  std::vector<std::string> sets;
  std::string sweep;
  int jobs = 1;
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
  command->add_option("--sweep", arguments->sweep,
                      "One run per value: key.path=v1,v2,... (each in its own process)");
  command->add_option("-j,--jobs", arguments->jobs, "Runs at a time")->capture_default_str();
  command->callback([arguments, &global] {
    SimulateOptions options;
    options.scenario_path = arguments->scenario;
    options.output_dir = arguments->output;
    options.parallel_runs = arguments->jobs;
    for (const std::string& set : arguments->sets) {
      options.overrides.push_back(SplitAssignment(set, "--set"));
    }
    if (!arguments->seed.empty()) options.overrides.emplace_back("workload.seed", arguments->seed);
    if (!arguments->sweep.empty()) {
      auto [key, values] = SplitAssignment(arguments->sweep, "--sweep");
      options.sweep_key = key;
      size_t start = 0;
      while (true) {
        size_t comma = values.find(',', start);
        std::string value = values.substr(start, comma - start);
        if (value.empty()) throw InputError("--sweep " + arguments->sweep + ": empty value");
        options.sweep_values.push_back(value);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    SimulateSummary summary = RunSimulations(options);
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
  });
}

}  // namespace twinprof::cli
