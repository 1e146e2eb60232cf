#include "profile/export.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "core/error.h"
#include "profile/job_records_source.h"

namespace twinprof::profile {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// The value of a target column of a job record (JobColumn::target(): sizes, limits, durations,
// resource use), by name.
double JobValue(const JobRecord& r, const std::string& name) {
  const JobColumn* column = FindJobColumn(name);
  if (column == nullptr || !column->target()) {
    std::vector<std::string> names;
    for (const JobColumn& c : JobColumns()) {
      if (c.target()) names.push_back(c.name());
    }
    std::sort(names.begin(), names.end());
    throw InputError(SourceLocation{"--target"},
                     "unknown job target '" + name + "' (one of: " + Join(names) + ")");
  }
  return column->Number(r);
}

std::vector<std::string> ParameterNames(const ResultsStore& store) {
  std::vector<std::string> names;
  for (const ParameterDeclaration& d : store.ParameterDeclarations()) names.push_back(d.name);
  return names;
}

std::string Lookup(const std::vector<std::pair<std::string, std::string>>& parameters,
                   const std::string& name) {
  for (const auto& [key, value] : parameters) {
    if (key == name) return value;
  }
  return "";
}

bool ModeMatches(const std::string& selected, const std::string& mode) {
  if (selected == "all" || selected == mode) return true;
  return selected == "single" && mode.rfind("single:", 0) == 0;
}

// The finished runs' modes, by run_id, of the runs `options` selects; throws InputError when the
// mode selects none.
std::map<int, std::string> SelectedRuns(const ResultsStore& store, const ExportOptions& options) {
  std::string selected = SelectedMode(options);
  std::map<int, std::string> modes;
  std::vector<std::string> known;
  for (const RunRow& run : store.Runs()) {
    if (run.status != "finished") continue;  // a run's jobs count once it is
    if (std::find(known.begin(), known.end(), run.mode) == known.end()) known.push_back(run.mode);
    if (ModeMatches(selected, run.mode)) modes[run.run_id] = run.mode;
  }
  if (modes.empty() && !known.empty()) {
    throw InputError(SourceLocation{"--mode"}, "no finished run has mode '" + selected +
                                                   "' (modes here: " + Join(known) + "; or all)");
  }
  return modes;
}

// The parameters among `names` that the store declares numbers: a training table's features.
std::vector<std::string> NumberParameters(const ResultsStore& store,
                                          const std::vector<std::string>& names) {
  std::map<std::string, ParameterType> types = ParameterTypeMap(store.ParameterDeclarations());
  std::vector<std::string> numbers;
  for (const std::string& name : names) {
    auto it = types.find(name);
    if (it != types.end() && it->second == ParameterType::kNumber) numbers.push_back(name);
  }
  return numbers;
}

int ExportJobs(const ResultsStore& store, const ExportOptions& options, std::ostream& out) {
  JobRecordSet set = ReadJobRecords(store);  // the finished runs' jobs, `mode` first
  std::map<int, std::string> modes = SelectedRuns(store, options);
  std::vector<JobRecord> rows;
  for (JobRecord& record : set.records) {
    if (modes.count(record.run_id) == 0) continue;
    if (options.component.empty() || record.component == options.component) {
      rows.push_back(std::move(record));
    }
  }
  if (options.target.empty()) {
    JobCsvWriter writer(out, set.parameter_names);
    for (const JobRecord& record : rows) writer.Write(record);
    return static_cast<int>(rows.size());
  }
  std::vector<std::string> names(set.parameter_names.begin() + 1, set.parameter_names.end());
  JobValue(JobRecord{}, options.target);  // checks the name
  std::erase_if(rows, [&](const JobRecord& record) {
    return !record.succeeded() || std::isnan(JobValue(record, options.target));
  });
  std::vector<std::string> features = NumberParameters(store, names);
  std::set<std::string> row_modes;
  for (const JobRecord& record : rows) row_modes.insert(modes[record.run_id]);
  if (row_modes.size() > 1) features.insert(features.begin(), "mode");
  for (const std::string& f : features) out << CsvField(f) << ',';
  out << "input_bytes," << CsvField(options.target) << '\n';
  for (const JobRecord& record : rows) {
    for (const std::string& f : features) out << CsvField(Lookup(record.parameters, f)) << ',';
    out << FormatDouble(record.input_bytes) << ',' << FormatDouble(JobValue(record, options.target))
        << '\n';
  }
  return static_cast<int>(rows.size());
}

int ExportRuns(const ResultsStore& store, const ExportOptions& options, std::ostream& out) {
  std::vector<RunRow> runs = store.Runs();
  std::map<int, std::string> modes = SelectedRuns(store, options);
  std::erase_if(runs, [&](const RunRow& r) { return modes.count(r.run_id) == 0; });
  // Per run and component: jobs, sums of compute and total.
  struct Stats {
    int jobs = 0;
    double compute = 0, total = 0;
  };
  std::map<int, std::map<std::string, Stats>> stats;
  std::vector<std::string> components;
  for (const StoredJob& job : store.Jobs()) {
    const JobRecord& r = job.record;
    if (std::find(components.begin(), components.end(), r.component) == components.end()) {
      components.push_back(r.component);
    }
    if (!r.succeeded()) continue;
    Stats& s = stats[r.run_id][r.component];
    ++s.jobs;
    s.compute += r.compute_s();
    s.total += r.total_s();
  }
  if (!options.component.empty()) {
    if (std::find(components.begin(), components.end(), options.component) == components.end()) {
      throw InputError(SourceLocation{"--component"}, "no jobs of component '" + options.component +
                                                          "' in the store (" + Join(components) +
                                                          ")");
    }
    components = {options.component};
    std::erase_if(runs,
                  [&](const RunRow& r) { return stats[r.run_id].count(options.component) == 0; });
  }
  auto value = [&](const RunRow& run, const std::string& name) -> double {
    if (name == "makespan_s") return run.makespan_s;
    if (name == "wall_s") return run.wall_s;
    if (name == "jobs") return run.jobs;
    if (name == "failed_jobs") return run.failed_jobs;
    for (const std::string& c : components) {
      const Stats& s = stats[run.run_id][c];
      if (name == c + ".jobs") return s.jobs;
      if (name == c + ".mean_compute_s") return s.jobs ? s.compute / s.jobs : NAN;
      if (name == c + ".mean_total_s") return s.jobs ? s.total / s.jobs : NAN;
    }
    throw InputError(SourceLocation{"--target"},
                     "unknown run target '" + name +
                         "' (makespan_s, wall_s, jobs, failed_jobs, COMPONENT.jobs, "
                         "COMPONENT.mean_compute_s, COMPONENT.mean_total_s)");
  };
  std::vector<std::string> measures = {"jobs", "failed_jobs", "makespan_s", "wall_s"};
  for (const std::string& c : components) {
    for (const char* m : {".jobs", ".mean_compute_s", ".mean_total_s"}) measures.push_back(c + m);
  }
  std::vector<std::string> names = ParameterNames(store);
  if (options.target.empty()) {
    out << "run_id,repetition,mode";
    for (const std::string& n : names) out << ',' << CsvField(n);
    for (const std::string& m : measures) out << ',' << CsvField(m);
    out << '\n';
    for (const RunRow& run : runs) {
      out << run.run_id << ',' << run.repetition << ',' << CsvField(run.mode);
      for (const std::string& n : names) out << ',' << CsvField(Lookup(run.parameters, n));
      for (const std::string& m : measures) out << ',' << FormatDouble(value(run, m));
      out << '\n';
    }
    return static_cast<int>(runs.size());
  }
  if (!runs.empty()) value(runs[0], options.target);  // checks the name
  std::erase_if(runs, [&](const RunRow& r) {
    return r.failed_jobs > 0 || std::isnan(value(r, options.target));
  });
  std::vector<std::string> features = NumberParameters(store, names);
  std::set<std::string> row_modes;
  for (const RunRow& run : runs) row_modes.insert(run.mode);
  bool mode_column = row_modes.size() > 1;
  if (mode_column) out << "mode,";
  for (const std::string& f : features) out << CsvField(f) << ',';
  out << CsvField(options.target) << '\n';
  for (const RunRow& run : runs) {
    if (mode_column) out << CsvField(run.mode) << ',';
    for (const std::string& f : features) out << Lookup(run.parameters, f) << ',';
    out << FormatDouble(value(run, options.target)) << '\n';
  }
  return static_cast<int>(runs.size());
}

}  // namespace

std::string SelectedMode(const ExportOptions& options) {
  if (!options.mode.empty()) return options.mode;
  return options.target.empty() ? "all" : "workflow";
}

int ExportCsv(const ResultsStore& store, const ExportOptions& options, std::ostream& out) {
  const std::string& mode = options.mode;
  if (!(mode.empty() || mode == "all" || mode == "workflow" || mode == "single" ||
        (mode.rfind("single:", 0) == 0 && mode.size() > 7))) {
    throw InputError(SourceLocation{"--mode"},
                     "'" + mode + "': expected workflow, single, single:COMPONENT or all");
  }
  if (!options.runs && !options.component.empty()) {
    bool known = false;
    std::vector<std::string> components;
    for (const StoredJob& job : store.Jobs()) {
      known = known || job.record.component == options.component;
      if (std::find(components.begin(), components.end(), job.record.component) ==
          components.end()) {
        components.push_back(job.record.component);
      }
    }
    if (!known) {
      throw InputError(SourceLocation{"--component"}, "no jobs of component '" + options.component +
                                                          "' in the store (" + Join(components) +
                                                          ")");
    }
  }
  return options.runs ? ExportRuns(store, options, out) : ExportJobs(store, options, out);
}

}  // namespace twinprof::profile
