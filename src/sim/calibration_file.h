// The calibration file: the parameters `twinprof calibrate` fits, in the keys and units a
// scenario and a platform already use, read by a scenario's `calibration: FILE` key
// (docs/formats.md, "Calibration file").
//
//   format: twinprof-calibration-1
//   workflow: cpu-burn                 # the workflow it was fitted for (must match)
//   reference_node_type: local         # the node type whose speed was kept (documentation)
//   behaviour: {COMPONENT: {work: ..., serial_fraction: ..., output: ..., speed_factor: ...,
//                           interference: ...}}
//   node_types: {TYPE: {speed: 2.1Gf}}
//   clusters: {CLUSTER: {storage: {bandwidth: 80MBps, latency: 2ms}}}
//   overheads: {scheduling: 0.2s, pod_start: 1.1s, image_pull_bandwidth: 40MBps}
//   fit: {...}                         # how the fit went; read by people, checked to be a map
//
// Every section but `format` is optional; so is every key inside them.
#pragma once

#include <string>
#include <vector>

#include "core/yaml_file.h"
#include "platform/platform.h"
#include "sim/component_behaviour.h"
#include "workflow/workflow.h"

namespace twinprof::sim {

inline constexpr char kCalibrationFormat[] = "twinprof-calibration-1";

// Reads the calibration file `path` and applies it: node type speeds, cluster storage links and
// overheads replace the platform's; each component behaviour it holds replaces behaviours[id]
// and sets given[id]. A calibration whose reference node type the platform lacks was fitted on
// another platform and is transferred: only its behaviours apply (work in flops at the reference
// type's speed; node speeds, storage, overheads and per node type factors stay the platform's).
// Call it before the scenario's own values (hardware, behaviour_file,
// behaviour) are applied, so those win. Throws InputError at FILE:LINE:COL for a file that is
// not a calibration file, a workflow name other than `workflow`'s, components, node types or
// clusters that the scenario lacks (unless transferred), and values out of range.
void ApplyCalibrationFile(const std::string& path, const workflow::Workflow& workflow,
                          platform::Platform& platform, std::vector<ComponentBehaviour>& behaviours,
                          std::vector<bool>& given);

}  // namespace twinprof::sim
