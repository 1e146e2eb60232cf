// Profile() runs a campaign: plans its runs, runs each one on a backend, and commits every finished
// job to the results store in the output folder the moment it finishes (results_store.h explains
// why a campaign killed at any point and restarted with `resume` ends with every job exactly once).
//
//   ProfileOptions options;
//   options.output_dir = "out";
//   ProfileSummary summary = Profile(campaign, *MakeBackend(campaign.backend), options);
//   std::cout << summary.BriefReport() << "\n";
//
// Runs are profiled one after the other (their jobs run concurrently, up to each component's
// parallelism), so that runs do not disturb each other's timings.
//
// Ctrl-C and SIGTERM (with `stop_on_signals` and a backend that stops_on_interrupt()): the
// running jobs are stopped (local: their process groups killed, their cgroups removed), every
// committed job stays in the store, the interrupted run stays unfinished (--resume reruns it),
// and Profile returns a summary whose `interrupted_by` names the signal.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "profile/backend.h"
#include "profile/campaign.h"
#include "profile/planner.h"

namespace twinprof::profile {

struct ProfileOptions {
  std::string output_dir;  // required
  // Finish the campaign already in output_dir (skip finished runs, rerun unfinished ones).
  // Without it, an output folder that already holds runs is an error.
  bool resume = false;
  // Where progress goes (nullptr = nowhere). With `progress_bar`, one line redrawn in place
  // (runs done/total, jobs running, failures, elapsed, ETA); otherwise one line per finished run
  // and a status line now and then (progress.h).
  std::ostream* progress = nullptr;
  bool progress_bar = false;
  // Stop after this many runs (0 = all): a partial campaign, finished later with `resume`.
  int max_runs = 0;
  // Stop cleanly on SIGINT and SIGTERM (interrupt.h) instead of dying with the jobs left
  // running; only for a backend that stops_on_interrupt(). Changes the calling thread's signal
  // mask while Profile runs.
  bool stop_on_signals = false;
};

struct ProfileSummary {
  std::string output_dir;
  int runs_planned = 0;
  int runs_already_finished = 0;  // skipped because a previous invocation finished them
  int runs_discarded = 0;         // unfinished runs of a previous invocation, rerun
  int runs_done = 0;              // by this invocation
  int jobs = 0;                   // by this invocation
  int failed_jobs = 0;
  double wall_s = 0;
  // CPU time twinprof itself used (user + system, without the jobs), per job of this invocation.
  double profiler_cpu_ms_per_job = 0;
  std::vector<std::string> notes;     // from the backend (limits not enforced, ...)
  std::vector<std::string> failures;  // "run 3 grayify:input-1.png: exit 1" (first ones)
  int interrupted_by = 0;             // the signal that stopped the campaign; 0 = none
  int unfinished_run = -1;            // the run it interrupted (rerun by --resume); -1 = none
  int unfinished_run_jobs = 0;        // jobs of that run committed before the interruption

  // "profiled 12 runs (36 jobs, 1 failed) in 42.1 s -> out/results.sqlite"; when interrupted,
  // "interrupted by SIGINT after 3 runs (...); run 4 unfinished (...) -> ..."
  std::string BriefReport() const;
  std::string FullReport() const;
};

// Throws InputError when the output folder holds another campaign, or holds this one without
// `resume`, or the campaign changed since; and for input generation failures.
ProfileSummary Profile(Campaign& campaign, Backend& backend, const ProfileOptions& options);

// What --dry-run prints: every run, the number of jobs the arrival pattern starts per run, and
// the time it will take: per mode (workflow, single:C), the runs to go times the mean wall time
// of that mode's runs already finished in `output_dir`'s store; for a mode not measured yet, a
// lower bound that says what it counts (the upload schedule) and what it does not (the jobs).
std::string DescribePlan(const Campaign& campaign, const Plan& plan, const std::string& output_dir);

}  // namespace twinprof::profile
