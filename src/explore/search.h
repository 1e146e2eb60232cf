// The budgeted search of spaces too big to simulate whole: random sampling, then local search
// around the best candidates and the Pareto fronts (the random-greedy-plus-local-search scheme of
// SPACE4AI-D), with random restarts when the neighbourhoods are exhausted.
//
// The search knows the space only as a list of axes (how many values each has, whether they are
// ordered) and configurations only by number (configuration.h's mixed radix). It proposes
// configurations in rounds; each round is evaluated as a whole (in parallel by the caller) and
// the next round depends only on the scores, never on which evaluation finished first, so the
// same seed gives the same rounds at any -j.
//
// Rounds:
//   0    `initial` distinct configurations drawn uniformly at random;
//   then the unevaluated neighbours of the `elites` best-ranked candidates (one axis changed:
//        the next smaller or larger value of an ordered axis, any other value of an unordered
//        one); when those are all evaluated, the neighbours of every point of the Pareto fronts;
//        when those are too, a restart: `restart` more random configurations. The search stops
//        after `max_idle_restarts` restarts in a row that improve nothing (neither the best
//        candidate nor a front), when the budget is spent, or when the space is exhausted.
// "Best-ranked" is score.h's ranking; the fronts are pareto_front.h's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explore/score.h"

namespace twinprof::explore {

struct SearchOptions {
  uint64_t budget = 1000;  // most simulations (candidates that could not be simulated are free)
  uint64_t seed = 1;
  uint64_t initial = 0;  // round 0's random configurations; 0 = budget / 4 (at least 1)
  uint64_t restart = 0;  // a restart's random configurations; 0 = initial / 4 (at least 1)
  size_t elites = 5;
  int max_idle_restarts = 2;
};

struct SearchTrace {
  struct Step {
    uint64_t number;
    int round;
  };
  std::vector<Step> evaluated;  // in the order proposed
  uint64_t simulated = 0;
  int rounds = 0;
  int restarts = 0;
  // Why it stopped: "budget spent", "no improvement after N restarts", "space exhausted".
  std::string stopped;
};

// Evaluates a round's configurations, returning one Score each, in order.
using EvaluateRound =
    std::function<std::vector<Score>(const std::vector<uint64_t>& numbers, int round)>;

// `sizes[i]` values on axis i (each >= 1), `ordered[i]` whether they are ordered.
SearchTrace LocalSearch(const std::vector<uint64_t>& sizes, const std::vector<bool>& ordered,
                        const SearchOptions& options, const EvaluateRound& evaluate);

}  // namespace twinprof::explore
