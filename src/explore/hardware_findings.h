// HardwareFindings: where the explored hardware costs more without making anything faster, in
// words a person reads in explore's report and summary.json.
#pragma once

#include <string>
#include <vector>

#include "explore/evaluation.h"
#include "explore/space.h"

namespace twinprof::explore {

// "hardware.nodes.cloud.vm-medium 4 -> 8: makespan within 1% in 24 of 24 comparisons, cost
// x1.98 (median), when resources.blurry-faces.parallelism <= 3": for a step up a node count,
// pairs of simulated candidates that differ only in that step, where the first objective's
// time improved by less than 1% while the cost rose by more than 5% — reported when at least
// half the pairs of that step are such. When the pairs that did gain are separated from those
// that did not by another ordered axis, the finding names it.
//
// `candidates` sorted by number.
std::vector<std::string> HardwareFindings(const Space& space,
                                          const std::vector<Candidate>& candidates);

}  // namespace twinprof::explore
