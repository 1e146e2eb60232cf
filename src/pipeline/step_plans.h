// The steps of `twinprof run` as planned (pipeline_runner.h lists them): for each, the steps it
// reads the outputs of, the files whose contents decide whether it is up to date, and what it
// does — twinprof subcommands in child processes, or work done in this process (filtering a CSV,
// writing a configuration) — each under DIR/STEP/. Which steps run, and how, is the runner's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pipeline/pipeline_file.h"
#include "pipeline/training_filter.h"

namespace twinprof::pipeline {

// One thing a step does: a twinprof subcommand in a child process, or work done in this process
// (filtering a CSV, writing a configuration). Its label enters the step's digest.
struct Action {
  std::string label;
  std::vector<std::string> arguments;  // twinprof's arguments; empty for a function
  std::function<void()> function;
};

// A step as planned: what it reads, what it does.
struct PlannedStep {
  PlannedStep(std::string step_name, std::vector<std::string> reads = {})
      : name(std::move(step_name)), upstream(std::move(reads)) {}

  std::string name;
  std::string not_configured;  // non-empty: the step is not run, and this says why
  std::vector<std::string> upstream;
  std::vector<std::string> input_files;
  std::vector<Action> actions;
};

// What the plans are made from. It must outlive the plans: their in-process actions read it.
struct PlanContext {
  PipelineFile file;
  std::string output;  // the output folder, absolute
  // The profile step's input files: the campaign, its workflow and the components' scripts.
  std::vector<std::string> campaign_files;
  std::vector<std::string> components;  // the campaign's, in workflow order
  std::vector<Condition> conditions;    // the pipeline file's train_where
  int jobs = 1;                         // -j for train, simulate and explore

  // DIR/STEP.
  std::string Dir(const std::string& step) const { return output + "/" + step; }
  // The calibration file the calibrate step writes, which validate, simulate, explore and report
  // read.
  std::string CalibrationFile() const { return Dir("calibrate") + "/calibration.yaml"; }
};

// Every step, in StepNames() order; a step whose section of the pipeline file is absent says so
// in `not_configured`.
std::vector<PlannedStep> PlanSteps(const PlanContext& context);

}  // namespace twinprof::pipeline
