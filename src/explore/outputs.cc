#include "explore/outputs.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/job_record.h"
#include "explore/configuration.h"

namespace twinprof::explore {

namespace {

namespace fs = std::filesystem;

// Components that are synchronous services: they get a rejection-rate column.
std::vector<size_t> SyncComponents(const sim::Scenario& base) {
  std::vector<size_t> sync;
  for (workflow::ComponentId id : base.workflow.components()) {
    if (base.deployments[id].sync.enabled) sync.push_back(static_cast<size_t>(id));
  }
  return sync;
}

void WriteCandidates(const fs::path& path, const sim::Scenario& base,
                     const ExploreSummary& summary) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::vector<size_t> sync = SyncComponents(base);
  out << "workload,candidate";
  for (const std::string& column : summary.configuration_columns) out << ',' << CsvField(column);
  out << ",round,jobs,makespan_s,cost";
  for (const std::string& name : summary.components) out << ',' << CsvField(name + ".p95_s");
  for (size_t c : sync) out << ',' << CsvField(summary.components[c] + ".rejection_rate");
  for (const std::string& name : summary.clusters) out << ',' << CsvField(name + ".utilisation");
  out << ",feasible,why_not\n";
  for (const ExploreSummary::Workload& workload : summary.workloads) {
    for (const Candidate& candidate : workload.candidates) {
      out << CsvField(workload.name) << ',' << candidate.number;
      for (const std::string& value : candidate.configuration) out << ',' << CsvField(value);
      out << ',' << candidate.round;
      const CandidateResult& result = candidate.result;
      if (result.status == CandidateResult::Status::kSimulated) {
        out << ',' << result.jobs << ',' << FormatDouble(result.makespan) << ','
            << FormatDouble(result.cost);
        for (double p95 : result.p95) out << ',' << FormatDouble(p95);
        for (size_t c : sync) out << ',' << FormatDouble(result.rejection_rate[c]);
        for (double utilisation : result.utilisation) out << ',' << FormatDouble(utilisation);
      } else {
        out << ",,,";
        out << std::string(summary.components.size() + sync.size() + summary.clusters.size(), ',');
      }
      out << ',' << (candidate.verdict.feasible ? "true" : "false") << ','
          << CsvField(candidate.verdict.why_not) << '\n';
    }
  }
  if (!out) throw std::runtime_error("error writing " + path.string());
}

void WritePareto(const fs::path& path, const ExploreSummary& summary) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "workload,objective,point,candidate";
  for (const std::string& column : summary.configuration_columns) out << ',' << CsvField(column);
  out << ",time_s,cost\n";
  for (const ExploreSummary::Workload& workload : summary.workloads) {
    for (size_t k = 0; k < summary.objective_columns.size(); ++k) {
      const std::vector<size_t>& front = workload.analysis.fronts[k];
      for (size_t point = 0; point < front.size(); ++point) {
        const Candidate& candidate = workload.candidates[front[point]];
        out << CsvField(workload.name) << ',' << CsvField(summary.objective_columns[k]) << ','
            << point + 1 << ',' << candidate.number;
        for (const std::string& value : candidate.configuration) out << ',' << CsvField(value);
        out << ',' << FormatDouble(candidate.score.times[k]) << ','
            << FormatDouble(candidate.score.cost) << '\n';
      }
    }
  }
  if (!out) throw std::runtime_error("error writing " + path.string());
}

nlohmann::json CandidateJson(const Space& space, const sim::Scenario& base,
                             const WorkloadVariant* variant, const ExploreSummary& summary,
                             const Candidate& candidate) {
  nlohmann::json configuration = nlohmann::json::object();
  for (size_t i = 0; i < summary.configuration_columns.size(); ++i) {
    configuration[summary.configuration_columns[i]] = candidate.configuration[i];
  }
  nlohmann::json p95 = nlohmann::json::object();
  for (size_t c = 0; c < summary.components.size(); ++c) {
    p95[summary.components[c]] = candidate.result.p95[c];
  }
  nlohmann::json utilisation = nlohmann::json::object();
  for (size_t c = 0; c < summary.clusters.size(); ++c) {
    utilisation[summary.clusters[c]] = candidate.result.utilisation[c];
  }
  return {{"candidate", candidate.number},
          {"configuration", configuration},
          {"makespan_s", candidate.result.makespan},
          {"cost", candidate.result.cost},
          {"p95_s", p95},
          {"utilisation", utilisation},
          {"feasible", candidate.verdict.feasible},
          {"why_not", candidate.verdict.why_not},
          {"set", SetArguments(space, base, Decode(space, candidate.number), variant)}};
}

void WriteSummaryJson(const fs::path& path, const Space& space,
                      const std::vector<sim::Scenario>& bases, const ExploreSummary& summary) {
  nlohmann::json constraints = nlohmann::json::array();
  for (const Constraint& constraint : space.constraints) {
    constraints.push_back({{"constraint", constraint.Name()}, {"limit", constraint.limit}});
  }
  nlohmann::json json = {{"space", summary.space},
                         {"scenario", summary.scenario},
                         {"configurations", summary.configurations},
                         {"axes", space.axes.size()},
                         {"objectives", summary.objective_columns},
                         {"constraints", constraints},
                         {"budget", summary.budget},
                         {"seed", summary.seed},
                         {"workloads", nlohmann::json::array()}};
  for (size_t w = 0; w < summary.workloads.size(); ++w) {
    const ExploreSummary::Workload& workload = summary.workloads[w];
    const WorkloadVariant* variant = space.workloads.empty() ? nullptr : &space.workloads[w];
    auto candidate = [&](std::optional<size_t> index) -> nlohmann::json {
      if (!index) return nullptr;
      return CandidateJson(space, bases[w], variant, summary, workload.candidates[*index]);
    };
    nlohmann::json fronts = nlohmann::json::object();
    for (size_t k = 0; k < summary.objective_columns.size(); ++k) {
      nlohmann::json numbers = nlohmann::json::array();
      for (size_t i : workload.analysis.fronts[k]) numbers.push_back(workload.candidates[i].number);
      fronts[summary.objective_columns[k]] = numbers;
    }
    json["workloads"].push_back({{"workload", workload.name},
                                 {"method", workload.searched ? "local search" : "exhaustive"},
                                 {"evaluated", workload.candidates.size()},
                                 {"simulated", workload.simulated},
                                 {"invalid", workload.invalid},
                                 {"failed", workload.failed},
                                 {"feasible", workload.feasible},
                                 {"rounds", workload.rounds},
                                 {"restarts", workload.restarts},
                                 {"stopped", workload.stopped},
                                 {"cheapest_feasible", candidate(workload.analysis.cheapest)},
                                 {"fastest", candidate(workload.analysis.fastest)},
                                 {"pareto", fronts},
                                 {"findings", workload.analysis.findings}});
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << json.dump(2) << "\n";
  if (!out) throw std::runtime_error("error writing " + path.string());
}

}  // namespace

void WriteOutputs(const Space& space, const std::vector<sim::Scenario>& bases,
                  const ExploreSummary& summary) {
  const fs::path output(summary.output_dir);
  WriteCandidates(output / "candidates.csv", bases.front(), summary);
  WritePareto(output / "pareto.csv", summary);
  WriteSummaryJson(output / "summary.json", space, bases, summary);
}

}  // namespace twinprof::explore
