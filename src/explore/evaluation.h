// Evaluating one candidate (a configuration under one workload): simulate it, then judge it
// against the space's constraints.
//
// SimulateCandidate runs in a child process (SimGrid allows one simulation per process); its
// CandidateResult travels to the parent as JSON, which round-trips every double exactly, so the
// parent's outputs are the same bytes whichever child finished first.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "explore/score.h"
#include "explore/space.h"
#include "sim/scenario.h"

namespace twinprof::explore {

struct CandidateResult {
  enum class Status {
    kSimulated,
    kInvalid,  // the configuration cannot run (ValidateScenario said why): not simulated
    kFailed,   // the simulation failed (a crash, an internal error)
  };
  Status status = Status::kSimulated;
  std::string error;  // kInvalid, kFailed: why
  long jobs = 0;      // jobs completed
  double makespan = 0;
  double cost = 0;
  std::vector<double> p95;             // response time (s) per component, workflow order
  std::vector<double> rejection_rate;  // rejected / requests per component (0 when asynchronous)
  std::vector<double> utilisation;  // per cluster, platform order: busy core-s / (cores x makespan)

  std::string ToJson() const;
  // Throws std::runtime_error on a malformed text (it comes from our own child).
  static CandidateResult FromJson(const std::string& text);
};

// Validates `scenario` and, when it can run, simulates it in this process (once per process:
// SimGrid). An invalid scenario gives a kInvalid result, not an exception.
CandidateResult SimulateCandidate(const sim::Scenario& scenario);

// How a candidate stands against the constraints.
struct Verdict {
  bool feasible = false;
  // The constraints it breaks, "; "-separated ("makespan 2534 s > 2400 s"), or "invalid: ..."
  // or "failed: ...". Empty when feasible.
  std::string why_not;
  // How far outside the constraints it is: the sum over broken constraints of (value - limit) /
  // limit (value - limit when the limit is 0); 0 when feasible, infinity when not simulated.
  double violation = std::numeric_limits<double>::infinity();
};

// `base` gives the components' and clusters' order.
Verdict Judge(const Space& space, const sim::Scenario& base, const CandidateResult& result);

// The objective's time of a simulated candidate: the makespan or a component's p95.
double ObjectiveTime(const Objective& objective, const sim::Scenario& base,
                     const CandidateResult& result);

// One evaluated candidate: a configuration under one workload, simulated and judged.
struct Candidate {
  uint64_t number = 0;  // the configuration's number (configuration.h)
  int round = 0;        // the search round that proposed it (0 for an exhaustive run)
  std::vector<std::string> configuration;  // configuration.h's ConfigurationValues
  CandidateResult result;
  Verdict verdict;
  Score score;  // the search's view of result and verdict
};

// The search's view of a judged candidate.
Score ScoreOf(const Space& space, const sim::Scenario& base, const CandidateResult& result,
              const Verdict& verdict);

}  // namespace twinprof::explore
