// RunPipeline: `twinprof run PIPELINE.yaml`, the join from measurements to a decision, step by
// step:
//
//   profile    twinprof profile CAMPAIGN (generates the inputs, runs every configuration locally)
//   export     the job records as CSV: all of them, and the training configurations' per component
//   train      one ML model of compute_s per component, on the training configurations
//   calibrate  the simulator's parameters fitted on the training configurations
//   validate   sim, ml and hybrid predictions of every measured configuration, against the
//              measurements, split into training / interpolation / extrapolation
//   simulate   the calibrated model on the target (hypothetical) platform
//   explore    the target's hardware mixes: candidates, Pareto front, cheapest feasible
//   report     report.html from all of the above
//
// What each step runs is step_plans.h's; this runs them. Every step writes under DIR/STEP/ (its
// commands in DIR/STEP/commands.txt, so it can be rerun by hand) and, once all its commands
// succeeded, DIR/STEP/step.json with a digest of its inputs (step_stamp.h). A rerun skips a step
// whose digest is unchanged; a step whose inputs changed is redone from scratch, except that
// measurements are never deleted: a stale profile folder is moved aside, and an unfinished one (a
// killed run) is resumed with `profile --resume`.
#pragma once

#include <string>
#include <vector>

namespace twinprof::pipeline {

struct RunOptions {
  std::string pipeline_path;
  std::string output_dir;  // "" = ./run-NAME
  std::string from;        // rerun this step and every later one
  std::string only;        // rerun this step alone
  bool verbose = false;
};

struct RunSummary {
  struct Step {
    std::string name;
    // "ran", "up to date", "not configured", "failed", "interrupted", "not reached"
    std::string status;
    std::string detail;  // why it was not configured, which command failed, ...
    double seconds = 0;
  };
  std::string pipeline;
  std::string output_dir;
  std::vector<Step> steps;
  double seconds = 0;
  int exit_status = 0;  // 0, or the failing command's status (130 when interrupted)
  // What the user came for, read from the steps' outputs (empty when a step did not run).
  std::string validation_table;
  std::string decision;
  std::string report_path;

  std::string BriefReport() const;
  std::string FullReport() const;
};

// The step names, in order.
const std::vector<std::string>& StepNames();

// Runs the pipeline. Throws InputError for a bad pipeline file or flag (an unknown step for
// --from/--only, a step whose upstream has not finished); a failing or interrupted step is
// reported in the summary (exit_status), not thrown.
RunSummary RunPipeline(const RunOptions& options);

}  // namespace twinprof::pipeline
