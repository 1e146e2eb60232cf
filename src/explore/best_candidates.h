// Analyse: what explore concludes from the candidates of one workload: the best ones (the
// cheapest feasible, the fastest, the Pareto fronts of pareto_front.h) and findings
// (hardware_findings.h: hardware that costs more without making anything faster).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explore/evaluation.h"
#include "explore/space.h"

namespace twinprof::explore {

struct Analysis {
  // Indices into the candidates. The cheapest feasible: lowest cost, then lowest time (the first
  // objective), then lowest number.
  std::optional<size_t> cheapest;
  // The fastest: lowest time (first objective), then cost, then number, among feasible
  // candidates — or among all simulated ones when none is feasible (`fastest_feasible` false).
  std::optional<size_t> fastest;
  bool fastest_feasible = false;
  // Per objective: the Pareto front of its time against cost among feasible candidates, by
  // increasing cost (ParetoFront).
  std::vector<std::vector<size_t>> fronts;
  // HardwareFindings (hardware_findings.h).
  std::vector<std::string> findings;
};

// `candidates` sorted by number.
Analysis Analyse(const Space& space, const std::vector<Candidate>& candidates);

}  // namespace twinprof::explore
