// Simulation: one run of a Scenario in SimGrid 3.32. All SimGrid state lives behind this class.
//
// SimGrid allows one Engine per process (a second one keeps the first one's clock and
// callbacks): Run() creates the Engine, and may be called once per process. Run several
// simulations by forking (see sweep.h), which also spreads them over the cores.
//
// The model (docs/architecture.md, "Simulator"): input files arrive in the storage of the cluster
// of the workflow's source components; a job waits for one of its component's parallelism slots,
// then for a node of its placement with room for its cpu and memory requests (NodePool), then the
// scheduling delay; its container cold-starts (image pull at the node's first job of that image,
// then pod start); it downloads its input from the storage host where the file lies (across the
// WAN when that is another cluster's storage), computes (ComponentBehaviour, sharing the node's
// cores with the other jobs there), and uploads its output to its own cluster's storage. Each
// output file then starts one job of each downstream component. Networks use SimGrid's CM02
// model without cross-traffic, so a transfer of b bytes over a route takes the sum of its
// latencies plus b over its narrowest bandwidth when it is alone.
//
// Usage:
//   Simulation::Options options;
//   options.jobs_csv = &file;          // optional: one CSV row per job as it finishes
//   Simulation::Summary summary = Simulation(scenario).Run(options);
//   std::cout << summary.BriefReport() << "\n";
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "core/job_record.h"
#include "sim/run_statistics.h"
#include "sim/scenario.h"

namespace twinprof::sim {

class Simulation {
 public:
  struct Options {
    // Where job records go as jobs finish (CSV with a header row), or null to keep none.
    std::ostream* jobs_csv = nullptr;
    // Written in the job records.
    int run_id = 1;
    int repetition = 1;
    // Called with each job's record as it finishes (optional).
    std::function<void(const JobRecord&)> on_job;
  };

  struct Summary {
    std::string scenario;
    SimulatedRun result;
    double wall_seconds = 0;  // real time the run took
    long actors = 0;          // SimGrid actors created (one per parallelism slot, plus arrivals)

    // One line: jobs, makespan, cost, wall time.
    std::string BriefReport() const;
    // Per component response times and per node utilisation as well.
    std::string FullReport() const;
  };

  // The scenario must have passed ValidateScenario. It is copied.
  explicit Simulation(Scenario scenario);

  // Runs the whole scenario. Throws std::logic_error when called a second time in a process.
  Summary Run(const Options& options);

 private:
  Scenario scenario_;
};

}  // namespace twinprof::sim
