// CSV exports of a results store, in the form aMLLibrary reads (a header line, one row per job or
// per run, configuration parameters as columns).
//
// --jobs: the JobRecord columns, then `mode` ("workflow", "single:COMPONENT") and one column per
//   configuration parameter ("input", "input.seconds", "grayify.cpu", ...).
// --runs: run_id, repetition, mode, the parameters, jobs, failed_jobs, makespan_s, wall_s, then
//   per component C: C.jobs, C.mean_compute_s, C.mean_total_s.
// With a target (e.g. compute_s, makespan_s) the table is ready to train on: only the numeric
// configuration parameters (and input_bytes for jobs) as features, the target as the last column,
// and only rows where the target exists (succeeded jobs; runs without failures).
#pragma once

#include <iosfwd>
#include <string>

#include "profile/results_store.h"

namespace twinprof {

struct ExportOptions {
  bool runs = false;      // per run instead of per job
  std::string component;  // jobs of this component only; for runs: runs in which it ran
  std::string target;     // "" = every column
};

// Writes the CSV; returns the number of rows. Throws InputError for an unknown component or
// target (naming the ones that exist).
int ExportCsv(const ResultsStore& store, const ExportOptions& options, std::ostream& out);

}  // namespace twinprof
