// The subcommands of `twinprof`, one file each (<name>_command.cc). Each Add*Command registers
// its options and a callback on `app`; callbacks throw InputError for bad input (exit 2) and
// anything else for internal errors (exit 1).
#pragma once

#include <CLI/CLI.hpp>

namespace twinprof::cli {

// Options shared by every subcommand.
struct GlobalOptions {
  bool verbose = false;  // full reports instead of brief ones
};

// Thrown by a subcommand that has already printed its diagnostics, to end with `status`.
struct ExitWith {
  int status;
};

// check FILE...: load and validate files of any kind (check_command.cc).
void AddCheckCommand(CLI::App& app, const GlobalOptions& global);
// graph WORKFLOW: the workflow as Graphviz DOT (graph_command.cc).
void AddGraphCommand(CLI::App& app, const GlobalOptions& global);
// twinprof platform-xml PLATFORM.yaml [-o FILE]: SimGrid XML export (platform_xml_command.cc).
void AddPlatformXmlCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof train`: ML performance models from an aMLLibrary configuration (train_command.cc).
void AddTrainCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof predict`: predictions with a trained model (predict_command.cc).
void AddPredictCommand(CLI::App& app, const GlobalOptions& global);
void AddProfileCommand(CLI::App& app, const GlobalOptions& global);
void AddExportCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof simulate`: SimGrid simulation of a scenario (simulate_command.cc).
void AddSimulateCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof calibrate`: fit the simulator to measured job records (calibrate_command.cc).
void AddCalibrateCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof run`: a whole pipeline, step by step (run_command.cc).
void AddRunCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof explore`: design-space exploration by simulation (explore_command.cc).
void AddExploreCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof validate`: predictors against measurements (validate_command.cc).
void AddValidateCommand(CLI::App& app, const GlobalOptions& global);
// `twinprof report`: one self-contained HTML page of charts (report_command.cc).
void AddReportCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace twinprof::cli
