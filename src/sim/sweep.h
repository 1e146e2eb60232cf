// RunSimulations: the `simulate` command's work — one scenario, or one per combination of the
// values of the swept keys (the grid) — each simulated in its own forked process (SimGrid allows
// one Engine per process; sim/process_pool.h), up to `parallel_runs` at a time.
//
// Output folder:
//   jobs.csv      every job of every run (run_id tells them apart), runs in value order, so the
//                 file is byte-identical for any `parallel_runs`
//   runs.csv      one row per run: run_id, the --set/--sweep values, jobs, makespan, cost, and
//                 each component's mean response time
//   summary.json  the run's figures (SimulatedRun::ToJson plus run_id, parameters, wall_seconds);
//                 for a sweep {"scenario": ..., "runs": [one such object per run]}
//   run-<i>/      for a sweep only: each run's own jobs.csv and summary.json
// A folder that already holds any of these (an earlier simulation) is refused, so that stale
// run-<i>/ folders never sit beside new results; with `force` they are all removed first (other
// files in the folder are left alone).
// Scenarios are loaded (and rejected with InputError) in the calling process before any fork.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/run_statistics.h"
#include "sim/scenario.h"

namespace twinprof::sim {

struct SimulateOptions {
  std::string scenario_path;
  std::string output_dir = "sim-out";
  // --set key=value, in order; --seed N is workload.seed=N.
  std::vector<std::pair<std::string, std::string>> overrides;
  // --sweep key=v1,v2,... (repeatable): one run per combination of the values of all swept keys,
  // numbered in grid order (the last key varies fastest). Empty: a single run.
  struct SweepKey {
    std::string key;
    std::vector<std::string> values;
  };
  std::vector<SweepKey> sweep;
  int parallel_runs = 1;  // -j
  // Replace an earlier simulation in output_dir (--force) instead of refusing it.
  bool force = false;
  // Called on each loaded scenario before any run, e.g. to attach ML-model behaviours (the
  // predict module); it may throw InputError.
  std::function<void(Scenario&)> prepare;
};

struct SimulateSummary {
  struct Run {
    int run_id = 0;
    std::vector<std::pair<std::string, std::string>> parameters;
    SimulatedRun result;
    double wall_seconds = 0;
  };
  std::string scenario;
  std::string output_dir;
  std::vector<Run> runs;
  double wall_seconds = 0;

  std::string BriefReport() const;
  std::string FullReport() const;
};

// Throws InputError for a bad scenario, flag or value, or an output folder holding an earlier
// simulation without `force`; std::runtime_error when a run fails.
SimulateSummary RunSimulations(const SimulateOptions& options);

// One run of RunScenarios: a scenario (validated, models attached) and the ids its records carry.
struct ScenarioRun {
  Scenario scenario;
  int run_id = 1;
  int repetition = 1;
};

// Simulates `runs` (one child process each, `parallel_runs` at a time) into `output_dir` as
// RunSimulations does; with `per_run_folders`, each run's own files go to run-<run_id>/ and
// jobs.csv concatenates them in the order given (their parameter names must be the same).
SimulateSummary RunScenarios(const std::vector<ScenarioRun>& runs, const std::string& output_dir,
                             int parallel_runs, bool per_run_folders);

// Reads back SimulatedRun::ToJson's output.
SimulatedRun RunResultFromJson(const nlohmann::json& json);

}  // namespace twinprof::sim
