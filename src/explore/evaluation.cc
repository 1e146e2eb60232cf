#include "explore/evaluation.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/job_record.h"
#include "sim/simulation.h"

namespace twinprof::explore {

namespace {

const char* StatusName(CandidateResult::Status status) {
  switch (status) {
    case CandidateResult::Status::kSimulated:
      return "simulated";
    case CandidateResult::Status::kInvalid:
      return "invalid";
    case CandidateResult::Status::kFailed:
      return "failed";
  }
  return "";
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

size_t ComponentIndex(const sim::Scenario& base, const std::string& name) {
  std::optional<workflow::ComponentId> id = base.workflow.Find(name);
  if (!id) throw std::logic_error("unknown component " + name);
  return static_cast<size_t>(*id);
}

}  // namespace

std::string CandidateResult::ToJson() const {
  nlohmann::json json = {{"status", StatusName(status)},
                         {"error", error},
                         {"jobs", jobs},
                         {"makespan_s", makespan},
                         {"cost", cost},
                         {"p95_s", p95},
                         {"rejection_rate", rejection_rate},
                         {"utilisation", utilisation}};
  return json.dump();
}

CandidateResult CandidateResult::FromJson(const std::string& text) {
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    CandidateResult result;
    std::string status = json.at("status").get<std::string>();
    if (status == "invalid") {
      result.status = Status::kInvalid;
    } else if (status == "failed") {
      result.status = Status::kFailed;
    } else if (status != "simulated") {
      throw std::runtime_error("unknown status " + status);
    }
    result.error = json.at("error").get<std::string>();
    result.jobs = json.at("jobs").get<long>();
    result.makespan = json.at("makespan_s").get<double>();
    result.cost = json.at("cost").get<double>();
    result.p95 = json.at("p95_s").get<std::vector<double>>();
    result.rejection_rate = json.at("rejection_rate").get<std::vector<double>>();
    result.utilisation = json.at("utilisation").get<std::vector<double>>();
    return result;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("a candidate's result is malformed: ") + e.what());
  }
}

CandidateResult SimulateCandidate(const sim::Scenario& scenario) {
  CandidateResult result;
  try {
    sim::ValidateScenario(scenario);
  } catch (const InputError& e) {
    result.status = CandidateResult::Status::kInvalid;
    result.error = e.message();
    return result;
  }
  const workflow::Workflow& workflow = scenario.workflow;
  std::map<std::string, long> rejected;
  sim::Simulation::Options options;
  options.on_job = [&](const JobRecord& record) {
    if (!record.succeeded() && record.failure_reason == "rejected") ++rejected[record.component];
  };
  sim::SimulatedRun run = sim::Simulation(scenario).Run(options).result;
  result.jobs = run.jobs;
  result.makespan = run.makespan;
  result.cost = run.cost;
  for (workflow::ComponentId id : workflow.components()) {
    const std::string& name = workflow.component(id).name;
    auto times = run.components.find(name);
    long served = times != run.components.end() ? times->second.jobs : 0;
    result.p95.push_back(times != run.components.end() ? times->second.p95 : 0);
    long refused = rejected.count(name) != 0 ? rejected[name] : 0;
    result.rejection_rate.push_back(
        refused > 0 ? static_cast<double>(refused) / static_cast<double>(refused + served) : 0);
  }
  // Node names are "<cluster>/<type>-<i>" (platform/simgrid_layout.h).
  for (const platform::Cluster& cluster : scenario.platform.clusters) {
    double busy = 0, cores = 0;
    for (const sim::NodeUsage& node : run.nodes) {
      if (node.node.compare(0, cluster.name.size() + 1, cluster.name + "/") != 0) continue;
      busy += node.utilisation * node.cores;
      cores += node.cores;
    }
    result.utilisation.push_back(cores > 0 ? busy / cores : 0);
  }
  return result;
}

Verdict Judge(const Space& space, const sim::Scenario& base, const CandidateResult& result) {
  Verdict verdict;
  if (result.status != CandidateResult::Status::kSimulated) {
    verdict.why_not = std::string(StatusName(result.status)) + ": " + result.error;
    return verdict;
  }
  verdict.violation = 0;
  for (const Constraint& constraint : space.constraints) {
    double value = 0;
    std::string unit = " s";
    switch (constraint.kind) {
      case Constraint::Kind::kMakespan:
        value = result.makespan;
        break;
      case Constraint::Kind::kP95:
        value = result.p95[ComponentIndex(base, constraint.component)];
        break;
      case Constraint::Kind::kCost:
        value = result.cost;
        unit = "";
        break;
      case Constraint::Kind::kRejectionRate:
        value = result.rejection_rate[ComponentIndex(base, constraint.component)];
        unit = "";
        break;
    }
    if (value <= constraint.limit) continue;
    verdict.violation += constraint.limit > 0 ? (value - constraint.limit) / constraint.limit
                                              : value - constraint.limit;
    if (!verdict.why_not.empty()) verdict.why_not += "; ";
    verdict.why_not +=
        constraint.Name() + " " + Number(value) + unit + " > " + Number(constraint.limit) + unit;
  }
  verdict.feasible = verdict.why_not.empty();
  return verdict;
}

double ObjectiveTime(const Objective& objective, const sim::Scenario& base,
                     const CandidateResult& result) {
  if (objective.component.empty()) return result.makespan;
  return result.p95[ComponentIndex(base, objective.component)];
}

Score ScoreOf(const Space& space, const sim::Scenario& base, const CandidateResult& result,
              const Verdict& verdict) {
  Score score;
  score.simulated = result.status == CandidateResult::Status::kSimulated;
  score.feasible = verdict.feasible;
  score.violation = verdict.violation;
  score.cost = result.cost;
  for (const Objective& objective : space.objectives) {
    score.times.push_back(score.simulated ? ObjectiveTime(objective, base, result) : 0);
  }
  return score;
}

}  // namespace twinprof::explore
