// `simulate --replay RESULTS`: one simulated run per measured whole-workflow run, with the same
// configuration, inputs and upload times, so the simulated jobs join the measured ones on
// (configuration, component) and run by run (docs/formats.md, "Replay").
#pragma once

#include <vector>

#include "predict/measured_runs.h"
#include "sim/scenario.h"
#include "sim/sweep.h"

namespace twinprof::predict {

// The scenarios that replay `measured` on `base`: for each run, `base` with
//  - each component's cpu limit, memory and parallelism from the run's COMPONENT.cpu,
//    COMPONENT.memory_mb and COMPONENT.parallelism parameters (the local backend reserves no
//    cores, so its replays request 1m: jobs share the node's cores as they shared the machine's;
//    OSCAR's request equals the limit);
//  - the workload replaced by the run's uploads: each job of the first source component, at its
//    t_submit, of its input_bytes;
//  - the run's parameters (same names and values) and its run_id and repetition.
// Throws InputError when the scenario's components are not the measured ones, a parameter
// value is not a number where one is needed, or `base` was given a run parameter (`--set
// split-video.cpu=2`: each run's own value replaces it).
std::vector<sim::ScenarioRun> ReplayScenarios(const sim::Scenario& base,
                                              const MeasuredRuns& measured);

}  // namespace twinprof::predict
