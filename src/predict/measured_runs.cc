#include "predict/measured_runs.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "profile/job_records_source.h"

namespace twinprof::predict {

namespace {

std::string Mode(const JobRecord& record) {
  for (const auto& [name, value] : record.parameters) {
    if (name == "mode") return value;
  }
  return "";
}

}  // namespace

MeasuredRuns LoadMeasuredRuns(const std::string& results) {
  profile::JobRecordSet set = profile::ReadJobRecords(results);
  MeasuredRuns measured;
  measured.path = results;
  for (const std::string& name : set.parameter_names) {
    if (name != "mode") measured.parameter_names.push_back(name);
  }
  measured.parameter_types = set.parameter_types;
  measured.parameter_types.erase("mode");
  std::map<int, MeasuredRun> runs;
  for (JobRecord& record : set.records) {
    if (std::find(measured.components.begin(), measured.components.end(), record.component) ==
        measured.components.end()) {
      measured.components.push_back(record.component);
    }
    // Whole-workflow runs only (a CSV without a mode column holds nothing else).
    const std::string mode = Mode(record);
    if (!mode.empty() && mode != "workflow") continue;
    if (measured.backend.empty()) measured.backend = record.source;
    auto [it, added] = runs.try_emplace(record.run_id);
    MeasuredRun& run = it->second;
    if (added) {
      run.run_id = record.run_id;
      run.repetition = record.repetition;
      for (const std::string& name : measured.parameter_names) {
        std::string value;
        for (const auto& [key, v] : record.parameters) {
          if (key == name) value = v;
        }
        run.parameters.emplace_back(name, value);
      }
    }
    run.jobs.push_back(std::move(record));
  }
  for (auto& [id, run] : runs) measured.runs.push_back(std::move(run));
  if (measured.runs.empty()) {
    throw InputError(SourceLocation{set.path}, "no job of a finished whole-workflow run in " +
                                                   set.Describe() + " (nothing to compare)");
  }
  return measured;
}

}  // namespace twinprof::predict
