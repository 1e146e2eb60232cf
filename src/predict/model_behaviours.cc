#include "predict/model_behaviours.h"

#include <map>

#include "core/csv_table.h"
#include "core/error.h"

namespace twinprof::predict {

namespace {

// The one target whose predictions the simulator can use as compute time.
constexpr const char* kComputeTarget = "compute_s";

}  // namespace

ModelComputeTime::ModelComputeTime(const std::string& path)
    : path_(path), model_(model::ModelFile::Load(path)), inputs_(model_.plan().InputColumns()) {
  if (model_.y() != kComputeTarget) {
    throw InputError(SourceLocation{path},
                     "the model predicts '" + model_.y() + "', not " + kComputeTarget +
                         ": a behaviour's model gives the job's compute time (train it on "
                         "`twinprof export RESULTS --jobs --component C --target compute_s`)");
  }
}

double ModelComputeTime::Seconds(const std::vector<double>& row) const {
  CsvTable table;
  table.path = path_;
  table.lines = {2};
  for (size_t i = 0; i < inputs_.size(); ++i) {
    CsvColumn column;
    column.name = inputs_[i];
    column.numbers = {row[i]};
    table.columns.push_back(std::move(column));
  }
  return model_.Predict(table)(0);
}

void AttachModelBehaviours(sim::Scenario& scenario) {
  std::map<std::string, std::shared_ptr<const ModelComputeTime>> loaded;
  for (workflow::ComponentId id : scenario.workflow.components()) {
    sim::ComponentBehaviour& behaviour = scenario.behaviours[id];
    if (behaviour.model_path.empty()) continue;
    std::shared_ptr<const ModelComputeTime>& model = loaded[behaviour.model_path];
    if (!model) model = std::make_shared<const ModelComputeTime>(behaviour.model_path);
    // Checks now that the scenario supplies every feature (the simulator builds the same plan).
    sim::FeatureRowPlan check(scenario, id, *model);
    behaviour.compute_model = model;
  }
}

}  // namespace twinprof::predict
