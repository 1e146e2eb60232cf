#include "report/validation_data.h"

#include <filesystem>

#include "core/error.h"
#include "report/json_file.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

std::string String(const json& object, const std::string& key, const std::string& path,
                   const std::string& where) {
  return RequireField(object, key, "string", path, where).get<std::string>();
}

double Number(const json& object, const std::string& key, const std::string& path,
              const std::string& where) {
  return RequireField(object, key, "number", path, where).get<double>();
}

// The metric values of a cell's "measured" or "predicted" object (numbers; null = not given).
std::vector<std::pair<std::string, double>> Values(const json& object, const std::string& path,
                                                   const std::string& where) {
  std::vector<std::pair<std::string, double>> values;
  for (const auto& [metric, value] : object.items()) {
    if (value.is_null()) continue;
    if (!value.is_number()) {
      throw InputError(SourceLocation{path},
                       where + "." + metric + ": expected a number, found " + value.type_name());
    }
    values.emplace_back(metric, value.get<double>());
  }
  return values;
}

}  // namespace

void LoadValidation(const std::string& folder, ReportData* data) {
  const std::string path = (std::filesystem::path(folder) / "validate.json").string();
  json document = ReadJsonFile(path);
  if (!document.is_object()) throw InputError(SourceLocation{path}, "expected a JSON object");
  if (String(document, "format", path, "validate") != "twinprof-validate") {
    throw InputError(SourceLocation{path}, "validate.format: expected \"twinprof-validate\"");
  }
  int version = static_cast<int>(Number(document, "version", path, "validate"));
  if (version != 1) {
    throw InputError(SourceLocation{path}, "validate.version: " + std::to_string(version) +
                                               " is not a version this twinprof reads (1)");
  }
  ValidationSet set;
  set.path = folder;
  set.measured = String(document, "measured", path, "validate");
  if (document.contains("split") && !document["split"].is_null()) {
    const json& split = RequireField(document, "split", "object", path, "validate");
    if (split.contains("by")) set.split_by = String(split, "by", path, "validate.split");
    if (split.contains("conditions")) {
      for (const json& condition :
           RequireField(split, "conditions", "array", path, "validate.split")) {
        if (condition.is_string()) set.conditions.push_back(condition.get<std::string>());
      }
    }
  }
  const json& predictors = RequireField(document, "predictors", "array", path, "validate");
  for (size_t i = 0; i < predictors.size(); ++i) {
    std::string where = "validate.predictors[" + std::to_string(i) + "]";
    ValidationSet::Predictor predictor;
    predictor.name = String(predictors[i], "name", path, where);
    predictor.kind = predictors[i].value("kind", "");
    predictor.configurations = predictors[i].value("configurations", 0);
    predictor.joined = predictors[i].value("joined", 0);
    predictor.unmatched = predictors[i].value("unmatched", 0);
    set.predictors.push_back(predictor);
  }
  const json& metrics = RequireField(document, "metrics", "array", path, "validate");
  for (size_t i = 0; i < metrics.size(); ++i) {
    std::string where = "validate.metrics[" + std::to_string(i) + "]";
    const json& row = metrics[i];
    ValidationSet::Metric metric;
    metric.predictor = String(row, "predictor", path, where);
    metric.metric = String(row, "metric", path, where);
    metric.component = String(row, "component", path, where);
    metric.split = String(row, "split", path, where);
    metric.cells = static_cast<int>(Number(row, "cells", path, where));
    metric.zero_measured = row.contains("zero_measured")
                               ? static_cast<int>(Number(row, "zero_measured", path, where))
                               : 0;
    // A metric with no usable cell has no MAPE (null).
    metric.mape_pct = row.contains("mape_pct") && row["mape_pct"].is_number()
                          ? row["mape_pct"].get<double>()
                          : std::nan("");
    metric.measured_mean = row.value("measured_mean", std::nan(""));
    metric.predicted_mean = row.value("predicted_mean", std::nan(""));
    set.metrics.push_back(metric);
  }
  const json& cells = RequireField(document, "cells", "array", path, "validate");
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string where = "validate.cells[" + std::to_string(i) + "]";
    const json& row = cells[i];
    ValidationSet::Cell cell;
    cell.predictor = String(row, "predictor", path, where);
    cell.configuration = String(row, "configuration", path, where);
    cell.component = String(row, "component", path, where);
    cell.split = String(row, "split", path, where);
    cell.jobs_measured = row.value("jobs_measured", 0);
    cell.jobs_predicted = row.value("jobs_predicted", 0);
    cell.measured =
        Values(RequireField(row, "measured", "object", path, where), path, where + ".measured");
    cell.predicted =
        Values(RequireField(row, "predicted", "object", path, where), path, where + ".predicted");
    set.cells.push_back(std::move(cell));
  }
  std::string summary = std::to_string(set.predictors.size()) + " predictor(s) against " +
                        set.measured + ", " + std::to_string(set.cells.size()) + " cells";
  if (!set.split_by.empty()) summary += ", split by " + set.split_by;
  data->inputs.push_back({folder, "validation", summary});
  data->validations.push_back(std::move(set));
}

}  // namespace twinprof::report
