// ComputeTimeModel: what the simulator asks for a job's compute seconds when a component's
// behaviour names an ML model (`behaviour: {C: {model: PATH}}`; the hybrid predictor).
//
// `sim` does not load model files (it does not depend on `model`): the predict module loads them
// (src/predict/model_behaviours.h) and attaches one to ComponentBehaviour::compute_model before
// the simulation. The simulator builds each job's feature row with the names `twinprof export`
// gives its columns (FeatureRowPlan below), asks for the seconds, and turns them into work at the
// node's speed (ComponentBehaviour::WorkForSeconds): on an idle node, at a cpu within the model's
// training range, the job computes for exactly the predicted time, and contention, queueing,
// transfers and cold starts are still simulated.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "workflow/workflow.h"

namespace twinprof::sim {

struct Scenario;

class ComputeTimeModel {
 public:
  virtual ~ComputeTimeModel() = default;
  // The feature names the model needs, in the order Seconds() takes them.
  virtual const std::vector<std::string>& inputs() const = 0;
  // The [min, max] each input took in the model's training data (by name; empty when the model
  // file does not say).
  virtual const std::map<std::string, std::pair<double, double>>& input_ranges() const = 0;
  // The predicted compute seconds of one job whose features are `row` (inputs() order). May be
  // called from the simulation's actors (one thread). Throws InputError for values it refuses.
  virtual double Seconds(const std::vector<double>& row) const = 0;
  // Where the model came from (its file), for messages.
  virtual const std::string& source() const = 0;
};

// How to build the feature rows of one component's jobs: the job-independent values resolved
// once from the scenario, the input size filled per job.
//
// Feature names (the columns of `twinprof export --jobs --target ...`):
//   input_bytes            the job's input size
//   C.cpu                  component C's cpu limit (cores)
//   C.memory_mb            component C's memory request in MiB
//   C.parallelism          component C's max concurrent jobs (must be set: > 0)
//   anything else          a scenario parameter of that name with a numeric value (`--set`,
//                          `--sweep`, or a measured run's parameters under `simulate --replay`,
//                          e.g. `input.seconds`)
//
// The deployment features (C.cpu, C.memory_mb, C.parallelism) are taken at the nearest value of
// the model's training range: the model is not extrapolated in what the simulator models itself.
// Beyond the range, the simulator carries the effect: the job's own cpu through its Amdahl
// scaling (the predicted seconds are converted to work at evaluation_cpu(), then computed at the
// job's cpu), the others through the contention it simulates.
class FeatureRowPlan {
 public:
  // The plan for the jobs of `component` under `model`. Throws InputError naming the model's
  // source and the first feature the scenario cannot supply.
  FeatureRowPlan(const Scenario& scenario, workflow::ComponentId component,
                 const ComputeTimeModel& model);
  // The row for a job with `input_bytes` of input.
  std::vector<double> Row(double input_bytes) const;
  // The component's cpu at which the model's seconds hold: its cpu limit, or the nearest value of
  // the training range when the model reads C.cpu and the limit lies outside it.
  double evaluation_cpu() const { return evaluation_cpu_; }

 private:
  std::vector<double> constants_;       // inputs() order; input_bytes slots are overwritten
  std::vector<size_t> input_bytes_at_;  // the slots of input_bytes
  double evaluation_cpu_ = 0;
};

}  // namespace twinprof::sim
