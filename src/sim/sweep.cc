#include "sim/sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/error.h"
#include "core/job_record.h"
#include "core/units.h"
#include "sim/process_pool.h"
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace twinprof::sim {

namespace {

namespace fs = std::filesystem;

nlohmann::json RunJson(const SimulateSummary::Run& run) {
  nlohmann::json json = run.result.ToJson();
  json["run_id"] = run.run_id;
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [key, value] : run.parameters) parameters[key] = value;
  json["parameters"] = parameters;
  json["wall_seconds"] = run.wall_seconds;
  return json;
}

// A run in its child process: simulate, write the run's files; returns its summary.json text.
std::string RunChild(const Scenario& scenario, int run_id, int repetition, const fs::path& folder) {
  std::vector<char> buffer(1 << 20);
  std::ofstream jobs;
  jobs.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  jobs.open(folder / "jobs.csv", std::ios::binary | std::ios::trunc);
  if (!jobs) throw std::runtime_error("cannot write " + (folder / "jobs.csv").string());
  Simulation::Options options;
  options.jobs_csv = &jobs;
  options.run_id = run_id;
  options.repetition = repetition;
  Simulation::Summary summary = Simulation(scenario).Run(options);
  jobs.close();
  if (!jobs) throw std::runtime_error("error writing " + (folder / "jobs.csv").string());
  SimulateSummary::Run run{run_id, scenario.parameters, summary.result, summary.wall_seconds};
  std::string text = RunJson(run).dump(2) + "\n";
  std::ofstream out(folder / "summary.json", std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("error writing " + (folder / "summary.json").string());
  return text;
}

// The grid of the swept keys' values: one list of (key, value) per run, the last key fastest.
std::vector<std::vector<std::pair<std::string, std::string>>> SweepGrid(
    const std::vector<SimulateOptions::SweepKey>& sweep) {
  std::vector<std::vector<std::pair<std::string, std::string>>> grid(1);
  for (const SimulateOptions::SweepKey& axis : sweep) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& point : grid) {
      for (const std::string& value : axis.values) {
        next.push_back(point);
        next.back().emplace_back(axis.key, value);
      }
    }
    grid = std::move(next);
  }
  return grid;
}

void AppendFile(const fs::path& from, std::ostream& to, bool skip_header) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + from.string());
  if (skip_header) {
    std::string header;
    std::getline(in, header);
  }
  to << in.rdbuf();
}

// What RunSimulations writes in its output folder: an earlier simulation is recognised by these
// (and only these are removed by --force).
bool IsSimulationOutput(const fs::directory_entry& entry) {
  std::string name = entry.path().filename().string();
  if (name == "jobs.csv" || name == "runs.csv" || name == "summary.json") return true;
  return entry.is_directory() && name.size() > 4 && name.rfind("run-", 0) == 0 &&
         name.find_first_not_of("0123456789", 4) == std::string::npos;
}

// Refuses an output folder that holds an earlier simulation, or (force) removes that simulation.
void ClearOutputFolder(const fs::path& output, bool force) {
  std::error_code error;
  if (!fs::is_directory(output, error)) {
    if (fs::exists(output, error)) {
      throw InputError(SourceLocation{output.string()}, "exists and is not a folder (-o)");
    }
    return;
  }
  std::vector<fs::path> earlier;
  for (const auto& entry : fs::directory_iterator(output, error)) {
    if (IsSimulationOutput(entry)) earlier.push_back(entry.path());
  }
  if (earlier.empty()) return;
  std::sort(earlier.begin(), earlier.end());
  if (!force) {
    std::string names;
    for (size_t i = 0; i < earlier.size() && i < 4; ++i) {
      names += (i ? ", " : "") + earlier[i].filename().string();
    }
    if (earlier.size() > 4) names += ", ...";
    throw InputError(SourceLocation{output.string()},
                     "this folder holds an earlier simulation (" + names +
                         "): pass --force to replace it, or choose another output folder (-o)");
  }
  for (const fs::path& path : earlier) {
    fs::remove_all(path, error);
    if (error) {
      throw InputError(SourceLocation{path.string()},
                       "cannot remove the earlier simulation: " + error.message());
    }
  }
}

// A cost for reports: four significant digits.
std::string Cost(double cost) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", cost);
  return text;
}

}  // namespace

SimulatedRun RunResultFromJson(const nlohmann::json& json) { return SimulatedRun::FromJson(json); }

SimulateSummary RunSimulations(const SimulateOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (options.parallel_runs < 1) throw InputError(SourceLocation{"-j"}, "must be at least 1");
  const bool sweep = !options.sweep.empty();
  for (size_t i = 0; i < options.sweep.size(); ++i) {
    const SimulateOptions::SweepKey& axis = options.sweep[i];
    if (axis.values.empty()) throw InputError(SourceLocation{"--sweep " + axis.key}, "no values");
    for (size_t j = 0; j < i; ++j) {
      if (options.sweep[j].key == axis.key) {
        throw InputError(SourceLocation{"--sweep " + axis.key}, "the key is swept twice");
      }
    }
  }

  // Load every run's scenario first: bad input stops everything before any simulation.
  std::vector<ScenarioRun> runs;
  for (const auto& point : SweepGrid(options.sweep)) {
    auto overrides = options.overrides;
    overrides.insert(overrides.end(), point.begin(), point.end());
    runs.push_back(
        {LoadScenario(options.scenario_path, overrides), static_cast<int>(runs.size() + 1), 1});
  }
  if (options.prepare) {
    for (ScenarioRun& run : runs) options.prepare(run.scenario);
  }
  ClearOutputFolder(fs::path(options.output_dir), options.force);
  SimulateSummary summary = RunScenarios(runs, options.output_dir, options.parallel_runs, sweep);
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summary;
}

SimulateSummary RunScenarios(const std::vector<ScenarioRun>& scenarios,
                             const std::string& output_dir, int parallel_runs,
                             bool per_run_folders) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (parallel_runs < 1) throw InputError("-j must be at least 1");
  if (scenarios.empty()) throw InputError("nothing to simulate");
  const bool sweep = per_run_folders;
  const fs::path output(output_dir);
  std::error_code error;
  fs::create_directories(output, error);
  if (error) {
    throw InputError(SourceLocation{output.string()}, "cannot create this output folder (-o)");
  }
  std::vector<fs::path> folders;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    fs::path folder = sweep ? output / ("run-" + std::to_string(scenarios[i].run_id)) : output;
    fs::create_directories(folder, error);
    if (error) {
      throw InputError(SourceLocation{folder.string()}, "cannot create this output folder (-o)");
    }
    folders.push_back(folder);
  }

  // Each run in its own process, at most parallel_runs at a time; results kept in run order.
  std::vector<ChildOutcome> outcomes(scenarios.size());
  RunInChildProcesses(
      scenarios.size(), parallel_runs,
      [&](size_t i) {
        return RunChild(scenarios[i].scenario, scenarios[i].run_id, scenarios[i].repetition,
                        folders[i]);
      },
      [&](size_t i, ChildOutcome outcome) { outcomes[i] = std::move(outcome); });
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i].ok) {
      throw std::runtime_error("run " + std::to_string(scenarios[i].run_id) + ": " +
                               outcomes[i].failure);
    }
  }

  SimulateSummary summary;
  summary.scenario = scenarios.front().scenario.name;
  summary.output_dir = output.string();
  for (size_t i = 0; i < scenarios.size(); ++i) {
    nlohmann::json json = nlohmann::json::parse(outcomes[i].output);
    SimulateSummary::Run run;
    run.run_id = scenarios[i].run_id;
    run.parameters = scenarios[i].scenario.parameters;
    run.result = RunResultFromJson(json);
    run.wall_seconds = json.at("wall_seconds").get<double>();
    summary.runs.push_back(run);
  }

  if (sweep) {
    std::ofstream jobs(output / "jobs.csv", std::ios::binary | std::ios::trunc);
    for (size_t i = 0; i < folders.size(); ++i) AppendFile(folders[i] / "jobs.csv", jobs, i > 0);
    if (!jobs) throw std::runtime_error("error writing " + (output / "jobs.csv").string());
    nlohmann::json all = {{"scenario", summary.scenario}, {"runs", nlohmann::json::array()}};
    for (const auto& run : summary.runs) all["runs"].push_back(RunJson(run));
    std::ofstream out(output / "summary.json", std::ios::binary | std::ios::trunc);
    out << all.dump(2) << "\n";
  }

  // runs.csv: one row per run.
  std::ofstream runs(output / "runs.csv", std::ios::binary | std::ios::trunc);
  std::vector<std::string> components;
  for (const auto& [name, times] : summary.runs.front().result.components) {
    components.push_back(name);
  }
  runs << "run_id";
  for (const auto& [key, value] : summary.runs.front().parameters) runs << ',' << CsvField(key);
  runs << ",jobs,makespan_s,cost,image_pulls";
  for (const std::string& name : components) runs << ',' << CsvField(name + ".mean_response_s");
  runs << '\n';
  for (const auto& run : summary.runs) {
    runs << run.run_id;
    for (const auto& [key, value] : run.parameters) runs << ',' << CsvField(value);
    runs << ',' << run.result.jobs << ',' << FormatDouble(run.result.makespan) << ','
         << FormatDouble(run.result.cost) << ',' << run.result.image_pulls;
    for (const std::string& name : components) {
      auto it = run.result.components.find(name);
      runs << ',' << (it != run.result.components.end() ? FormatDouble(it->second.mean) : "");
    }
    runs << '\n';
  }
  if (!runs) throw std::runtime_error("error writing " + (output / "runs.csv").string());

  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summary;
}

std::string SimulateSummary::BriefReport() const {
  std::ostringstream out;
  if (runs.size() == 1) {
    const Run& run = runs.front();
    out << scenario << ": " << run.result.jobs << " jobs, makespan "
        << FormatSeconds(run.result.makespan) << ", cost " << Cost(run.result.cost) << ", "
        << FormatSeconds(wall_seconds) << " wall -> " << output_dir;
  } else {
    out << scenario << ": " << runs.size() << " runs, " << FormatSeconds(wall_seconds)
        << " wall -> " << output_dir;
  }
  return out.str();
}

std::string SimulateSummary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << "\n";
  for (const Run& run : runs) {
    out << "run " << run.run_id;
    for (const auto& [key, value] : run.parameters) out << " " << key << "=" << value;
    out << ": " << run.result.jobs << " jobs, makespan " << FormatSeconds(run.result.makespan)
        << ", cost " << Cost(run.result.cost) << ", image pulls " << run.result.image_pulls << ", "
        << FormatSeconds(run.wall_seconds) << " wall\n";
    for (const auto& [name, times] : run.result.components) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "  %-22s %8ld jobs  response mean %.4g s  p50 %.4g  p95 %.4g  max %.4g\n",
                    name.c_str(), times.jobs, times.mean, times.p50, times.p95, times.max);
      out << line;
    }
    for (const NodeUsage& node : run.result.nodes) {
      char line[256];
      std::snprintf(line, sizeof line, "  %-22s %8ld jobs  busy %5.1f%%  allocated %5.1f%%\n",
                    node.node.c_str(), node.jobs, 100 * node.utilisation, 100 * node.allocated);
      out << line;
    }
  }
  return out.str();
}

}  // namespace twinprof::sim
