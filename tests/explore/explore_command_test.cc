// End-to-end: `twinprof explore` on small spaces — the outputs, checked against an independent
// recomputation from candidates.csv; the same bytes at any -j; the documented examples; bad flags.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "../subprocess.h"
#include "explore_test_util.h"

namespace twinprof::test {
namespace {

using test::CsvRows;
using test::ReadCsv;
using test::Slurp;
using test::TempFolder;

const std::string kSmall = "tests/explore/data/small-space.yaml";
const std::string kFull = "tests/explore/data/full-space.yaml";
const std::string kExample = "experiments/explore/space.yaml";

double Number(const std::map<std::string, std::string>& row, const std::string& column) {
  auto it = row.find(column);
  if (it == row.end() || it->second.empty()) {
    ADD_FAILURE() << "no " << column;
    return NAN;
  }
  return std::stod(it->second);
}

// Costs compare at 12 significant digits (docs/formats.md): the same prices summed in another
// order differ in the last bits.
double CostKey(const std::string& text) {
  char rounded[32];
  std::snprintf(rounded, sizeof rounded, "%.12g", std::stod(text));
  return std::stod(rounded);
}

// Brute-force check (issue 12): on a space small enough to enumerate, the cheapest feasible
// candidate and both Pareto fronts, recomputed here from candidates.csv alone, match what explore
// wrote; so does every row's feasibility against the constraints (makespan <= 150 s, mask-detector
// p95 <= 75 s).
TEST(ExploreCommand, BruteForceCheckOfASmallSpace) {
  TempFolder dir("explore-small");
  auto result = RunTwinprof({"explore", kSmall, "-o", dir / "out", "-j", "2"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  CsvRows candidates = ReadCsv(dir.path() / "out/candidates.csv");
  ASSERT_EQ(candidates.rows.size(), 144u);
  EXPECT_EQ(candidates.header.front(), "workload");
  struct Point {
    long number;
    double makespan, p95, cost;
  };
  std::vector<Point> feasible;
  for (const auto& row : candidates.rows) {
    ASSERT_EQ(row.count("<fields>"), 0u);
    double makespan = Number(row, "makespan_s"), p95 = Number(row, "mask-detector.p95_s");
    bool meets = makespan <= 150 && p95 <= 75;
    EXPECT_EQ(row.at("feasible"), meets ? "true" : "false") << row.at("candidate");
    if (!meets) {
      EXPECT_NE(row.at("why_not"), "");
      if (makespan > 150) {
        EXPECT_NE(row.at("why_not").find("makespan"), std::string::npos);
      }
      if (p95 > 75) {
        EXPECT_NE(row.at("why_not").find("mask-detector p95"), std::string::npos);
      }
      continue;
    }
    EXPECT_EQ(row.at("why_not"), "");
    feasible.push_back({std::stol(row.at("candidate")), makespan, p95, CostKey(row.at("cost"))});
  }
  ASSERT_FALSE(feasible.empty());
  ASSERT_LT(feasible.size(), 144u) << "the constraints should rule some out";

  // The cheapest feasible: lowest cost, then makespan, then number.
  const Point* cheapest = &feasible.front();
  for (const Point& p : feasible) {
    if (std::tie(p.cost, p.makespan, p.number) <
        std::tie(cheapest->cost, cheapest->makespan, cheapest->number)) {
      cheapest = &p;
    }
  }
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir.path() / "out/summary.json"));
  const nlohmann::json& workload = summary["workloads"][0];
  EXPECT_EQ(workload["method"], "exhaustive");
  EXPECT_EQ(workload["simulated"], 144);
  EXPECT_EQ(workload["feasible"], feasible.size());
  EXPECT_EQ(workload["cheapest_feasible"]["candidate"], cheapest->number);
  EXPECT_EQ(CostKey(workload["cheapest_feasible"]["cost"].dump()), cheapest->cost);

  // Each front by the definition: no other feasible point at least as good on both and better on
  // one; of exact ties the lowest number.
  auto front_of = [&](auto time) {
    std::vector<const Point*> front;
    for (const Point& p : feasible) {
      bool beaten = false;
      for (const Point& q : feasible) {
        bool no_worse = q.cost <= p.cost && time(q) <= time(p);
        bool better = q.cost < p.cost || time(q) < time(p);
        bool tie_before = q.cost == p.cost && time(q) == time(p) && q.number < p.number;
        beaten = beaten || (no_worse && better) || tie_before;
      }
      if (!beaten) front.push_back(&p);
    }
    std::sort(front.begin(), front.end(),
              [](const Point* a, const Point* b) { return a->cost < b->cost; });
    std::vector<long> numbers;
    for (const Point* p : front) numbers.push_back(p->number);
    return numbers;
  };
  std::vector<long> makespan_front = front_of([](const Point& p) { return p.makespan; });
  std::vector<long> p95_front = front_of([](const Point& p) { return p.p95; });
  EXPECT_EQ(workload["pareto"]["makespan_s"].get<std::vector<long>>(), makespan_front);
  EXPECT_EQ(workload["pareto"]["mask-detector.p95_s"].get<std::vector<long>>(), p95_front);
  CsvRows pareto = ReadCsv(dir.path() / "out/pareto.csv");
  std::vector<long> from_csv[2];
  for (const auto& row : pareto.rows) {
    int k = row.at("objective") == "makespan_s" ? 0 : 1;
    from_csv[k].push_back(std::stol(row.at("candidate")));
    EXPECT_EQ(std::stol(row.at("point")), static_cast<long>(from_csv[k].size()));
  }
  EXPECT_EQ(from_csv[0], makespan_front);
  EXPECT_EQ(from_csv[1], p95_front);
  EXPECT_GE(makespan_front.size(), 2u);

  // Printed: the cheapest, the fastest, the fronts.
  EXPECT_NE(result.out.find("cheapest feasible: #" + std::to_string(cheapest->number)),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("fastest: #"), std::string::npos);
  EXPECT_NE(result.out.find("Pareto front, makespan against cost: " +
                            std::to_string(makespan_front.size()) + " points"),
            std::string::npos);
  EXPECT_NE(result.out.find("Pareto front, mask-detector p95 against cost"), std::string::npos);
}

// The same space and seed give the same bytes at any -j, searched or enumerated.
TEST(ExploreCommand, SameBytesAtAnyParallelism) {
  TempFolder dir("explore-bytes");
  for (const char* j : {"1", "3"}) {
    for (const char* mode : {"--search", "--exhaustive"}) {
      std::string out = dir / (std::string(mode + 2) + j);
      auto result =
          RunTwinprof({"explore", kSmall, "-o", out, "-j", j, mode, "--budget", "40", "-q"});
      ASSERT_EQ(result.exit_status, 0) << result.err;
      EXPECT_EQ(result.err, "");
    }
  }
  for (const char* file : {"candidates.csv", "pareto.csv", "summary.json"}) {
    for (const char* mode : {"search", "exhaustive"}) {
      std::string one = Slurp(dir.path() / (std::string(mode) + "1") / file);
      EXPECT_FALSE(one.empty());
      EXPECT_EQ(one, Slurp(dir.path() / (std::string(mode) + "3") / file)) << mode << " " << file;
    }
  }
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir.path() / "search1/summary.json"));
  EXPECT_EQ(summary["workloads"][0]["method"], "local search");
  EXPECT_LE(summary["workloads"][0]["simulated"].get<int>(), 40);
  // Another seed, another sample.
  auto result = RunTwinprof(
      {"explore", kSmall, "-o", dir / "seed2", "--search", "--budget", "40", "--seed", "2", "-q"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(Slurp(dir.path() / "seed2/candidates.csv"),
            Slurp(dir.path() / "search1/candidates.csv"));
}

// The fuller documented example: workload variants, synchronous services, configurations that
// cannot run, every constraint (searched within a small budget to keep the test short).
TEST(ExploreCommand, FullExample) {
  TempFolder dir("explore-full");
  auto result = RunTwinprof({"explore", kFull, "-o", dir / "out", "-j", "2", "--search"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  CsvRows candidates = ReadCsv(dir.path() / "out/candidates.csv");
  std::set<std::string> workloads;
  bool invalid = false, rejected_column = false;
  for (const auto& row : candidates.rows) {
    ASSERT_EQ(row.count("<fields>"), 0u);
    workloads.insert(row.at("workload"));
    if (row.at("why_not").rfind("invalid: ", 0) == 0) {
      invalid = true;
      EXPECT_EQ(row.at("makespan_s"), "");
    }
    rejected_column = rejected_column || row.count("mask-detector.rejection_rate") == 1;
  }
  EXPECT_EQ(workloads, (std::set<std::string>{"quiet", "busy"}));
  EXPECT_TRUE(rejected_column);
  EXPECT_TRUE(invalid) << "an edge without nodes cannot run";
  for (const char* column :
       {"hardware.nodes.edge.rpi4", "hardware.nodes.cloud.vm-large", "placement.blurry-faces",
        "resources.blurry-faces.memory", "edge.utilisation", "cloud.utilisation"}) {
    EXPECT_NE(std::find(candidates.header.begin(), candidates.header.end(), column),
              candidates.header.end())
        << column;
  }
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir.path() / "out/summary.json"));
  ASSERT_EQ(summary["workloads"].size(), 2u);
  for (const nlohmann::json& workload : summary["workloads"]) {
    EXPECT_LE(workload["simulated"].get<int>(), 100);
    EXPECT_EQ(workload["method"], "local search");
  }
  EXPECT_NE(result.out.find("workload busy"), std::string::npos) << result.out;
}

// The example's hidden finding: with blurry-faces' parallelism at 3, 8 cloud VMs finish no sooner
// than 4 and cost twice as much; with more parallelism they help.
TEST(ExploreCommand, TheExampleSweepsFindingIsReported) {
  TempFolder dir("explore-finding");
  std::ofstream(dir / "space.yaml")
      << "scenario: " << TWINPROF_SOURCE_DIR << "/experiments/sim/edge-cloud/scenario.yaml\n"
      << "hardware: {cloud: {nodes: {vm-medium: [4, 8]}}}\n"
      << "resources: {blurry-faces: {parallelism: [3, 12]}}\n"
      << "placement: {blurry-faces: [cloud]}\n";
  auto result = RunTwinprof({"explore", dir / "space.yaml", "-o", dir / "out", "-j", "2", "-q"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("hardware.nodes.cloud.vm-medium 4 -> 8: makespan within 1%"),
            std::string::npos)
      << result.out;
}

TEST(ExploreCommand, DocumentedExampleRuns) {
  TempFolder dir("explore-example");
  auto result = RunTwinprof(
      {"explore", kExample, "-o", dir / "out", "-j", "2", "--search", "--budget", "10"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("edge-cloud-mix: 500 configurations, 10 simulated"), std::string::npos)
      << result.out;
  EXPECT_NE(result.err.find("candidates"), std::string::npos) << result.err;  // progress
}

TEST(ExploreCommand, BadFlagsExitTwo) {
  TempFolder dir("explore-flags");
  EXPECT_EQ(RunTwinprof({"explore", kSmall, "-o", dir / "a", "-j", "0"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({"explore", kSmall, "-o", dir / "a", "--budget", "0"}).exit_status, 2);
  EXPECT_EQ(
      RunTwinprof({"explore", kSmall, "-o", dir / "a", "--search", "--exhaustive"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({"explore", "no-such-space.yaml", "-o", dir / "a"}).exit_status, 2);
}

}  // namespace
}  // namespace twinprof::test
