// What explore concludes from the candidates of one workload: the cheapest feasible one, the
// fastest, the Pareto fronts, and findings — hardware that costs more without making anything
// faster.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explore/evaluation.h"
#include "explore/search.h"
#include "explore/space.h"

namespace twinprof::explore {

// One evaluated candidate: a configuration under one workload.
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

struct Analysis {
  // Indices into the candidates. The cheapest feasible: lowest cost, then lowest time (the first
  // objective), then lowest number.
  std::optional<size_t> cheapest;
  // The fastest: lowest time (first objective), then cost, then number, among feasible
  // candidates — or among all simulated ones when none is feasible (`fastest_feasible` false).
  std::optional<size_t> fastest;
  bool fastest_feasible = false;
  // Per objective: the Pareto front of its time against cost among feasible candidates, by
  // increasing cost (search.h's ParetoFront).
  std::vector<std::vector<size_t>> fronts;
  // "hardware.nodes.cloud.vm-medium 4 -> 8: makespan within 1% in 24 of 24 comparisons, cost
  // x1.98 (median), when resources.blurry-faces.parallelism <= 3": for a step up a node count,
  // pairs of simulated candidates that differ only in that step, where the first objective's
  // time improved by less than 1% while the cost rose by more than 5% — reported when at least
  // half the pairs of that step are such. When the pairs that did gain are separated from those
  // that did not by another ordered axis, the finding names it.
  std::vector<std::string> findings;
};

// `candidates` sorted by number.
Analysis Analyse(const Space& space, const std::vector<Candidate>& candidates);

}  // namespace twinprof::explore
