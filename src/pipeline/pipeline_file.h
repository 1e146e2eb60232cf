// A pipeline file: the whole story of `twinprof run` in one YAML file (docs/formats.md,
// "Pipeline"): which campaign to profile, which of its configurations train the models and
// calibrate the simulator (the rest are held out and predicted), the measured platform's
// scenario, a hypothetical target platform to simulate, and a space of hardware mixes to explore.
//
// Every path is resolved against the pipeline file's folder. Only `campaign` is required; a step
// whose section is absent is not run (the summary says so).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace twinprof::pipeline {

struct PipelineFile {
  std::string name;  // `name`, or the file's stem
  std::string file;  // the pipeline file itself
  std::string campaign;
  // Conditions on run parameters ("grayify.cpu<=1"): configurations meeting all of them train
  // the models and calibrate the simulator; the others are held out for validation.
  std::vector<std::string> train_where;
  SourceLocation train_where_location;
  // An aMLLibrary-style configuration used for every component's model of compute_s; its
  // input_path and y are set by the pipeline. Empty: no ML models.
  std::string models_config;
  std::string scenario;  // the measured platform's scenario (calibrate, validate)
  std::string target;    // a hypothetical platform's scenario (simulate)
  std::string explore;   // a space of hardware mixes (explore)
  int jobs = 0;          // processes at a time for train, simulate and explore; 0 = the cores
};

// Reads and checks `path`: unknown keys, missing files and malformed conditions are InputErrors
// naming the file, line and column.
PipelineFile LoadPipelineFile(const std::string& path);

}  // namespace twinprof::pipeline
