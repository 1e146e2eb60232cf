#include "explore/best_candidates.h"

#include <tuple>
#include <unordered_map>

#include "explore/hardware_findings.h"
#include "explore/pareto_front.h"

namespace twinprof::explore {

Analysis Analyse(const Space& space, const std::vector<Candidate>& candidates) {
  Analysis analysis;
  std::unordered_map<uint64_t, size_t> by_number;
  for (size_t i = 0; i < candidates.size(); ++i) by_number[candidates[i].number] = i;

  auto time = [&](size_t i) { return candidates[i].score.times.front(); };
  auto cost = [&](size_t i) { return CostKey(candidates[i].score.cost); };
  auto number = [&](size_t i) { return candidates[i].number; };
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Score& score = candidates[i].score;
    if (!score.simulated) continue;
    if (score.feasible) {
      if (!analysis.cheapest ||
          std::make_tuple(cost(i), time(i), number(i)) <
              std::make_tuple(cost(*analysis.cheapest), time(*analysis.cheapest),
                              number(*analysis.cheapest))) {
        analysis.cheapest = i;
      }
    }
    // A feasible candidate always beats an infeasible one for "fastest".
    bool better = !analysis.fastest || (score.feasible && !analysis.fastest_feasible) ||
                  (score.feasible == analysis.fastest_feasible &&
                   std::make_tuple(time(i), cost(i), number(i)) <
                       std::make_tuple(time(*analysis.fastest), cost(*analysis.fastest),
                                       number(*analysis.fastest)));
    if (better) {
      analysis.fastest = i;
      analysis.fastest_feasible = score.feasible;
    }
  }

  std::vector<std::pair<uint64_t, const Score*>> scores;
  for (const Candidate& candidate : candidates)
    scores.emplace_back(candidate.number, &candidate.score);
  for (size_t k = 0; k < space.objectives.size(); ++k) {
    std::vector<size_t> front;
    for (uint64_t n : ParetoFront(scores, k)) front.push_back(by_number.at(n));
    analysis.fronts.push_back(front);
  }

  analysis.findings = HardwareFindings(space, candidates);
  return analysis;
}

}  // namespace twinprof::explore
