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
//
// Modes: whole-workflow runs and single-component runs time different things (a component alone
// does not share the machine with the rest of the workflow), so a training table holds the rows
// of one mode, `workflow` unless asked otherwise; with several modes selected it gets a `mode`
// column first (a string, one-hot encoded by `train`).
#pragma once

#include <iosfwd>
#include <string>

#include "profile/results_store.h"

namespace twinprof::profile {

struct ExportOptions {
  bool runs = false;      // per run instead of per job
  std::string component;  // jobs of this component only; for runs: runs in which it ran
  std::string target;     // "" = every column
  // Which runs: "workflow", "single" (every single:C), "single:C", "all", or "" (the default:
  // "workflow" with a target, "all" without).
  std::string mode;
};

// The modes `options` selects ("all" or one mode family), after applying the default.
std::string SelectedMode(const ExportOptions& options);

// Writes the CSV; returns the number of rows. Throws InputError for an unknown component, target
// or mode (naming the ones that exist).
int ExportCsv(const ResultsStore& store, const ExportOptions& options, std::ostream& out);

}  // namespace twinprof::profile
