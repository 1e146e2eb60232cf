// The search's logic on synthetic spaces (no simulation): ranking, determinism, the budget, and
// stopping.

#include "explore/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "score_test_util.h"

namespace twinprof::test {
namespace {

TEST(RanksBefore, FeasibleByCostThenInfeasibleByViolationThenUnsimulated) {
  explore::Score cheap = Feasible(1, 50), dear = Feasible(2, 10);
  explore::Score near = Feasible(0.1, 1), far = Feasible(0.1, 1), invalid;
  near.feasible = far.feasible = false;
  near.violation = 0.1;
  far.violation = 2;
  EXPECT_TRUE(explore::RanksBefore(cheap, 9, dear, 1));
  EXPECT_TRUE(explore::RanksBefore(dear, 9, near, 1));
  EXPECT_TRUE(explore::RanksBefore(near, 9, far, 1));
  EXPECT_TRUE(explore::RanksBefore(far, 9, invalid, 1));
  EXPECT_TRUE(explore::RanksBefore(cheap, 1, cheap, 2));  // ties by number
  EXPECT_FALSE(explore::RanksBefore(cheap, 2, cheap, 1));
}

// A deployment-like landscape: n nodes at price p each, parallelism q; the time falls with
// min(n * 4, q) (whichever caps the throughput), the cost is nodes x price x time; a deadline.
struct Landscape {
  std::vector<uint64_t> sizes = {12, 10, 6, 3};  // nodes 1..12, parallelism 1..10, type, tier
  std::vector<bool> ordered = {true, true, false, true};
  double deadline = 60;

  explore::Score Evaluate(uint64_t number) const {
    std::vector<uint64_t> c(sizes.size());
    for (size_t i = sizes.size(); i-- > 0;) c[i] = number % sizes[i], number /= sizes[i];
    double nodes = static_cast<double>(c[0] + 1), parallelism = static_cast<double>(c[1] + 1);
    double speed = 1.0 + 0.3 * static_cast<double>(c[2] % 3), price = 1.0 + 0.5 * c[2];
    double tier = 1.0 + 0.25 * static_cast<double>(c[3]);
    double time = 400 / (std::min(nodes * 2 * speed, parallelism * tier)) + 5;
    explore::Score score = Feasible(nodes * price * time / 3600, time);
    if (time > deadline) {
      score.feasible = false;
      score.violation = (time - deadline) / deadline;
    }
    return score;
  }
  uint64_t size() const {
    uint64_t n = 1;
    for (uint64_t s : sizes) n *= s;
    return n;
  }
};

uint64_t BruteForceCheapest(const Landscape& landscape) {
  uint64_t best = 0;
  explore::Score best_score;
  for (uint64_t n = 0; n < landscape.size(); ++n) {
    explore::Score score = landscape.Evaluate(n);
    if (n == 0 || explore::RanksBefore(score, n, best_score, best)) best = n, best_score = score;
  }
  return best;
}

explore::SearchTrace Search(const Landscape& landscape, const explore::SearchOptions& options,
                            std::vector<uint64_t>* order = nullptr) {
  return explore::LocalSearch(landscape.sizes, landscape.ordered, options,
                              [&](const std::vector<uint64_t>& numbers, int) {
                                std::vector<explore::Score> scores;
                                for (uint64_t n : numbers) {
                                  scores.push_back(landscape.Evaluate(n));
                                  if (order != nullptr) order->push_back(n);
                                }
                                return scores;
                              });
}

TEST(LocalSearch, FindsTheCheapestFeasibleWithinAFifthOfTheSpace) {
  Landscape landscape;
  const uint64_t truth = BruteForceCheapest(landscape);
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    explore::SearchOptions options;
    options.budget = landscape.size() / 5;
    options.seed = seed;
    explore::SearchTrace trace = Search(landscape, options);
    EXPECT_LE(trace.simulated, options.budget);
    explore::Score best_score;
    uint64_t best = UINT64_MAX;
    for (const explore::SearchTrace::Step& step : trace.evaluated) {
      explore::Score score = landscape.Evaluate(step.number);
      if (best == UINT64_MAX || explore::RanksBefore(score, step.number, best_score, best)) {
        best = step.number, best_score = score;
      }
    }
    EXPECT_EQ(best_score.cost, landscape.Evaluate(truth).cost) << "seed " << seed;
  }
}

TEST(LocalSearch, SameSeedSameRoundsOtherSeedOtherSample) {
  Landscape landscape;
  explore::SearchOptions options;
  options.budget = 200;
  std::vector<uint64_t> a, b, c;
  Search(landscape, options, &a);
  Search(landscape, options, &b);
  options.seed = 2;
  Search(landscape, options, &c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<uint64_t>(a.begin(), a.end()).size(), a.size());  // never twice
}

TEST(LocalSearch, NeverExceedsTheBudgetAndSaysWhyItStopped) {
  Landscape landscape;
  explore::SearchOptions options;
  options.budget = 30;
  explore::SearchTrace trace = Search(landscape, options);
  EXPECT_EQ(trace.simulated, 30u);
  EXPECT_EQ(trace.stopped, "budget spent");
  EXPECT_EQ(trace.evaluated.front().round, 0);
  EXPECT_GT(trace.rounds, 1);
}

TEST(LocalSearch, UnsimulatedCandidatesCostNoBudget) {
  Landscape landscape;
  explore::SearchOptions options;
  options.budget = 40;
  explore::SearchTrace trace = explore::LocalSearch(
      landscape.sizes, landscape.ordered, options, [&](const std::vector<uint64_t>& numbers, int) {
        std::vector<explore::Score> scores;
        for (uint64_t n : numbers) {
          // Odd numbers cannot run.
          scores.push_back(n % 2 == 1 ? explore::Score{} : landscape.Evaluate(n));
        }
        return scores;
      });
  EXPECT_EQ(trace.simulated, 40u);
  EXPECT_GT(trace.evaluated.size(), 40u);
}

TEST(LocalSearch, StopsWhenTheSpaceIsExhausted) {
  Landscape landscape;
  landscape.sizes = {3, 2, 1, 1};
  explore::SearchOptions options;
  options.budget = 100;
  explore::SearchTrace trace = Search(landscape, options);
  EXPECT_EQ(trace.evaluated.size(), 6u);
  EXPECT_EQ(trace.stopped, "space exhausted");
}

}  // namespace
}  // namespace twinprof::test
