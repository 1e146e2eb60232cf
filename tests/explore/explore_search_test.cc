// The budgeted search against brute force (issue 12): on three spaces of 2,000 to 5,000
// configurations (tests/explore/data/search/), the search finds the cheapest feasible candidate
// that simulating every configuration finds, while simulating at most a fifth of the space.
// Each space's simulations take milliseconds (a small workload), so the brute-force reference is
// computed here, at -j 2.

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "../subprocess.h"
#include "explore_test_util.h"

namespace twinprof::test {
namespace {

using test::ReadCsv;
using test::Slurp;
using test::TempFolder;

// As docs/formats.md compares costs: 12 significant digits.
double CostKey(double cost) {
  char rounded[32];
  std::snprintf(rounded, sizeof rounded, "%.12g", cost);
  return std::stod(rounded);
}

struct SearchCase {
  const char* name;
  int configurations;
};

void PrintTo(const SearchCase& c, std::ostream* out) { *out << c.name; }

class SearchAgainstBruteForce : public ::testing::TestWithParam<SearchCase> {};

TEST_P(SearchAgainstBruteForce, FindsTheCheapestFeasibleSimulatingAtMostAFifth) {
  const SearchCase& c = GetParam();
  const std::string space = std::string("tests/explore/data/search/") + c.name + ".yaml";
  TempFolder dir(std::string("explore-search-") + c.name);

  auto all = RunTwinprof({"explore", space, "-o", dir / "all", "-j", "2", "-q", "--exhaustive"});
  ASSERT_EQ(all.exit_status, 0) << all.err;
  nlohmann::json truth = nlohmann::json::parse(Slurp(dir.path() / "all/summary.json"));
  ASSERT_EQ(truth["configurations"], c.configurations);
  ASSERT_GE(c.configurations, 2000);
  ASSERT_LE(c.configurations, 5000);
  const nlohmann::json& everything = truth["workloads"][0];
  ASSERT_EQ(everything["evaluated"], c.configurations);
  ASSERT_FALSE(everything["cheapest_feasible"].is_null());
  // The constraints bite: most configurations are not feasible.
  EXPECT_LT(everything["feasible"].get<int>() * 2, c.configurations);

  auto searched = RunTwinprof({"explore", space, "-o", dir / "search", "-j", "2", "-q"});
  ASSERT_EQ(searched.exit_status, 0) << searched.err;
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir.path() / "search/summary.json"));
  const nlohmann::json& search = summary["workloads"][0];
  EXPECT_EQ(search["method"], "local search");
  const int simulated = search["simulated"].get<int>();
  EXPECT_LE(simulated * 5, c.configurations) << simulated << " simulated";
  EXPECT_EQ(ReadCsv(dir.path() / "search/candidates.csv").rows.size(),
            search["evaluated"].get<size_t>());
  EXPECT_NE(searched.out.find(std::to_string(simulated) + " of " +
                              std::to_string(c.configurations) + " configurations simulated"),
            std::string::npos)
      << searched.out;
  ASSERT_FALSE(search["cheapest_feasible"].is_null());
  // The optimum's cost (another configuration of exactly that cost is as good an answer).
  EXPECT_EQ(CostKey(search["cheapest_feasible"]["cost"].get<double>()),
            CostKey(everything["cheapest_feasible"]["cost"].get<double>()))
      << "search found #" << search["cheapest_feasible"]["candidate"] << ", brute force #"
      << everything["cheapest_feasible"]["candidate"];
}

INSTANTIATE_TEST_SUITE_P(Spaces, SearchAgainstBruteForce,
                         ::testing::Values(SearchCase{"makespan", 3840}, SearchCase{"p95", 2304},
                                           SearchCase{"sync", 3240}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace twinprof::test
