#include "predict/validation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "model/metrics.h"
#include "model/model_file.h"
#include "sim/run_statistics.h"

namespace twinprof::predict {

namespace {

namespace fs = std::filesystem;

constexpr const char* kWorkflow = "workflow";
const std::vector<std::string> kJobMetrics = {"compute_s", "total_s", "p95_response_s"};

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

// The jobs of one configuration and component (all repetitions), and its runs'
// makespans.
struct CellJobs {
  Parameters parameters;
  std::vector<double> compute;
  std::vector<double> total;
};
struct ConfigurationRuns {
  Parameters parameters;
  std::vector<double> makespans;
};
struct Side {
  std::map<std::pair<std::string, std::string>, CellJobs> cells;  // (configuration, component)
  std::map<std::string, ConfigurationRuns> runs;                  // configuration
};

double Mean(const std::vector<double>& values) {
  if (values.empty()) return NAN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double P95(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  return sim::Quantile(values, 0.95);
}

Parameters WithoutMode(const Parameters& parameters) {
  Parameters kept;
  for (const auto& entry : parameters) {
    if (entry.first != "mode") kept.push_back(entry);
  }
  return kept;
}

// Adds a run's succeeded jobs to `side` under `parameters`.
void AddRun(Side& side, const Parameters& parameters, const std::vector<const JobRecord*>& jobs) {
  const std::string key = ConfigurationKey(parameters);
  double first = INFINITY, last = -INFINITY;
  for (const JobRecord* job : jobs) {
    if (!job->succeeded()) continue;
    CellJobs& cell = side.cells[{key, job->component}];
    cell.parameters = parameters;
    cell.compute.push_back(job->compute_s());
    cell.total.push_back(job->total_s());
    first = std::min(first, job->t_submit);
    last = std::max(last, job->t_finish);
  }
  if (last >= first) {
    ConfigurationRuns& runs = side.runs[key];
    runs.parameters = parameters;
    runs.makespans.push_back(last - first);
  }
}

Side MeasuredSide(const MeasuredRuns& measured) {
  Side side;
  for (const MeasuredRun& run : measured.runs) {
    std::vector<const JobRecord*> jobs;
    for (const JobRecord& job : run.jobs) jobs.push_back(&job);
    AddRun(side, run.parameters, jobs);
  }
  return side;
}

// A jobs.csv: checked against the measured workflow and parameter names,
// grouped by run.
Side JobsSide(const MeasuredRuns& measured, const PredictedSet& set) {
  std::set<std::string> measured_names(measured.parameter_names.begin(),
                                       measured.parameter_names.end());
  measured_names.erase("mode");
  std::set<std::string> predicted_names(set.parameter_names.begin(), set.parameter_names.end());
  predicted_names.erase("mode");
  if (measured_names != predicted_names) {
    std::vector<std::string> only_measured, only_predicted;
    std::set_difference(measured_names.begin(), measured_names.end(), predicted_names.begin(),
                        predicted_names.end(), std::back_inserter(only_measured));
    std::set_difference(predicted_names.begin(), predicted_names.end(), measured_names.begin(),
                        measured_names.end(), std::back_inserter(only_predicted));
    throw InputError(SourceLocation{set.file, 1},
                     "its parameters do not name configurations as the "
                     "measurements do (simulate "
                     "with --replay " +
                         measured.path + "): only measured: " + Join(only_measured) +
                         "; only here: " + Join(only_predicted));
  }
  std::set<std::string> components;
  for (const JobRecord& job : set.jobs) components.insert(job.component);
  std::set<std::string> expected(measured.components.begin(), measured.components.end());
  if (components != expected) {
    throw InputError(SourceLocation{set.file},
                     "its workflow does not match the measured one: components " +
                         Join({components.begin(), components.end()}) + " here, " +
                         Join({expected.begin(), expected.end()}) + " in " + measured.path);
  }
  std::map<std::pair<int, int>, std::vector<const JobRecord*>> runs;  // (run_id, repetition)
  for (const JobRecord& job : set.jobs) runs[{job.run_id, job.repetition}].push_back(&job);
  Side side;
  for (const auto& [id, jobs] : runs) AddRun(side, WithoutMode(jobs.front()->parameters), jobs);
  return side;
}

// A prediction.csv: each row joined to its measured job by (run_id, job_id).
Side PredictionSide(const MeasuredRuns& measured, const PredictedSet& set, int* unmatched) {
  std::map<std::pair<int, std::string>, std::pair<const MeasuredRun*, const JobRecord*>> index;
  for (const MeasuredRun& run : measured.runs) {
    for (const JobRecord& job : run.jobs) index[{run.run_id, job.job_id}] = {&run, &job};
  }
  Side side;
  for (const PredictedSet::Row& row : set.rows) {
    auto it = index.find({row.run_id, row.job_id});
    if (it == index.end()) {
      ++*unmatched;  // a single-component run's job, or one of another campaign
      continue;
    }
    const auto [run, job] = it->second;
    if (!row.component.empty() && row.component != job->component) {
      throw InputError(row.where, "component '" + row.component + "' but measured job " +
                                      job->job_id + " of run " + std::to_string(run->run_id) +
                                      " is of '" + job->component + "'");
    }
    if (!job->succeeded()) continue;
    CellJobs& cell = side.cells[{ConfigurationKey(run->parameters), job->component}];
    cell.parameters = run->parameters;
    (set.target == "compute_s" ? cell.compute : cell.total).push_back(row.predicted);
  }
  if (side.cells.empty()) {
    throw InputError(SourceLocation{set.file},
                     "none of its rows is a job of a measured whole-workflow run of " +
                         measured.path + " (matched by run_id and job_id)");
  }
  return side;
}

// The MAPE over the cells whose measured value is not 0.
ValidationMetric Summarise(const std::vector<const ValidationCell*>& cells,
                           const std::string& metric) {
  ValidationMetric row;
  std::vector<double> measured, predicted;
  for (const ValidationCell* cell : cells) {
    auto m = cell->measured.find(metric);
    auto p = cell->predicted.find(metric);
    if (m == cell->measured.end() || p == cell->predicted.end()) continue;
    if (std::isnan(m->second) || std::isnan(p->second)) continue;
    measured.push_back(m->second);
    predicted.push_back(p->second);
  }
  row.cells = static_cast<int>(measured.size());
  if (row.cells == 0) return row;
  const Eigen::Index n = row.cells;
  model::ZeroExcludingMape mape =
      model::MapeExcludingZeros(Eigen::Map<const Eigen::VectorXd>(measured.data(), n),
                                Eigen::Map<const Eigen::VectorXd>(predicted.data(), n));
  row.mape_pct = mape.mape;
  row.zero_measured = mape.zero_rows;
  row.measured_mean = Mean(measured);
  row.predicted_mean = Mean(predicted);
  return row;
}

std::string Percent(double value) {
  if (std::isnan(value)) return "-";
  std::ostringstream out;
  out.precision(value < 10 ? 2 : 3);
  out << value << "%";
  return out.str();
}

}  // namespace

ValidationSummary Validate(const MeasuredRuns& measured, const std::vector<PredictedSet>& predicted,
                           const TrainingSplit& split) {
  ValidationSummary summary;
  summary.measured = measured.path;
  summary.training_configurations = static_cast<int>(split.size());
  const Side measured_side = MeasuredSide(measured);

  std::vector<std::string> splits;
  for (const PredictedSet& set : predicted) {
    ValidationSummary::Predictor predictor;
    predictor.name = set.name;
    predictor.dir = set.dir;
    predictor.kind = set.kind == PredictedSet::Kind::kJobs ? "jobs" : "prediction";
    const Side side = set.kind == PredictedSet::Kind::kJobs
                          ? JobsSide(measured, set)
                          : PredictionSide(measured, set, &predictor.unmatched);
    std::set<std::string> configurations;
    for (const auto& [key, cell] : side.cells) configurations.insert(key.first);
    predictor.configurations = static_cast<int>(configurations.size());
    for (const std::string& configuration : configurations) {
      bool joined = measured_side.runs.count(configuration) > 0;
      predictor.joined += joined;
      if (set.kind == PredictedSet::Kind::kJobs) predictor.unmatched += !joined;
    }
    if (predictor.joined == 0) {
      throw InputError(SourceLocation{set.file},
                       "no configuration in common with the measurements in " + measured.path +
                           " (e.g. here: " + *configurations.begin() +
                           "; measured: " + measured_side.runs.begin()->first + ")");
    }
    // Cells: per component, then the workflow's makespan.
    for (const auto& [key, cell] : side.cells) {
      auto m = measured_side.cells.find(key);
      if (m == measured_side.cells.end()) continue;
      ValidationCell out;
      out.predictor = set.name;
      out.configuration = key.first;
      out.parameters = m->second.parameters;
      out.component = key.second;
      out.split = split.Classify(out.parameters);
      out.jobs_measured = static_cast<int>(m->second.compute.size());
      out.measured = {{"compute_s", Mean(m->second.compute)},
                      {"total_s", Mean(m->second.total)},
                      {"p95_response_s", P95(m->second.total)}};
      out.jobs_predicted = static_cast<int>(std::max(cell.compute.size(), cell.total.size()));
      if (!cell.compute.empty()) out.predicted["compute_s"] = Mean(cell.compute);
      if (!cell.total.empty()) {
        out.predicted["total_s"] = Mean(cell.total);
        out.predicted["p95_response_s"] = P95(cell.total);
      }
      summary.cells.push_back(std::move(out));
    }
    if (set.kind == PredictedSet::Kind::kJobs) {
      for (const auto& [configuration, runs] : side.runs) {
        auto m = measured_side.runs.find(configuration);
        if (m == measured_side.runs.end()) continue;
        ValidationCell out;
        out.predictor = set.name;
        out.configuration = configuration;
        out.parameters = m->second.parameters;
        out.component = kWorkflow;
        out.split = split.Classify(out.parameters);
        out.measured["makespan_s"] = Mean(m->second.makespans);
        out.predicted["makespan_s"] = Mean(runs.makespans);
        summary.cells.push_back(std::move(out));
      }
    }
    summary.predictors.push_back(predictor);
  }
  for (const ValidationCell& cell : summary.cells) {
    if (std::find(splits.begin(), splits.end(), cell.split) == splits.end()) {
      splits.push_back(cell.split);
    }
  }
  static const std::vector<std::string> kOrder = {"training", "interpolation", "extrapolation",
                                                  "all"};
  std::sort(splits.begin(), splits.end(), [](const std::string& a, const std::string& b) {
    return std::find(kOrder.begin(), kOrder.end(), a) < std::find(kOrder.begin(), kOrder.end(), b);
  });
  if (!split.empty()) splits.push_back("all");

  // Rows: predictor x metric x component x split.
  for (const ValidationSummary::Predictor& predictor : summary.predictors) {
    std::vector<std::pair<std::string, std::string>> series;  // (metric, component)
    for (const std::string& metric : kJobMetrics) {
      for (const std::string& component : measured.components)
        series.emplace_back(metric, component);
    }
    series.emplace_back("makespan_s", kWorkflow);
    for (const auto& [metric, component] : series) {
      for (const std::string& name : splits) {
        std::vector<const ValidationCell*> cells;
        for (const ValidationCell& cell : summary.cells) {
          if (cell.predictor == predictor.name && cell.component == component &&
              (name == "all" || cell.split == name)) {
            cells.push_back(&cell);
          }
        }
        ValidationMetric row = Summarise(cells, metric);
        if (row.cells == 0) continue;
        row.predictor = predictor.name;
        row.metric = metric;
        row.component = component;
        row.split = name;
        summary.metrics.push_back(row);
      }
    }
  }
  return summary;
}

std::string ValidationSummary::Csv() const {
  std::ostringstream out;
  out << "predictor,metric,component,split,cells,zero_measured,mape_pct,"
         "measured_mean,"
         "predicted_mean\n";
  for (const ValidationMetric& m : metrics) {
    out << CsvField(m.predictor) << ',' << m.metric << ',' << CsvField(m.component) << ','
        << m.split << ',' << m.cells << ',' << m.zero_measured << ',' << FormatDouble(m.mape_pct)
        << ',' << FormatDouble(m.measured_mean) << ',' << FormatDouble(m.predicted_mean) << '\n';
  }
  return out.str();
}

nlohmann::json ValidationSummary::ToJson() const {
  auto number = [](double value) -> nlohmann::json {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  nlohmann::json json = {{"format", "twinprof-validate"}, {"version", 1}, {"measured", measured}};
  json["split"] = {{"by", split_by},
                   {"conditions", split_conditions},
                   {"training_configurations", training_configurations}};
  json["predictors"] = nlohmann::json::array();
  for (const Predictor& p : predictors) {
    json["predictors"].push_back({{"name", p.name},
                                  {"dir", p.dir},
                                  {"kind", p.kind},
                                  {"configurations", p.configurations},
                                  {"joined", p.joined},
                                  {"unmatched", p.unmatched}});
  }
  json["metrics"] = nlohmann::json::array();
  for (const ValidationMetric& m : metrics) {
    json["metrics"].push_back({{"predictor", m.predictor},
                               {"metric", m.metric},
                               {"component", m.component},
                               {"split", m.split},
                               {"cells", m.cells},
                               {"zero_measured", m.zero_measured},
                               {"mape_pct", number(m.mape_pct)},
                               {"measured_mean", number(m.measured_mean)},
                               {"predicted_mean", number(m.predicted_mean)}});
  }
  json["cells"] = nlohmann::json::array();
  for (const ValidationCell& c : cells) {
    nlohmann::json parameters = nlohmann::json::object();
    for (const auto& [name, value] : c.parameters) parameters[name] = value;
    nlohmann::json measured_values = nlohmann::json::object();
    for (const auto& [name, value] : c.measured) measured_values[name] = number(value);
    nlohmann::json predicted_values = nlohmann::json::object();
    for (const auto& [name, value] : c.predicted) predicted_values[name] = number(value);
    nlohmann::json cell = {{"predictor", c.predictor},
                           {"configuration", c.configuration},
                           {"parameters", parameters},
                           {"component", c.component},
                           {"split", c.split},
                           {"measured", measured_values},
                           {"predicted", predicted_values}};
    if (c.component != kWorkflow) {
      cell["jobs_measured"] = c.jobs_measured;
      cell["jobs_predicted"] = c.jobs_predicted;
    }
    json["cells"].push_back(cell);
  }
  return json;
}

std::string ValidationSummary::BriefReport() const {
  std::ostringstream out;
  for (const Predictor& p : predictors) {
    out << p.name << " (" << p.joined << " configurations):";
    std::string last_split;
    for (const ValidationMetric& m : metrics) {
      if (m.predictor != p.name || (m.metric != "makespan_s" && m.metric != "compute_s")) continue;
      if (m.split != last_split) out << (last_split.empty() ? " " : "; ") << m.split << ":";
      last_split = m.split;
      out << " " << (m.metric == "makespan_s" ? std::string("end-to-end") : m.component) << " "
          << Percent(m.mape_pct);
    }
    out << "\n";
  }
  return out.str();
}

std::string ValidationSummary::FullReport() const {
  std::ostringstream out;
  out << BriefReport();
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-16s %-16s %-14s %6s %9s\n", "predictor", "metric",
                "component", "split", "cells", "MAPE");
  out << line;
  for (const ValidationMetric& m : metrics) {
    std::snprintf(line, sizeof line, "%-12s %-16s %-16s %-14s %6d %9s\n", m.predictor.c_str(),
                  m.metric.c_str(), m.component.c_str(), m.split.c_str(), m.cells,
                  Percent(m.mape_pct).c_str());
    out << line;
  }
  return out.str();
}

ValidationSummary RunValidation(const ValidateOptions& options) {
  if (options.predicted.empty()) throw InputError("--predicted: give at least one folder");
  if (!options.trained_on.empty() && !options.trained_where.empty()) {
    throw InputError("--trained-on and --trained-where exclude each other");
  }
  MeasuredRuns measured = LoadMeasuredRuns(options.measured);
  std::vector<PredictedSet> predicted;
  for (const std::string& argument : options.predicted) {
    PredictedSet set = LoadPredictedSet(argument);
    auto same = std::find_if(predicted.begin(), predicted.end(),
                             [&](const PredictedSet& p) { return p.name == set.name; });
    if (same == predicted.end()) {
      predicted.push_back(std::move(set));
      continue;
    }
    // Per-component ML models: one predictor made of several prediction
    // folders.
    if (same->kind != PredictedSet::Kind::kPrediction ||
        set.kind != PredictedSet::Kind::kPrediction || same->target != set.target) {
      throw InputError("--predicted " + argument + ": a second predictor named '" + set.name +
                       "' (name them NAME=DIR; only prediction.csv folders of "
                       "one target may "
                       "share a name)");
    }
    same->dir += "," + set.dir;
    same->file += "," + set.file;
    same->rows.insert(same->rows.end(), set.rows.begin(), set.rows.end());
  }
  std::vector<Parameters> training;
  std::string split_by = "none";
  std::vector<std::string> conditions_text;
  if (!options.trained_on.empty()) {
    MeasuredRuns trained = LoadMeasuredRuns(options.trained_on);
    if (std::set<std::string>(trained.parameter_names.begin(), trained.parameter_names.end()) !=
        std::set<std::string>(measured.parameter_names.begin(), measured.parameter_names.end())) {
      throw InputError("--trained-on " + options.trained_on + ": its parameters (" +
                       Join(trained.parameter_names) + ") are not those of the measurements (" +
                       Join(measured.parameter_names) + ")");
    }
    for (const MeasuredRun& run : trained.runs) training.push_back(run.parameters);
    split_by = "trained-on";
  } else if (!options.trained_where.empty()) {
    std::vector<Condition> conditions = ParseConditions(options.trained_where);
    for (const Condition& condition : conditions) {
      if (std::find(measured.parameter_names.begin(), measured.parameter_names.end(),
                    condition.name) == measured.parameter_names.end()) {
        throw InputError(SourceLocation{measured.path},
                         "--trained-where " + condition.text + ": no parameter '" + condition.name +
                             "' in these measurements (" + Join(measured.parameter_names) + ")");
      }
      conditions_text.push_back(condition.text);
    }
    for (const MeasuredRun& run : measured.runs) {
      bool all = true;
      for (const Condition& condition : conditions) all = all && condition.Holds(run.parameters);
      if (all) training.push_back(run.parameters);
    }
    if (training.empty()) {
      throw InputError("--trained-where " + options.trained_where +
                       ": no measured configuration satisfies it");
    }
    split_by = "trained-where";
  }
  ValidationSummary summary =
      Validate(measured, predicted, TrainingSplit(training, measured.parameter_types));
  summary.split_by = split_by;
  summary.split_conditions = conditions_text;
  if (!options.output_dir.empty()) {
    std::error_code error;
    fs::create_directories(options.output_dir, error);
    if (error) throw InputError("cannot create output folder " + options.output_dir);
    WriteFileAtomically((fs::path(options.output_dir) / "validate.csv").string(), summary.Csv());
    WriteFileAtomically((fs::path(options.output_dir) / "validate.json").string(),
                        summary.ToJson().dump(2) + "\n");
  }
  return summary;
}

}  // namespace twinprof::predict
