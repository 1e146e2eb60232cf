// The measured side of replay and validation: the finished whole-workflow runs of a results
// folder (or of a job-record CSV such as `twinprof export RESULTS --jobs`), each with its
// configuration (parameters) and its jobs. Read through profile/job_records_source.h.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/job_record.h"
#include "core/run_parameters.h"

namespace twinprof::predict {

struct MeasuredRun {
  int run_id = 0;
  int repetition = 1;
  std::vector<std::pair<std::string, std::string>> parameters;  // in parameter_names order
  std::vector<JobRecord> jobs;                                  // every job, failed ones too
};

struct MeasuredRuns {
  std::string path;     // the results folder or CSV
  std::string backend;  // the records' source: "local", "oscar" (or "sim")
  std::vector<std::string> parameter_names;
  // Their types: declared by the results store, inferred from the values of a CSV.
  std::map<std::string, ParameterType> parameter_types;
  std::vector<std::string> components;  // of the jobs, in first-seen order
  std::vector<MeasuredRun> runs;        // finished, mode workflow, by run_id
};

// Reads RESULTS (a folder written by `twinprof profile`, or a job-record CSV). Throws InputError
// naming it when it is neither or holds no job of a finished whole-workflow run.
MeasuredRuns LoadMeasuredRuns(const std::string& results);

}  // namespace twinprof::predict
