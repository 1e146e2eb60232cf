// `twinprof calibrate SCENARIO --data RESULTS [--data RESULTS ...] -o CALIBRATION.yaml
//                     [--reference NODE_TYPE] [--starts N]`
// Fits the simulator's parameters to measured job records (src/calibrate/calibration.h) and
// writes the calibration file (docs/formats.md, "Calibration file"). RESULTS is a results folder
// of `twinprof profile` or a CSV of job records. Bad data: exit 2 naming the file and line, and
// nothing written.

#include <filesystem>
#include <iostream>
#include <memory>

#include "calibrate/calibration.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "profile/job_records_source.h"
#include "sim/scenario.h"

namespace twinprof::cli {

namespace {

namespace fs = std::filesystem;

struct CalibrateArguments {
  std::string scenario;
  std::vector<std::string> data;
  std::string output;
  std::string reference;
  int starts = 3;
};

// Creates the folder of `path`, then writes `text` through a temporary file, so a failure leaves
// no partial file.
void WriteAtomically(const std::string& path, const std::string& text) {
  fs::path target(path);
  if (target.has_parent_path()) {
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error)
      throw InputError(SourceLocation{path}, "cannot create its folder: " + error.message());
  }
  WriteFileAtomically(path, text);
}

}  // namespace

void AddCalibrateCommand(CLI::App& app, const GlobalOptions& global) {
  auto arguments = std::make_shared<CalibrateArguments>();
  CLI::App* command = app.add_subcommand(
      "calibrate", "Fit the simulator's parameters to measured job records (Ceres)");
  command
      ->add_option("scenario", arguments->scenario,
                   "Scenario YAML file: the workflow, platform and placement measured")
      ->required();
  command
      ->add_option("--data", arguments->data,
                   "A results folder of `twinprof profile` or a job record CSV (repeatable)")
      ->required();
  command->add_option("-o,--output", arguments->output, "The calibration file to write")
      ->required();
  command->add_option(
      "--reference", arguments->reference,
      "Node type that keeps the platform's speed (default: the one with most jobs)");
  command->add_option("--starts", arguments->starts, "Starting points of the compute fit")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  command->callback([arguments, &global] {
    sim::Scenario scenario =
        sim::LoadScenario(arguments->scenario, {}, /*behaviours_optional=*/true);
    std::vector<profile::JobRecordSet> data;
    for (const std::string& path : arguments->data) data.push_back(profile::ReadJobRecords(path));
    calibrate::Options options;
    options.reference_node_type = arguments->reference;
    options.starts = arguments->starts;
    calibrate::Summary summary = calibrate::Calibrate(scenario, data, options);
    WriteAtomically(arguments->output, summary.CalibrationFile());
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
    if (!summary.converged) {
      std::cerr << "warning: the fit did not converge; " << arguments->output
                << " holds its last values\n";
    }
  });
}

}  // namespace twinprof::cli
