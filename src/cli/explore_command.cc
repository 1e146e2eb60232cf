// `twinprof explore SPACE.yaml [-o DIR] [-j N] [--seed N] [--budget N] [--exhaustive|--search]
//                   [--set key=value ...]`
// Simulates the configurations of a design space (src/explore/explore.h), each in its own
// process, and writes DIR/candidates.csv, DIR/pareto.csv, DIR/summary.json. Prints the cheapest
// feasible candidate, the fastest and the Pareto fronts; progress goes to stderr.

#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "explore/explore.h"

namespace twinprof::cli {

namespace {

struct ExploreArguments {
  std::string space;
  std::string output = "explore-out";
  int jobs = 1;
  int64_t seed = -1;
  int64_t budget = -1;
  bool exhaustive = false;
  bool search = false;
  bool quiet = false;
  std::vector<std::string> sets;
};

}  // namespace

void AddExploreCommand(CLI::App& app, const GlobalOptions& /*global*/) {
  auto arguments = std::make_shared<ExploreArguments>();
  CLI::App* command = app.add_subcommand(
      "explore",
      "Simulate the hardware mixes and deployments of a design space: the cheapest "
      "that meets the constraints, the fastest, the Pareto front of time against cost");
  command->add_option("space", arguments->space, "Space YAML file")->required();
  command->add_option("-o,--output", arguments->output, "Output folder")->capture_default_str();
  command->add_option("-j,--jobs", arguments->jobs, "Simulations at a time")->capture_default_str();
  command->add_option("--seed", arguments->seed, "The search's seed (replaces search.seed)");
  command->add_option("--budget", arguments->budget,
                      "Most simulations per workload when searching (replaces search.budget)");
  auto* exhaustive = command->add_flag("--exhaustive", arguments->exhaustive,
                                       "Simulate every configuration, whatever the space's size");
  command->add_flag("--search", arguments->search, "Search (within the budget) even a small space")
      ->excludes(exhaustive);
  command->add_flag("-q,--quiet", arguments->quiet, "No progress on stderr");
  command
      ->add_option("--set", arguments->sets,
                   "Override a value of the base scenario: key.path=value (e.g. calibration=FILE)")
      ->take_all();
  command->callback([arguments] {
    explore::ExploreOptions options;
    options.space_path = arguments->space;
    options.output_dir = arguments->output;
    options.parallel = arguments->jobs;
    for (const std::string& set : arguments->sets) {
      size_t equals = set.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw InputError("--set " + set + ": expected key.path=value");
      }
      options.base_overrides.emplace_back(set.substr(0, equals), set.substr(equals + 1));
    }
    if (arguments->seed < -1) throw InputError("--seed must be >= 0");
    if (arguments->seed >= 0) options.seed = static_cast<uint64_t>(arguments->seed);
    if (arguments->budget != -1) {
      if (arguments->budget < 1) throw InputError("--budget must be at least 1");
      options.budget = static_cast<uint64_t>(arguments->budget);
    }
    if (arguments->exhaustive) options.method = explore::SearchSettings::Method::kExhaustive;
    if (arguments->search) options.method = explore::SearchSettings::Method::kLocal;
    if (!arguments->quiet) {
      options.progress = &std::cerr;
      options.progress_bar = isatty(STDERR_FILENO) == 1;
    }
    explore::ExploreSummary summary = explore::RunExplore(options);
    // The users come for the cheapest, the fastest and the front: always printed.
    std::cout << summary.FullReport();
  });
}

}  // namespace twinprof::cli
