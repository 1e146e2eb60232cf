// Golden outputs of `twinprof simulate`'s reports (tests/golden_file.h: TWINPROF_REFRESH_GOLDEN=1
// rewrites them). The one figure that varies, the wall time, is zeroed; the simulation itself is
// deterministic for a seed.
#include <gtest/gtest.h>

#include "../golden_file.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace twinprof::test {
namespace {

TEST(GoldenReport, Simulate) {
  // The example scenario of docs/formats.md: 200 videos, two clusters, seed 42.
  sim::Scenario scenario = sim::LoadScenario("experiments/sim/edge-cloud/scenario.yaml");
  sim::Simulation::Summary summary = sim::Simulation(scenario).Run(sim::Simulation::Options{});
  summary.wall_seconds = 0;
  test::ExpectGolden("simulate_brief.txt", summary.BriefReport() + "\n");
  test::ExpectGolden("simulate_full.txt", summary.FullReport());
}

}  // namespace
}  // namespace twinprof::test
