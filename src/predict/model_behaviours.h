// The ML side of the hybrid predictor: loads the model files that a scenario's behaviours name
// (`behaviour: {C: {model: PATH/best.model}}`) and attaches them to the scenario, so that the
// simulator asks them for each job's compute seconds (sim/compute_time_model.h).
//
// A model must predict `compute_s` (a model of total_s or makespan_s would count the queueing and
// transfers the simulator adds), and every column it reads must be a feature the scenario can
// supply (input_bytes, COMPONENT.cpu, COMPONENT.memory_mb, COMPONENT.parallelism, or a numeric
// scenario parameter): both are checked here, before any simulation, with InputError naming the
// model file and what does not match.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/model_file.h"
#include "sim/compute_time_model.h"
#include "sim/scenario.h"

namespace twinprof::predict {

// A model file as the simulator's ComputeTimeModel: one prediction per feature row.
class ModelComputeTime : public sim::ComputeTimeModel {
 public:
  // Throws InputError (naming `path`) when it is not a model file or does not predict compute_s.
  explicit ModelComputeTime(const std::string& path);

  const std::vector<std::string>& inputs() const override { return inputs_; }
  const std::map<std::string, std::pair<double, double>>& input_ranges() const override {
    return model_.input_ranges();
  }
  double Seconds(const std::vector<double>& row) const override;
  const std::string& source() const override { return path_; }

  const model::ModelFile& model() const { return model_; }

 private:
  std::string path_;
  model::ModelFile model_;
  std::vector<std::string> inputs_;
};

// Loads (once per file) and attaches the model of every behaviour that names one. Throws
// InputError for a bad model file, a model of another target, or a feature the scenario cannot
// supply.
void AttachModelBehaviours(sim::Scenario& scenario);

}  // namespace twinprof::predict
