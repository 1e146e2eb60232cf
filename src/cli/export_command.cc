// `twinprof export DIR --jobs|--runs [--component C] [--target T] [--mode M] -o F.csv`: the
// results of a campaign as aMLLibrary-compatible CSV.
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "profile/export.h"
#include "profile/results_store.h"

namespace twinprof::cli {

void AddExportCommand(CLI::App& app, const GlobalOptions&) {
  struct Args {
    std::string dir;
    bool jobs = false;
    bool runs = false;
    std::string component;
    std::string target;
    std::string mode;
    std::string output;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a campaign's results (its output folder) as CSV: one row per job or run");
  cmd->add_option("dir", args->dir, "Output folder of `twinprof profile`")->required();
  auto* jobs = cmd->add_flag("--jobs", args->jobs, "One row per job (the job record columns)");
  auto* runs =
      cmd->add_flag("--runs", args->runs, "One row per run (makespan, per-component means)");
  jobs->excludes(runs);
  cmd->add_option("--component", args->component, "Only this component's jobs (or runs with it)");
  cmd->add_option("--target", args->target,
                  "Training table: numeric parameters as features, this column last "
                  "(jobs: compute_s, total_s, ...; runs: makespan_s, C.mean_compute_s, ...)");
  cmd->add_option("--mode", args->mode,
                  "Runs of this mode only: workflow, single, single:COMPONENT or all (default: "
                  "workflow with --target, all without)");
  cmd->add_option("-o,--output", args->output, "CSV file to write (- for stdout)")->required();
  cmd->callback([args] {
    if (!args->jobs && !args->runs) {
      throw InputError(SourceLocation{"export"}, "give --jobs or --runs");
    }
    profile::ResultsStore store = profile::ResultsStore::OpenExisting(args->dir);
    profile::ExportOptions options;
    options.runs = args->runs;
    options.component = args->component;
    options.target = args->target;
    options.mode = args->mode;
    int rows;
    if (args->output == "-") {
      rows = profile::ExportCsv(store, options, std::cout);
    } else {
      std::ofstream out(args->output);
      if (!out) throw InputError(SourceLocation{args->output}, "cannot write this file");
      rows = profile::ExportCsv(store, options, out);
      out.close();
      if (!out) throw InputError(SourceLocation{args->output}, "writing failed");
      std::cerr << "export: " << rows << " row" << (rows == 1 ? "" : "s") << " of mode "
                << profile::SelectedMode(options) << " -> " << args->output << "\n";
    }
  });
}

}  // namespace twinprof::cli
