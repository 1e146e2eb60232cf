#include "predict/predicted_set.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/csv_table.h"
#include "core/job_csv_reader.h"

namespace twinprof::predict {

namespace {

namespace fs = std::filesystem;

void LoadPrediction(PredictedSet& set) {
  const fs::path json_path = fs::path(set.dir) / "prediction.json";
  std::ifstream in(json_path);
  if (!in) {
    throw InputError(SourceLocation{json_path.string()},
                     "missing: prediction.csv needs the prediction.json "
                     "`twinprof predict` writes "
                     "beside it (it names the model's target)");
  }
  try {
    set.target = nlohmann::json::parse(in).at("target").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(SourceLocation{json_path.string()},
                     std::string("not a prediction.json (a \"target\" string): ") + e.what());
  }
  if (set.target != "compute_s" && set.target != "total_s") {
    throw InputError(SourceLocation{json_path.string()},
                     "the model predicts '" + set.target +
                         "'; validate compares per-job compute_s or total_s predictions");
  }
  CsvTable table = LoadCsv(set.file);
  const int run_id = table.Find("run_id");
  const int job_id = table.Find("job_id");
  const int component = table.Find("component");
  const int pred = table.Find("pred");
  if (run_id < 0 || job_id < 0 || pred < 0) {
    throw InputError(SourceLocation{set.file, 1},
                     "needs the columns run_id, job_id and pred to be joined with the "
                     "measurements: predict on `twinprof export RESULTS --jobs`");
  }
  if (!table.columns[run_id].numeric || !table.columns[pred].numeric) {
    throw InputError(SourceLocation{set.file, 1}, "run_id and pred must hold numbers");
  }
  for (size_t r = 0; r < table.rows(); ++r) {
    PredictedSet::Row row;
    const double id = table.columns[run_id].numbers[r];
    row.where = table.RowWhere(r);
    if (!(id >= 0) || id != std::floor(id)) throw InputError(row.where, "run_id is not a run id");
    row.run_id = static_cast<int>(id);
    const CsvColumn& jobs = table.columns[job_id];
    row.job_id = jobs.numeric ? FormatDouble(jobs.numbers[r]) : jobs.strings[r];
    if (component >= 0 && !table.columns[component].numeric) {
      row.component = table.columns[component].strings[r];
    }
    row.predicted = table.columns[pred].numbers[r];
    if (!std::isfinite(row.predicted)) throw InputError(row.where, "pred is not a finite number");
    set.rows.push_back(std::move(row));
  }
}

}  // namespace

PredictedSet LoadPredictedSet(const std::string& argument) {
  PredictedSet set;
  size_t equals = argument.find('=');
  set.dir = equals == std::string::npos ? argument : argument.substr(equals + 1);
  std::error_code error;
  if (set.dir.empty() || !fs::is_directory(set.dir, error)) {
    throw InputError("--predicted " + argument + ": '" + set.dir + "' is not a folder");
  }
  set.name = equals == std::string::npos ? fs::path(set.dir).lexically_normal().filename().string()
                                         : argument.substr(0, equals);
  if (set.name.empty() || set.name == ".") set.name = fs::absolute(set.dir).filename().string();
  if (fs::path jobs = fs::path(set.dir) / "jobs.csv"; fs::is_regular_file(jobs, error)) {
    set.kind = PredictedSet::Kind::kJobs;
    set.file = jobs.string();
    JobCsv csv = ReadJobCsv(set.file);
    set.parameter_names = std::move(csv.parameter_names);
    set.jobs = std::move(csv.records);
    return set;
  }
  if (fs::path prediction = fs::path(set.dir) / "prediction.csv";
      fs::is_regular_file(prediction, error)) {
    set.kind = PredictedSet::Kind::kPrediction;
    set.file = prediction.string();
    LoadPrediction(set);
    return set;
  }
  throw InputError(SourceLocation{set.dir},
                   "holds neither jobs.csv (simulate --replay) nor "
                   "prediction.csv (predict)");
}

}  // namespace twinprof::predict
