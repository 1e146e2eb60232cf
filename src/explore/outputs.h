// explore's output files (docs/formats.md, "Explore outputs"): candidates.csv, pareto.csv and
// summary.json in the summary's output folder. Their bytes depend only on the space, the seed and
// the simulations — never on timing — so runs at any -j write the same files.
#pragma once

#include <vector>

#include "explore/explore.h"
#include "explore/space.h"
#include "sim/scenario.h"

namespace twinprof::explore {

// `bases`: the base scenario of each workload (LoadSpace's). Throws std::runtime_error when a
// file cannot be written.
void WriteOutputs(const Space& space, const std::vector<sim::Scenario>& bases,
                  const ExploreSummary& summary);

}  // namespace twinprof::explore
