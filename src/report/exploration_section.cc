#include "report/exploration_section.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "report/chart_numbers.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

// The candidate's time for an objective column ("makespan_s" or "C.p95_s"); NaN when absent.
double TimeOf(const ExplorationSet::Candidate& candidate, const std::string& objective) {
  if (objective == "makespan_s") return candidate.makespan_s;
  for (const auto& [component, seconds] : candidate.p95_s) {
    if (component + ".p95_s" == objective) return seconds;
  }
  return std::nan("");
}

// The constraint that limits an objective's time: "makespan" or "C p95".
std::string ConstraintOf(const std::string& objective) {
  if (objective == "makespan_s") return "makespan";
  return objective.substr(0, objective.size() - 6) + " p95";
}

std::string TimeTitle(const std::string& objective) {
  if (objective == "makespan_s") return "makespan (s)";
  return objective.substr(0, objective.size() - 6) + " p95 response time (s)";
}

}  // namespace

Section ExplorationSection(const ReportData& data) {
  Section section;
  section.id = "design-space";
  section.title = "Design space";
  section.intro =
      "Every simulated candidate (a hardware mix and deployment) by its time and its cost: blue "
      "points meet every constraint, grey ones break one (hover for which). The orange line "
      "joins the Pareto front, the candidates that nothing feasible beats on both; the diamond "
      "is the cheapest feasible candidate; dashed lines are the deadline and the budget.";
  int number = 0;
  for (const ExplorationSet& set : data.explorations) {
    HtmlTable table;
    table.caption = "Chosen candidates, " + set.path + " (space " + set.space + ")";
    table.header = {"workload", "", "candidate", "makespan (s)", "cost", "configuration"};
    for (const ExplorationSet::Workload& workload : set.workloads) {
      std::map<int, const ExplorationSet::Candidate*> by_number;
      for (const auto& candidate : set.candidates) {
        if (candidate.workload == workload.name) by_number[candidate.number] = &candidate;
      }
      if (by_number.empty()) continue;
      for (const std::string& objective : set.objectives) {
        json values = json::array();
        for (const auto& [n, candidate] : by_number) {
          double time = TimeOf(*candidate, objective);
          if (!std::isfinite(time)) continue;
          values.push_back({{"k", "candidate"},
                            {"n", n},
                            {"t", Rounded(time, 6)},
                            {"cost", Rounded(candidate->cost, 6)},
                            {"status", candidate->feasible ? "feasible" : "infeasible"},
                            {"why", candidate->why_not},
                            {"conf", candidate->configuration}});
        }
        for (const auto& [front_objective, front] : workload.pareto) {
          if (front_objective != objective) continue;
          for (size_t i = 0; i < front.size(); ++i) {
            auto it = by_number.find(front[i]);
            if (it == by_number.end()) continue;
            values.push_back({{"k", "front"},
                              {"i", i},
                              {"n", front[i]},
                              {"t", Rounded(TimeOf(*it->second, objective), 6)},
                              {"cost", Rounded(it->second->cost, 6)}});
          }
        }
        auto chosen = by_number.find(workload.cheapest);
        if (chosen != by_number.end()) {
          values.push_back({{"k", "chosen"},
                            {"n", workload.cheapest},
                            {"t", Rounded(TimeOf(*chosen->second, objective), 6)},
                            {"cost", Rounded(chosen->second->cost, 6)},
                            {"label", "cheapest feasible: #" + std::to_string(workload.cheapest)},
                            {"conf", chosen->second->configuration}});
        }
        json limits = json::array();
        for (const auto& [constraint, limit] : set.constraints) {
          if (constraint == ConstraintOf(objective)) {
            limits.push_back(
                {{"axis", "x"}, {"v", limit}, {"label", "deadline " + Figure(limit) + " s"}});
          } else if (constraint == "cost") {
            limits.push_back({{"axis", "y"}, {"v", limit}, {"label", "budget " + Figure(limit)}});
          }
        }
        json x = {{"field", "t"},
                  {"type", "quantitative"},
                  {"title", TimeTitle(objective)},
                  {"scale", {{"zero", false}, {"nice", true}}}};
        json y = {{"field", "cost"},
                  {"type", "quantitative"},
                  {"title", "cost"},
                  {"scale", {{"zero", false}, {"nice", true}}}};
        json layers = json::array();
        layers.push_back(
            {{"transform", {{{"filter", "datum.k == 'candidate'"}}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 36}}},
             {"encoding",
              {{"x", x},
               {"y", y},
               {"color",
                {{"field", "status"},
                 {"type", "nominal"},
                 {"title", nullptr},
                 {"legend", {{"orient", "top"}}},
                 {"scale",
                  {{"domain", {"feasible", "infeasible"}}, {"range", {"#2f6db5", "#b8bfc9"}}}}}},
               {"opacity",
                {{"condition", {{"test", "datum.status == 'feasible'"}, {"value", 0.85}}},
                 {"value", 0.5}}},
               {"tooltip",
                {{{"field", "n"}, {"title", "candidate"}},
                 {{"field", "conf"}, {"title", "configuration"}},
                 {{"field", "t"}, {"title", TimeTitle(objective)}, {"format", ".4g"}},
                 {{"field", "cost"}, {"format", ".4g"}},
                 {{"field", "why"}, {"title", "why not"}}}}}}});
        layers.push_back({{"transform", {{{"filter", "datum.k == 'front'"}}}},
                          {"mark",
                           {{"type", "line"},
                            {"color", "#e8702a"},
                            {"strokeWidth", 2},
                            {"point", {{"color", "#e8702a"}, {"size", 40}}}}},
                          {"encoding",
                           {{"x", {{"field", "t"}, {"type", "quantitative"}}},
                            {"y", {{"field", "cost"}, {"type", "quantitative"}}},
                            {"order", {{"field", "i"}, {"type", "quantitative"}}},
                            {"tooltip",
                             {{{"field", "n"}, {"title", "Pareto candidate"}},
                              {{"field", "t"}, {"title", "time (s)"}, {"format", ".4g"}},
                              {{"field", "cost"}, {"format", ".4g"}}}}}}});
        layers.push_back(
            {{"transform", {{{"filter", "datum.k == 'chosen'"}}}},
             {"mark",
              {{"type", "point"},
               {"shape", "diamond"},
               {"size", 260},
               {"filled", true},
               {"color", "#c0392b"},
               {"stroke", "#ffffff"},
               {"strokeWidth", 1.5}}},
             {"encoding",
              {{"x", {{"field", "t"}, {"type", "quantitative"}}},
               {"y", {{"field", "cost"}, {"type", "quantitative"}}},
               {"tooltip",
                {{{"field", "label"}}, {{"field", "conf"}, {"title", "configuration"}}}}}}});
        layers.push_back({{"transform", {{{"filter", "datum.k == 'chosen'"}}}},
                          {"mark",
                           {{"type", "text"},
                            {"align", "left"},
                            {"dx", 10},
                            {"dy", -10},
                            {"fontWeight", 600},
                            {"color", "#c0392b"}}},
                          {"encoding",
                           {{"x", {{"field", "t"}, {"type", "quantitative"}}},
                            {"y", {{"field", "cost"}, {"type", "quantitative"}}},
                            {"text", {{"field", "label"}}}}}});
        for (const json& limit : limits) {
          bool vertical = limit["axis"] == "x";
          json encoding = {
              {vertical ? "x" : "y", {{"datum", limit["v"]}, {"type", "quantitative"}}}};
          // One mark each: their own one-row data, not the candidates'.
          layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                            {"mark", {{"type", "rule"}, {"strokeDash", {6, 4}}, {"color", "#333"}}},
                            {"encoding", encoding}});
          json text_encoding = encoding;
          text_encoding["text"] = {{"value", limit["label"]}};
          layers.push_back({{"data", {{"values", json::array({json::object()})}}},
                            {"mark",
                             {{"type", "text"},
                              {"align", vertical ? "left" : "right"},
                              {"baseline", "top"},
                              {"dx", vertical ? 4 : -4},
                              {"dy", 4},
                              {"color", "#333"},
                              {"fontSize", 11}}},
                            {"encoding", text_encoding}});
          if (vertical) {
            layers.back()["encoding"]["y"] = {{"value", 0}};
          } else {
            layers.back()["encoding"]["x"] = {{"value", "width"}};
          }
        }
        json spec = {
            {"title",
             {{"text", "Cost against " + TimeTitle(objective) +
                           (set.workloads.size() > 1 ? ", workload " + workload.name : "")},
              {"subtitle", std::to_string(by_number.size()) + " simulated candidates (" +
                               std::to_string(workload.feasible) + " feasible), " +
                               workload.method + ", " + set.path}}},
            {"width", 760},
            {"height", 380},
            {"data", {{"values", values}}},
            {"layer", layers}};
        Chart chart;
        chart.id = "explore-" + std::to_string(++number);
        chart.caption = "Space " + set.space + " on scenario " + set.scenario + ".";
        chart.spec = std::move(spec);
        section.charts.push_back(std::move(chart));
      }
      for (const auto& [label, candidate_number] :
           {std::pair<std::string, int>{"cheapest feasible", workload.cheapest},
            std::pair<std::string, int>{"fastest", workload.fastest}}) {
        auto it = by_number.find(candidate_number);
        if (it == by_number.end()) {
          table.rows.push_back({workload.name, label, "none", "", "", ""});
          continue;
        }
        table.rows.push_back({workload.name, label, std::to_string(candidate_number),
                              Figure(it->second->makespan_s), Figure(it->second->cost),
                              it->second->configuration});
      }
      for (const std::string& finding : workload.findings) {
        section.notes.push_back("Finding (" + workload.name + "): " + finding);
      }
    }
    section.tables.push_back(std::move(table));
  }
  return section;
}

}  // namespace twinprof::report
