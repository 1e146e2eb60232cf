// `twinprof train -c CONFIG -o OUT [-j N] [--force]`: trains performance models from an
// aMLLibrary configuration (.ini or .yaml) and writes OUT/results.json, OUT/results.txt, one
// OUT/<Technique>.model per technique and OUT/best.model.

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "model/config/train_config.h"
#include "model/model_file.h"
#include "model/trainer.h"

namespace twinprof::cli {

namespace {

namespace fs = std::filesystem;

struct TrainFlags {
  std::string config;
  std::string out;
  int jobs = 1;
  bool force = false;
};

void RunTrain(const TrainFlags& flags, const GlobalOptions& global) {
  fs::path out = flags.out;
  fs::path finished = out / "results.json";
  if (fs::exists(finished) && !flags.force) {
    throw InputError(SourceLocation{finished.string()},
                     "holds a finished training; pass --force to overwrite it");
  }
  if (fs::exists(out) && !fs::is_directory(out)) {
    throw InputError(SourceLocation{out.string()}, "exists and is not a folder");
  }
  model::TrainConfig config = model::LoadTrainConfig(flags.config);
  model::TrainOptions options;
  options.jobs = flags.jobs;
  model::TrainSummary summary = model::Train(config, options);

  fs::create_directories(out);
  if (fs::exists(finished)) fs::remove(finished);  // unfinished until results.json is back
  for (const model::TechniqueResult& result : summary.techniques) {
    if (result.model) result.model->Save((out / (result.technique + ".model")).string());
  }
  if (summary.best >= 0) {
    summary.techniques[summary.best].model->Save((out / "best.model").string());
  }
  WriteFileAtomically((out / "results.txt").string(), summary.FullReport());
  WriteFileAtomically(finished.string(), summary.ToJson().dump(2) + "\n");
  std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
  if (summary.best < 0) {
    throw std::runtime_error("every technique failed; see " + (out / "results.txt").string());
  }
}

}  // namespace

void AddTrainCommand(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* command = app.add_subcommand(
      "train", "Train ML performance models from an aMLLibrary configuration (.ini or .yaml)");
  command->add_option("-c,--config", flags->config, "Configuration file (.ini or .yaml)")
      ->required();
  command->add_option("-o,--output", flags->out, "Output folder")->required();
  command->add_option("-j,--jobs", flags->jobs, "Threads for the fits (default 1)")
      ->check(CLI::Range(1, 1024));
  command->add_flag("--force", flags->force, "Overwrite a finished output folder");
  command->fallthrough();  // -v after the subcommand
  command->callback([flags, &global] { RunTrain(*flags, global); });
}

}  // namespace twinprof::cli
