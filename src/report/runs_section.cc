#include "report/runs_section.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "core/job_record.h"
#include "report/chart_colors.h"
#include "report/chart_numbers.h"
#include "report/timeline_layout.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string Significant(double value) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

// Whether the makespans span more than a factor of 20 (a local campaign of seconds beside a
// simulated platform of minutes): on a linear axis the short runs would all sit at its left end.
// Only when every makespan is positive (a log axis has no 0).
bool LogScale(const std::vector<RunTimeline>& runs) {
  double shortest = 0, longest = 0;
  for (const RunTimeline& run : runs) {
    if (run.makespan_s <= 0) return false;
    shortest = shortest == 0 ? run.makespan_s : std::min(shortest, run.makespan_s);
    longest = std::max(longest, run.makespan_s);
  }
  return shortest > 0 && longest > 20 * shortest;
}

}  // namespace

Section RunsSection(const ReportData& data) {
  Section section;
  section.id = "runs";
  section.title = "Runs";
  section.intro =
      "The makespan (first submission to last finish) of every run, one row per configuration: "
      "repetitions of a measured configuration and the simulated runs of the same configuration "
      "sit on the same row.";
  if (data.runs.empty()) return section;

  json values = json::array();
  std::set<std::string> configurations;
  std::vector<std::string> labels = ShortConfigurationLabels(data);
  for (size_t i = 0; i < data.runs.size(); ++i) {
    const RunTimeline& run = data.runs[i];
    const std::string configuration = labels[i].empty() ? run.name : labels[i];
    configurations.insert(configuration);
    values.push_back({{"configuration", configuration},
                      {"source", run.SourceName()},
                      {"run", run.ShortLabel()},
                      {"makespan", Rounded(run.makespan_s, 5)},
                      {"jobs", run.jobs.size()}});
  }
  std::vector<std::string> order(configurations.begin(), configurations.end());
  std::sort(order.begin(), order.end(), NaturalLess);
  int rows = static_cast<int>(order.size());
  const bool log_axis = LogScale(data.runs);
  json spec = {
      {"title", "Makespan of each run"},
      {"width", 640},
      {"height", {{"step", rows > 40 ? 12 : 22}}},
      {"data", {{"values", values}}},
      // Outlined marks, the simulated square larger than the measured circle: a simulated run
      // sits on its measured twin's row, often at nearly the same makespan, and filled
      // marks hid one under the other.
      {"mark", {{"type", "point"}, {"filled", false}, {"strokeWidth", 2}, {"opacity", 0.9}}},
      {"encoding",
       {{"y",
         {{"field", "configuration"},
          {"type", "nominal"},
          {"sort", order},
          {"title", nullptr},
          {"axis", {{"labelLimit", 360}}}}},
        {"x",
         {{"field", "makespan"},
          {"type", "quantitative"},
          {"title", log_axis ? "makespan (s, logarithmic)" : "makespan (s)"},
          {"scale", log_axis ? json{{"type", "log"}} : json{{"zero", true}}}}},
        {"color",
         {{"field", "source"},
          {"type", "nominal"},
          {"scale", SourceColorScale()},
          {"legend", {{"orient", "top"}, {"title", nullptr}}}}},
        {"shape", {{"field", "source"}, {"type", "nominal"}}},
        {"size",
         {{"condition", {{"test", "datum.source === 'simulated'"}, {"value", 150}}},
          {"value", 50}}},
        {"tooltip",
         {{{"field", "run"}},
          {{"field", "configuration"}},
          {{"field", "makespan"}, {"title", "makespan (s)"}, {"format", ".2f"}},
          {{"field", "jobs"}}}}}}};
  Chart chart;
  chart.id = "runs-makespan";
  chart.caption =
      "Blue circles: measured runs; red squares: simulated runs. Hover a point for the run.";
  chart.spec = std::move(spec);
  section.charts.push_back(std::move(chart));

  HtmlTable table;
  table.caption = "Every run";
  table.header = {"source", "run", "configuration", "jobs", "failed", "makespan (s)", "cost"};
  for (const RunTimeline& run : data.runs) {
    int failed = 0;
    for (const JobRecord& job : run.jobs) failed += job.succeeded() ? 0 : 1;
    table.rows.push_back({run.SourceName(), run.ShortLabel(), run.ConfigurationLabel(),
                          std::to_string(run.jobs.size()), std::to_string(failed),
                          Fixed(run.makespan_s, 2), run.cost >= 0 ? Significant(run.cost) : ""});
  }
  table.collapsed = table.rows.size() > 12;
  section.tables.push_back(std::move(table));
  return section;
}

}  // namespace twinprof::report
