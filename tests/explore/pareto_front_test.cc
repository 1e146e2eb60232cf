// The Pareto front of synthetic candidates (explore/pareto_front.h).

#include "explore/pareto_front.h"

#include <gtest/gtest.h>

#include <vector>

#include "score_test_util.h"

namespace twinprof::test {
namespace {

TEST(ParetoFront, KeepsTheUndominatedByIncreasingCost) {
  std::vector<explore::Score> scores = {
      Feasible(3, 10), Feasible(1, 30), Feasible(2, 20), Feasible(2, 25),  // dominated by (2, 20)
      Feasible(4, 10),                                                     // dominated by (3, 10)
      Feasible(1, 30),  // the same as #1: only the lower number stays
      Feasible(5, 5)};
  explore::Score infeasible = Feasible(0.5, 1);
  infeasible.feasible = false;
  infeasible.violation = 0.1;
  scores.push_back(infeasible);
  std::vector<std::pair<uint64_t, const explore::Score*>> all;
  for (size_t i = 0; i < scores.size(); ++i) all.emplace_back(i, &scores[i]);
  EXPECT_EQ(explore::ParetoFront(all, 0), (std::vector<uint64_t>{1, 2, 0, 6}));
}

}  // namespace
}  // namespace twinprof::test
