#include "predict/measured_runs.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "profile/results_store.h"

namespace twinprof::predict {

MeasuredRuns LoadMeasuredRuns(const std::string& results_dir) {
  ResultsStore store = ResultsStore::OpenExisting(results_dir);
  MeasuredRuns measured;
  measured.path = results_dir;
  measured.backend = store.GetMeta("backend").value_or("");
  if (std::optional<std::string> names = store.GetMeta("parameters")) {
    measured.parameter_names = nlohmann::json::parse(*names).get<std::vector<std::string>>();
  }
  std::map<int, size_t> index;
  for (const RunRow& row : store.Runs()) {
    if (row.status != "finished" || row.mode != "workflow") continue;
    MeasuredRun run;
    run.run_id = row.run_id;
    run.repetition = row.repetition;
    for (const std::string& name : measured.parameter_names) {
      std::string value;
      for (const auto& [key, v] : row.parameters) {
        if (key == name) value = v;
      }
      run.parameters.emplace_back(name, value);
    }
    index[row.run_id] = measured.runs.size();
    measured.runs.push_back(std::move(run));
  }
  for (StoredJob& job : store.Jobs()) {
    const std::string& component = job.record.component;
    if (std::find(measured.components.begin(), measured.components.end(), component) ==
        measured.components.end()) {
      measured.components.push_back(component);
    }
    auto it = index.find(job.record.run_id);
    if (it != index.end()) measured.runs[it->second].jobs.push_back(std::move(job.record));
  }
  if (measured.runs.empty()) {
    throw InputError(SourceLocation{results_dir},
                     "no finished whole-workflow run in these results (nothing to compare)");
  }
  return measured;
}

}  // namespace twinprof::predict
