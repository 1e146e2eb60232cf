#include "sim/sweep.h"

#include <sys/wait.h>
#include <unistd.h>

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
#include "sim/scenario.h"
#include "sim/simulation.h"

namespace twinprof {

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

// The child's whole life: simulate, write the run's files, exit (never returns).
[[noreturn]] void RunChild(const Scenario& scenario, int run_id, const fs::path& folder) {
  int status = 0;
  try {
    std::vector<char> buffer(1 << 20);
    std::ofstream jobs;
    jobs.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    jobs.open(folder / "jobs.csv", std::ios::binary | std::ios::trunc);
    if (!jobs) throw std::runtime_error("cannot write " + (folder / "jobs.csv").string());
    Simulation::Options options;
    options.jobs_csv = &jobs;
    options.run_id = run_id;
    Simulation::Summary summary = Simulation(scenario).Run(options);
    jobs.close();
    if (!jobs) throw std::runtime_error("error writing " + (folder / "jobs.csv").string());
    SimulateSummary::Run run{run_id, scenario.parameters, summary.result, summary.wall_seconds};
    std::ofstream out(folder / "summary.json", std::ios::binary | std::ios::trunc);
    out << RunJson(run).dump(2) << "\n";
    if (!out) throw std::runtime_error("error writing " + (folder / "summary.json").string());
  } catch (const std::exception& e) {
    std::cerr << "twinprof: run " << run_id << ": " << e.what() << "\n";
    status = 1;
  }
  std::cerr.flush();
  _exit(status);
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

// A cost for reports: four significant digits.
std::string Cost(double cost) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", cost);
  return text;
}

}  // namespace

RunResult RunResultFromJson(const nlohmann::json& json) {
  RunResult result;
  result.jobs = json.at("jobs").get<long>();
  result.makespan = json.at("makespan_s").get<double>();
  result.cost = json.at("cost").get<double>();
  result.image_pulls = json.at("image_pulls").get<long>();
  for (const auto& [name, component] : json.at("components").items()) {
    ResponseTimes times;
    times.jobs = component.at("jobs").get<long>();
    const nlohmann::json& response = component.at("response_time_s");
    times.mean = response.at("mean").get<double>();
    times.p50 = response.at("p50").get<double>();
    times.p95 = response.at("p95").get<double>();
    times.max = response.at("max").get<double>();
    result.components[name] = times;
  }
  for (const nlohmann::json& node : json.at("nodes")) {
    NodeUsage usage;
    usage.node = node.at("node").get<std::string>();
    usage.node_type = node.at("node_type").get<std::string>();
    usage.cores = node.at("cores").get<double>();
    usage.jobs = node.at("jobs").get<long>();
    usage.utilisation = node.at("utilisation").get<double>();
    usage.allocated = node.at("allocated").get<double>();
    usage.price_per_hour = node.at("price_per_hour").get<double>();
    result.nodes.push_back(usage);
  }
  return result;
}

SimulateSummary RunSimulations(const SimulateOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (options.parallel_runs < 1) throw InputError("-j must be at least 1");
  const bool sweep = !options.sweep_key.empty();
  if (sweep && options.sweep_values.empty()) {
    throw InputError("--sweep " + options.sweep_key + ": no values");
  }

  // Load every run's scenario first: bad input stops everything before any simulation.
  std::vector<Scenario> scenarios;
  if (sweep) {
    for (const std::string& value : options.sweep_values) {
      auto overrides = options.overrides;
      overrides.emplace_back(options.sweep_key, value);
      scenarios.push_back(LoadScenario(options.scenario_path, overrides));
    }
  } else {
    scenarios.push_back(LoadScenario(options.scenario_path, options.overrides));
  }

  const fs::path output(options.output_dir);
  std::error_code error;
  fs::create_directories(output, error);
  if (error) throw InputError("cannot create output folder " + output.string());
  std::vector<fs::path> folders;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    fs::path folder = sweep ? output / ("run-" + std::to_string(i + 1)) : output;
    fs::create_directories(folder, error);
    if (error) throw InputError("cannot create output folder " + folder.string());
    folders.push_back(folder);
  }

  // Fork the runs, at most parallel_runs at a time.
  std::cout.flush();
  std::cerr.flush();
  std::map<pid_t, size_t> running;
  std::vector<std::string> failures;
  size_t next = 0;
  while (next < scenarios.size() || !running.empty()) {
    while (next < scenarios.size() && static_cast<int>(running.size()) < options.parallel_runs) {
      pid_t pid = fork();
      if (pid < 0) throw std::runtime_error("fork failed");
      if (pid == 0) RunChild(scenarios[next], static_cast<int>(next + 1), folders[next]);
      running[pid] = next++;
    }
    int status = 0;
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0) throw std::runtime_error("waitpid failed");
    auto it = running.find(done);
    if (it == running.end()) continue;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failures.push_back("run " + std::to_string(it->second + 1) +
                         (WIFSIGNALED(status)
                              ? " killed by signal " + std::to_string(WTERMSIG(status))
                              : " failed"));
    }
    running.erase(it);
  }
  if (!failures.empty()) throw std::runtime_error(failures.front());

  SimulateSummary summary;
  summary.scenario = scenarios.front().name;
  summary.output_dir = output.string();
  for (size_t i = 0; i < scenarios.size(); ++i) {
    std::ifstream in(folders[i] / "summary.json");
    nlohmann::json json = nlohmann::json::parse(in);
    SimulateSummary::Run run;
    run.run_id = static_cast<int>(i + 1);
    run.parameters = scenarios[i].parameters;
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

}  // namespace twinprof
