// The measured side of replay and validation: the finished whole-workflow runs of a results
// folder, each with its configuration (parameters) and its jobs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/job_record.h"

namespace twinprof::predict {

struct MeasuredRun {
  int run_id = 0;
  int repetition = 1;
  std::vector<std::pair<std::string, std::string>> parameters;  // in parameter_names order
  std::vector<JobRecord> jobs;                                  // every job, failed ones too
};

struct MeasuredRuns {
  std::string path;     // the results folder
  std::string backend;  // "local", "oscar"
  std::vector<std::string> parameter_names;
  std::vector<std::string> components;  // of the jobs, in first-seen order
  std::vector<MeasuredRun> runs;        // finished, mode workflow, by run_id
};

// Reads RESULTS (a folder written by `twinprof profile`). Throws InputError naming it when it is
// not one or holds no finished whole-workflow run.
MeasuredRuns LoadMeasuredRuns(const std::string& results_dir);

}  // namespace twinprof::predict
