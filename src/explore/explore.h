// RunExplore: `twinprof explore SPACE -o DIR [-j N]` — which mix of hardware and which deployment
// meets the constraints at the lowest cost, and what each costs in time.
//
// Every candidate (a configuration of the space under one workload variant) is simulated in its
// own process, `parallel` at a time (sim/process_pool.h). Spaces up to the space's
// `exhaustive_up_to` (default 10^4) configurations are enumerated; bigger ones are searched
// (search.h) within a budget of simulations. The same space and seed give the same bytes in every
// output file at any `parallel`: candidates are evaluated in rounds, and each round's results are
// used in configuration order whichever process finished first.
//
// Output folder (docs/formats.md, "Explore outputs"):
//   candidates.csv  every evaluated candidate: configuration, figures, feasible, why not
//   pareto.csv      the Pareto front(s) of time against cost, per workload and objective
//   summary.json    the space, the search's figures, and per workload the cheapest feasible
//                   candidate, the fastest, the fronts and the findings
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "explore/best_candidates.h"
#include "explore/space.h"

namespace twinprof::explore {

struct ExploreOptions {
  std::string space_path;
  std::string output_dir = "explore-out";
  int parallel = 1;  // -j: simulations at a time
  // --set key=value: overrides of the base scenario (dotted paths, as simulate's --set).
  std::vector<std::pair<std::string, std::string>> base_overrides;
  // Replace the space's `search:` settings when set (the CLI's --seed, --budget, --exhaustive,
  // --search).
  std::optional<uint64_t> seed;
  std::optional<uint64_t> budget;
  std::optional<SearchSettings::Method> method;
  // Progress goes here (null: none): a bar redrawn in place when `progress_bar`, plain lines
  // otherwise.
  std::ostream* progress = nullptr;
  bool progress_bar = false;
};

struct ExploreSummary {
  struct Workload {
    std::string name;                   // the variant's name, or "base"
    std::vector<Candidate> candidates;  // by number
    Analysis analysis;
    bool searched = false;  // false: every configuration was evaluated
    uint64_t simulated = 0;
    uint64_t invalid = 0;  // could not run (not simulated)
    uint64_t failed = 0;   // simulations that failed
    uint64_t feasible = 0;
    int rounds = 0;
    int restarts = 0;
    std::string stopped;  // why the search stopped ("" when exhaustive)
  };
  std::string space;     // the space's name
  std::string scenario;  // the base scenario's name
  std::string output_dir;
  uint64_t configurations = 0;  // the space's size
  uint64_t budget = 0;          // simulations allowed per workload when searching
  uint64_t seed = 0;
  std::vector<std::string> configuration_columns;
  std::vector<std::string> objective_columns;  // "makespan_s", "<component>.p95_s"
  std::vector<std::string> components;         // workflow order
  std::vector<std::string> clusters;           // platform order
  std::vector<Workload> workloads;
  double wall_seconds = 0;

  // "edge-cloud-mix: 500 configurations, 500 simulated (all), 212 feasible; cheapest feasible #123
  // cost 0.1234 makespan 31.2 min; 61.3 s wall -> DIR"
  std::string BriefReport() const;
  // The brief line, then per workload: the cheapest feasible candidate, the fastest, each Pareto
  // front as a short table, the findings, and the search's figures.
  std::string FullReport() const;
};

// Throws InputError for a bad space (file:line), flag or output folder; std::runtime_error when
// writing fails. Candidates that cannot run or whose simulation fails are recorded as infeasible,
// not thrown.
ExploreSummary RunExplore(const ExploreOptions& options);

}  // namespace twinprof::explore
