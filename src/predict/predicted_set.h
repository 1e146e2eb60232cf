// One predictor's output, as `twinprof validate --predicted [NAME=]DIR` reads
// it: DIR/jobs.csv (simulated job records: the sim and hybrid predictors, from
// `simulate --replay`) or DIR/prediction.csv with DIR/prediction.json (per-job
// predictions of `twinprof predict` on a job export of the measured results:
// the pure-ML baseline). See docs/formats.md, "Validation".
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/job_record.h"

namespace twinprof::predict {

struct PredictedSet {
  enum class Kind { kJobs, kPrediction };
  std::string name;  // NAME, or DIR's folder name
  std::string dir;
  std::string file;  // the file read
  Kind kind = Kind::kJobs;

  // kJobs: the records and their parameter columns.
  std::vector<std::string> parameter_names;
  std::vector<JobRecord> jobs;

  // kPrediction: what the model predicts (compute_s or total_s) and one row per
  // job.
  struct Row {
    int run_id = 0;
    std::string job_id;
    std::string component;  // "" when the file has no component column
    double predicted = 0;
    SourceLocation where;
  };
  std::string target;
  std::vector<Row> rows;
};

// Reads "[NAME=]DIR". Throws InputError naming the folder or file: neither
// jobs.csv nor prediction.csv in it, a prediction.csv without run_id and job_id
// columns, a prediction.json whose target is not compute_s or total_s, and
// every error of the CSV readers.
PredictedSet LoadPredictedSet(const std::string& argument);

}  // namespace twinprof::predict
