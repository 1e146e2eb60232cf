// The one way to read measured job records, for calibrate, validate and report: give it what the
// user named on the command line, a results folder of `twinprof profile` or a CSV of job records,
// and get the records and where they came from.
//
//   JobRecordSet measured = ReadJobRecords(path);  // InputError (exit 2) when unreadable
//   std::cout << measured.Describe() << '\n';      // "12 jobs from results store
//   DIR/results.sqlite"
//
// - A folder (or its results.sqlite): the jobs of the store's finished runs (an interrupted run's
//   jobs are left out, as `export` does), by run then commit order, each with the parameter
//   `mode` ("workflow", "single:COMPONENT") before the campaign's parameters.
// - Any other file: a job record CSV (ReadJobCsv: the simulator's jobs.csv,
//   `twinprof export --jobs`, JobCsvWriter), its parameters as its columns give them.
// So a folder and the CSV `twinprof export DIR --jobs` writes from it give the same records.
// Records may be of any source (local, oscar, sim); the caller decides which it accepts.
//
// It lives in profile/ because it reads the results store; sim must not include it (sim never
// includes profile), while calibrate, predict and report may (docs/architecture.md, "Layout").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/job_record.h"
#include "core/run_parameters.h"
#include "profile/results_store.h"

namespace twinprof::profile {

struct JobRecordSet {
  enum class Origin { kResultsStore, kCsv };
  Origin origin = Origin::kCsv;
  // The file read: DIR/results.sqlite or the CSV file.
  std::string path;
  // The parameter names in column order ("mode" first for a store).
  std::vector<std::string> parameter_names;
  // Their types (core/run_parameters.h): a store's declarations ("mode" is a text); a CSV
  // carries none, so its are inferred from its values (parameter_types_declared false).
  std::map<std::string, ParameterType> parameter_types;
  bool parameter_types_declared = false;
  std::vector<JobRecord> records;
  // Where each record is: FILE:LINE for a CSV; the store's path for a store.
  std::vector<SourceLocation> where;

  // "12 jobs from results store DIR/results.sqlite" or "12 jobs from job record CSV FILE".
  std::string Describe() const;
};

// Reads a results folder, a results.sqlite file, or a job record CSV file (see above). Throws
// InputError naming the path for a path that does not exist, a folder without a results store, a
// file that is not a twinprof store, and every error of ReadJobCsv (FILE:LINE:COLUMN).
JobRecordSet ReadJobRecords(const std::string& path);

// The jobs of `store`'s finished runs, as ReadJobRecords gives them for a folder (and as
// `twinprof export --jobs` writes them).
JobRecordSet ReadJobRecords(const ResultsStore& store);

}  // namespace twinprof::profile
