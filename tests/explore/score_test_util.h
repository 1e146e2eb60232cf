// Helpers of the tests of explore's search and fronts on synthetic scores (no simulation).
#pragma once

#include "explore/score.h"

namespace twinprof::test {

// A simulated, feasible candidate's score with one objective.
inline explore::Score Feasible(double cost, double time) {
  explore::Score score;
  score.simulated = true;
  score.feasible = true;
  score.violation = 0;
  score.cost = cost;
  score.times = {time};
  return score;
}

}  // namespace twinprof::test
