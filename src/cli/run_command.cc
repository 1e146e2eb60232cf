// `twinprof run PIPELINE.yaml [-o DIR] [--from STEP] [--only STEP]`: the whole story, from a
// campaign to a report, step by step (src/pipeline/pipeline_runner.h). Exit status: 0 when every
// configured step finished, 2 for a bad pipeline file or flag, 130 when interrupted (rerun the same
// command to resume), otherwise 1 (the failing step's command is named).

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "pipeline/pipeline_runner.h"

namespace twinprof::cli {

void AddRunCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<pipeline::RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run",
      "Run a pipeline: profile, export, train, calibrate, validate, simulate, explore, "
      "report (each step skipped when its inputs did not change)");
  command->add_option("pipeline", options->pipeline_path, "Pipeline file (YAML)")->required();
  command->add_option("-o,--output", options->output_dir, "Output folder (default: ./run-NAME)");
  std::string steps;
  for (const std::string& name : pipeline::StepNames()) steps += (steps.empty() ? "" : ", ") + name;
  command->add_option("--from", options->from,
                      "Rerun this step and the later ones (" + steps + ")");
  command->add_option("--only", options->only, "Rerun this step alone");
  command->callback([options, &global] {
    if (!options->from.empty() && !options->only.empty()) {
      throw InputError("--from and --only: give one of them");
    }
    options->verbose = global.verbose;
    pipeline::RunSummary summary = pipeline::RunPipeline(*options);
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport());
    if (summary.exit_status != 0) throw ExitWith{summary.exit_status};
  });
}

}  // namespace twinprof::cli
