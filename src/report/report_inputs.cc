#include "report/report_inputs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/job_csv_reader.h"
#include "profile/job_records_source.h"
#include "profile/results_store.h"
#include "report/calibration_data.h"
#include "report/exploration_data.h"
#include "report/json_file.h"
#include "report/validation_data.h"

namespace twinprof::report {

namespace {

namespace fs = std::filesystem;

constexpr const char* kKnownOutputs =
    "expected a results folder of `twinprof profile` (results.sqlite), a `twinprof simulate` "
    "output (summary.json and jobs.csv), a `twinprof validate` output (validate.json), a "
    "`twinprof explore` output (candidates.csv and summary.json), a job record CSV file, or a "
    "calibration file (YAML, format twinprof-calibration-1)";

double Makespan(const std::vector<JobRecord>& jobs) {
  if (jobs.empty()) return 0;
  double first = INFINITY, last = -INFINITY;
  for (const JobRecord& job : jobs) {
    first = std::min(first, job.t_submit);
    last = std::max(last, job.t_finish);
  }
  return last - first;
}

std::string Plural(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

size_t CountJobs(const std::vector<RunTimeline>& runs, size_t first) {
  size_t jobs = 0;
  for (size_t i = first; i < runs.size(); ++i) jobs += runs[i].jobs.size();
  return jobs;
}

void LoadResults(const std::string& path, ReportData* data) {
  profile::ResultsStore store = profile::ResultsStore::OpenExisting(path);
  profile::JobRecordSet set = profile::ReadJobRecords(store);
  std::string campaign = store.GetMeta("campaign").value_or(fs::path(path).filename().string());
  std::string backend = store.GetMeta("backend").value_or("unknown");
  size_t first = data->runs.size();
  std::map<int, size_t> run_index;
  int unfinished = 0;
  for (const profile::RunRow& row : store.Runs()) {
    if (row.status != "finished") {
      ++unfinished;
      continue;
    }
    RunTimeline run;
    run.measured = true;
    run.input = path;
    run.name = campaign;
    run.run_id = row.run_id;
    run.repetition = row.repetition;
    run.mode = row.mode;
    run.parameters = row.parameters;
    run.makespan_s = row.makespan_s;
    run_index[row.run_id] = data->runs.size();
    data->runs.push_back(std::move(run));
  }
  for (JobRecord& record : set.records) {
    auto it = run_index.find(record.run_id);
    if (it != run_index.end()) data->runs[it->second].jobs.push_back(std::move(record));
  }
  std::string summary = Plural(data->runs.size() - first, "finished run") + ", " +
                        Plural(CountJobs(data->runs, first), "job") + " (campaign " + campaign +
                        ", backend " + backend + ")";
  if (unfinished > 0) summary += "; " + Plural(unfinished, "unfinished run") + " left out";
  data->inputs.push_back({path, "profile results", summary});
}

// Adds the runs of `records` (grouped by campaign and run_id, in order of first appearance).
void AddRunsOfRecords(const std::string& path, std::vector<JobRecord> records, ReportData* data) {
  std::map<std::pair<std::string, int>, size_t> run_index;
  for (JobRecord& record : records) {
    auto key = std::make_pair(record.campaign, record.run_id);
    auto it = run_index.find(key);
    if (it == run_index.end()) {
      RunTimeline run;
      run.measured = record.source != "sim";
      run.input = path;
      run.name = record.campaign.empty() ? fs::path(path).stem().string() : record.campaign;
      run.run_id = record.run_id;
      run.repetition = record.repetition;
      for (const auto& [key_name, value] : record.parameters) {
        if (key_name == "mode") {
          run.mode = value;
        } else {
          run.parameters.emplace_back(key_name, value);
        }
      }
      it = run_index.emplace(key, data->runs.size()).first;
      data->runs.push_back(std::move(run));
    }
    data->runs[it->second].jobs.push_back(std::move(record));
  }
}

void LoadJobCsv(const std::string& path, ReportData* data) {
  JobCsv csv = ReadJobCsv(path);
  size_t first = data->runs.size();
  AddRunsOfRecords(path, std::move(csv.records), data);
  int measured = 0;
  for (size_t i = first; i < data->runs.size(); ++i) {
    data->runs[i].makespan_s = Makespan(data->runs[i].jobs);
    measured += data->runs[i].measured ? 1 : 0;
  }
  size_t runs = data->runs.size() - first;
  data->inputs.push_back({path, "job records",
                          Plural(runs, "run") + " (" + std::to_string(measured) + " measured, " +
                              std::to_string(runs - measured) + " simulated), " +
                              Plural(CountJobs(data->runs, first), "job")});
}

void LoadSimulation(const std::string& path, ReportData* data) {
  fs::path folder(path);
  std::string summary_path = (folder / "summary.json").string();
  std::string jobs_path = (folder / "jobs.csv").string();
  nlohmann::json summary = ReadJsonFile(summary_path);
  std::vector<std::pair<std::string, const nlohmann::json*>> run_objects;
  if (summary.is_object() && summary.contains("runs")) {
    const nlohmann::json& runs = RequireField(summary, "runs", "array", summary_path, "summary");
    for (size_t i = 0; i < runs.size(); ++i) {
      run_objects.emplace_back("runs[" + std::to_string(i) + "]", &runs[i]);
    }
  } else {
    run_objects.emplace_back("summary", &summary);
  }
  JobCsv csv = ReadJobCsv(jobs_path);

  size_t first = data->runs.size();
  std::map<int, size_t> run_index;
  for (const auto& [where, object] : run_objects) {
    if (!object->is_object()) {
      throw InputError(SourceLocation{summary_path}, where + ": expected an object");
    }
    RunTimeline run;
    run.measured = false;
    run.input = path;
    run.run_id = RequireField(*object, "run_id", "number", summary_path, where).get<int>();
    run.makespan_s =
        RequireField(*object, "makespan_s", "number", summary_path, where).get<double>();
    if (object->contains("cost")) {
      run.cost = RequireField(*object, "cost", "number", summary_path, where).get<double>();
    }
    if (object->contains("parameters")) {
      const nlohmann::json& parameters =
          RequireField(*object, "parameters", "object", summary_path, where);
      for (const auto& [key, value] : parameters.items()) {
        run.parameters.emplace_back(key,
                                    value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    if (run_index.count(run.run_id) > 0) {
      throw InputError(SourceLocation{summary_path},
                       where + ".run_id: run " + std::to_string(run.run_id) + " appears twice");
    }
    run_index[run.run_id] = data->runs.size();
    data->runs.push_back(std::move(run));
  }
  for (size_t i = 0; i < csv.records.size(); ++i) {
    JobRecord& record = csv.records[i];
    auto it = run_index.find(record.run_id);
    if (it == run_index.end()) {
      throw InputError(csv.Where(i), "run_id " + std::to_string(record.run_id) +
                                         " is not a run of " + summary_path);
    }
    RunTimeline& run = data->runs[it->second];
    if (run.jobs.empty()) {
      run.name = record.campaign;
      run.repetition = record.repetition;
      // A replayed run carries the measured run's parameters on its jobs (docs/formats.md,
      // "Replay"); summary.json may name only the sweep's keys.
      if (run.parameters.empty()) {
        for (const auto& [key, value] : record.parameters) {
          if (key != "mode") run.parameters.emplace_back(key, value);
        }
      }
    }
    run.jobs.push_back(std::move(record));
  }
  std::string scenario =
      summary.is_object() && summary.contains("scenario") && summary["scenario"].is_string()
          ? summary["scenario"].get<std::string>()
          : "";
  for (size_t i = first; i < data->runs.size(); ++i) {
    if (data->runs[i].name.empty()) data->runs[i].name = scenario.empty() ? "simulation" : scenario;
    if (!scenario.empty()) data->runs[i].name = scenario;
  }
  data->inputs.push_back({path, "simulation",
                          Plural(data->runs.size() - first, "simulated run") + ", " +
                              Plural(CountJobs(data->runs, first), "job") +
                              (scenario.empty() ? "" : " (scenario " + scenario + ")")});
}

}  // namespace

InputKind DetectInput(const std::string& path) {
  std::error_code error;
  fs::path p(path);
  if (!fs::exists(p, error)) throw InputError(SourceLocation{path}, "no such file or folder");
  if (fs::is_directory(p, error)) {
    if (fs::exists(p / "results.sqlite", error)) return InputKind::kResults;
    if (fs::exists(p / "validate.json", error)) return InputKind::kValidation;
    if (fs::exists(p / "candidates.csv", error) && fs::exists(p / "summary.json", error)) {
      return InputKind::kExploration;
    }
    if (fs::exists(p / "summary.json", error) && fs::exists(p / "jobs.csv", error)) {
      return InputKind::kSimulation;
    }
    throw InputError(SourceLocation{path},
                     std::string("not a twinprof output folder: ") + kKnownOutputs);
  }
  if (p.filename() == "results.sqlite") return InputKind::kResults;
  if (p.extension() == ".csv") return InputKind::kJobCsv;
  if (IsCalibrationFile(path)) return InputKind::kCalibration;
  throw InputError(SourceLocation{path}, std::string("not a twinprof output: ") + kKnownOutputs);
}

ReportData LoadReportInputs(const std::vector<std::string>& paths) {
  ReportData data;
  for (const std::string& path : paths) {
    switch (DetectInput(path)) {
      case InputKind::kResults:
        LoadResults(fs::path(path).filename() == "results.sqlite"
                        ? fs::path(path).parent_path().string()
                        : path,
                    &data);
        break;
      case InputKind::kSimulation:
        LoadSimulation(path, &data);
        break;
      case InputKind::kJobCsv:
        LoadJobCsv(path, &data);
        break;
      case InputKind::kValidation:
        LoadValidation(path, &data);
        break;
      case InputKind::kExploration:
        LoadExploration(path, &data);
        break;
      case InputKind::kCalibration:
        LoadCalibration(path, &data);
        break;
    }
  }
  return data;
}

}  // namespace twinprof::report
