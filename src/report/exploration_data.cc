#include "report/exploration_data.h"

#include <cmath>
#include <filesystem>

#include "core/csv_table.h"
#include "core/error.h"
#include "core/job_record.h"
#include "report/json_file.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

const CsvColumn& Column(const CsvTable& table, const std::string& name) {
  int index = table.Find(name);
  if (index < 0) throw InputError(SourceLocation{table.path, 1}, "no column '" + name + "'");
  return table.columns[index];
}

std::string Cell(const CsvColumn& column, size_t row) {
  if (!column.numeric) return column.strings[row];
  return std::isnan(column.numbers[row]) ? "" : FormatDouble(column.numbers[row]);
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsConfigurationColumn(const std::string& name) {
  return name.rfind("hardware.", 0) == 0 || name.rfind("placement.", 0) == 0 ||
         name.rfind("resources.", 0) == 0;
}

int CandidateNumber(const json& object, const std::string& path, const std::string& where) {
  if (object.is_null()) return -1;
  return static_cast<int>(RequireField(object, "candidate", "number", path, where).get<double>());
}

}  // namespace

void LoadExploration(const std::string& folder, ReportData* data) {
  namespace fs = std::filesystem;
  const std::string summary_path = (fs::path(folder) / "summary.json").string();
  const std::string candidates_path = (fs::path(folder) / "candidates.csv").string();
  ExplorationSet set;
  set.path = folder;

  json summary = ReadJsonFile(summary_path);
  if (!summary.is_object()) throw InputError(SourceLocation{summary_path}, "expected an object");
  set.space = RequireField(summary, "space", "string", summary_path, "summary").get<std::string>();
  set.scenario =
      RequireField(summary, "scenario", "string", summary_path, "summary").get<std::string>();
  for (const json& objective :
       RequireField(summary, "objectives", "array", summary_path, "summary")) {
    if (!objective.is_string()) {
      throw InputError(SourceLocation{summary_path}, "summary.objectives: expected strings");
    }
    set.objectives.push_back(objective.get<std::string>());
  }
  const json& constraints = RequireField(summary, "constraints", "array", summary_path, "summary");
  for (size_t i = 0; i < constraints.size(); ++i) {
    std::string where = "summary.constraints[" + std::to_string(i) + "]";
    set.constraints.emplace_back(
        RequireField(constraints[i], "constraint", "string", summary_path, where)
            .get<std::string>(),
        RequireField(constraints[i], "limit", "number", summary_path, where).get<double>());
  }
  const json& workloads = RequireField(summary, "workloads", "array", summary_path, "summary");
  for (size_t i = 0; i < workloads.size(); ++i) {
    std::string where = "summary.workloads[" + std::to_string(i) + "]";
    const json& object = workloads[i];
    ExplorationSet::Workload workload;
    workload.name =
        RequireField(object, "workload", "string", summary_path, where).get<std::string>();
    workload.method = object.value("method", "");
    workload.stopped = object.value("stopped", "");
    workload.evaluated = static_cast<int>(
        RequireField(object, "evaluated", "number", summary_path, where).get<double>());
    workload.simulated = static_cast<int>(
        RequireField(object, "simulated", "number", summary_path, where).get<double>());
    workload.feasible = static_cast<int>(
        RequireField(object, "feasible", "number", summary_path, where).get<double>());
    if (!object.contains("cheapest_feasible") || !object.contains("fastest")) {
      throw InputError(SourceLocation{summary_path},
                       where + ": cheapest_feasible and fastest must be there (null when none)");
    }
    workload.cheapest =
        CandidateNumber(object["cheapest_feasible"], summary_path, where + ".cheapest_feasible");
    workload.fastest = CandidateNumber(object["fastest"], summary_path, where + ".fastest");
    const json& fronts = RequireField(object, "pareto", "object", summary_path, where);
    for (const auto& [objective, numbers] : fronts.items()) {
      std::vector<int> front;
      if (!numbers.is_array()) {
        throw InputError(SourceLocation{summary_path},
                         where + ".pareto." + objective + ": expected an array");
      }
      for (const json& number : numbers) {
        if (!number.is_number()) {
          throw InputError(SourceLocation{summary_path},
                           where + ".pareto." + objective + ": expected candidate numbers");
        }
        front.push_back(number.get<int>());
      }
      workload.pareto.emplace_back(objective, std::move(front));
    }
    if (object.contains("findings") && object["findings"].is_array()) {
      for (const json& finding : object["findings"]) {
        if (finding.is_string()) workload.findings.push_back(finding.get<std::string>());
      }
    }
    set.workloads.push_back(std::move(workload));
  }

  CsvTable table = LoadCsv(candidates_path);
  const CsvColumn& workload = Column(table, "workload");
  const CsvColumn& number = Column(table, "candidate");
  const CsvColumn& makespan = Column(table, "makespan_s");
  const CsvColumn& cost = Column(table, "cost");
  const CsvColumn& feasible = Column(table, "feasible");
  const CsvColumn& why_not = Column(table, "why_not");
  if (!number.numeric || !makespan.numeric || !cost.numeric) {
    throw InputError(SourceLocation{candidates_path, 1},
                     "candidate, makespan_s and cost must be numbers");
  }
  std::vector<const CsvColumn*> configuration, p95;
  for (const CsvColumn& column : table.columns) {
    if (IsConfigurationColumn(column.name)) configuration.push_back(&column);
    if (EndsWith(column.name, ".p95_s") && column.numeric) p95.push_back(&column);
  }
  for (size_t row = 0; row < table.rows(); ++row) {
    // A configuration that could not run has no figures: nothing to draw.
    if (std::isnan(makespan.numbers[row]) || std::isnan(cost.numbers[row])) continue;
    ExplorationSet::Candidate candidate;
    candidate.workload = Cell(workload, row);
    candidate.number = static_cast<int>(number.numbers[row]);
    candidate.makespan_s = makespan.numbers[row];
    candidate.cost = cost.numbers[row];
    std::string verdict = Cell(feasible, row);
    if (verdict != "true" && verdict != "false") {
      throw InputError(table.RowWhere(row),
                       "feasible: expected true or false, found '" + verdict + "'");
    }
    candidate.feasible = verdict == "true";
    candidate.why_not = Cell(why_not, row);
    for (const CsvColumn* column : p95) {
      candidate.p95_s.emplace_back(column->name.substr(0, column->name.size() - 6),
                                   column->numbers[row]);
    }
    for (const CsvColumn* column : configuration) {
      candidate.configuration +=
          (candidate.configuration.empty() ? "" : ", ") + column->name + "=" + Cell(*column, row);
    }
    set.candidates.push_back(std::move(candidate));
  }
  int feasible_count = 0;
  for (const auto& candidate : set.candidates) feasible_count += candidate.feasible ? 1 : 0;
  data->inputs.push_back({folder, "exploration",
                          std::to_string(set.candidates.size()) + " simulated candidates (" +
                              std::to_string(feasible_count) + " feasible) of space " + set.space +
                              ", scenario " + set.scenario});
  data->explorations.push_back(std::move(set));
}

}  // namespace twinprof::report
