#include "report/runtime_section.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <tuple>

#include "report/chart_numbers.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

// A job that has a compute time to plot.
struct Point {
  const JobRecord* job;
  const char* source;
};

bool Plottable(const JobRecord& job) {
  return job.succeeded() && std::isfinite(job.compute_s()) && job.compute_s() > 0 && job.cpu > 0;
}

std::string NodeType(const JobRecord& job) {
  return job.node_type.empty() ? "(not recorded)" : job.node_type;
}

json StrokeDashScale() {
  return {{"domain", {"measured", "simulated", "model"}}, {"range", {{1, 0}, {6, 3}, {2, 2}}}};
}

json ShapeScale() {
  return {{"domain", {"measured", "simulated"}}, {"range", {"circle", "triangle-up"}}};
}

// The mean lines' dashes, explained in the caption. Their own field ("line", a copy of "src"):
// with the shapes' field, Vega-Lite would merge the two legends (and warn).
json StrokeDash() {
  return {
      {"field", "line"}, {"type", "nominal"}, {"scale", StrokeDashScale()}, {"legend", nullptr}};
}

}  // namespace

Section RuntimeSection(const ReportData& data, const RuntimeOptions& options) {
  Section section;
  section.id = "runtime";
  section.title = "Runtime against cores and input size";
  section.intro =
      "Compute time of each job (the user script alone, without wait, cold start and "
      "transfers), per component: against the cores its container had, coloured by node type, "
      "and against the size of its input. Points are jobs, lines join the mean at each cpu "
      "value; measured jobs are circles and solid lines, simulated jobs triangles and dashed "
      "lines.";

  // Group plottable jobs per (component, source).
  std::map<std::pair<std::string, std::string>, std::vector<Point>> groups;
  for (const RunTimeline& run : data.runs) {
    const char* source = run.measured ? "measured" : "simulated";
    for (const JobRecord& job : run.jobs) {
      if (Plottable(job)) groups[{job.component, source}].push_back({&job, source});
    }
  }
  if (groups.empty()) return section;

  json rows = json::array();
  int sampled_groups = 0;
  size_t drawn_points = 0, all_points = 0;
  std::set<std::string> components;
  bool any_input_variation = false;
  // Means over every job, per component, node type, source and cpu.
  std::map<std::tuple<std::string, std::string, std::string, double>, std::pair<double, int>> means;
  for (auto& [key, points] : groups) {
    components.insert(key.first);
    std::set<double> input_sizes;
    for (const Point& point : points) {
      auto& [sum, count] = means[{key.first, NodeType(*point.job), key.second, point.job->cpu}];
      sum += point.job->compute_s();
      ++count;
      if (point.job->input_bytes > 0) input_sizes.insert(point.job->input_bytes);
    }
    any_input_variation = any_input_variation || input_sizes.size() > 1;
    std::vector<size_t> chosen(points.size());
    std::iota(chosen.begin(), chosen.end(), size_t{0});
    all_points += points.size();
    if (points.size() > options.max_points) {
      std::mt19937_64 random(1);
      std::shuffle(chosen.begin(), chosen.end(), random);
      chosen.resize(options.max_points);
      std::sort(chosen.begin(), chosen.end());
      ++sampled_groups;
    }
    drawn_points += chosen.size();
    for (size_t i : chosen) {
      const JobRecord& job = *points[i].job;
      json row = {
          {"k", "job"},        {"c", job.component},         {"nt", NodeType(job)},
          {"src", key.second}, {"cpu", Rounded(job.cpu, 6)}, {"y", Rounded(job.compute_s(), 5)}};
      if (job.input_bytes > 0) row["mb"] = Rounded(job.input_bytes / 1e6, 5);
      rows.push_back(std::move(row));
    }
  }
  for (const auto& [key, sum_count] : means) {
    const auto& [component, node_type, source, cpu] = key;
    rows.push_back({{"k", "mean"},
                    {"c", component},
                    {"nt", node_type},
                    {"src", source},
                    {"line", source},
                    {"cpu", Rounded(cpu, 6)},
                    {"y", Rounded(sum_count.first / sum_count.second, 5)},
                    {"n", sum_count.second}});
  }
  if (sampled_groups > 0) {
    section.notes.push_back("Points are sampled: " + std::to_string(drawn_points) + " of " +
                            std::to_string(all_points) + " jobs are drawn (at most " +
                            std::to_string(options.max_points) +
                            " per component and source, chosen at random with a fixed seed); "
                            "the mean lines use every job.");
  }

  json cpu_values = json::array();
  {
    std::set<double> cpus;
    for (const auto& [key, sum_count] : means) cpus.insert(std::get<3>(key));
    for (double cpu : cpus) cpu_values.push_back(Rounded(cpu, 6));
  }
  int columns = std::min<int>(3, static_cast<int>(components.size()));
  int width = columns == 1 ? 520 : columns == 2 ? 440 : 300;
  json job_tooltip = {{{"field", "c"}, {"title", "component"}},
                      {{"field", "src"}, {"title", "source"}},
                      {{"field", "nt"}, {"title", "node type"}},
                      {{"field", "cpu"}, {"title", "cpu"}},
                      {{"field", "mb"}, {"title", "input (MB)"}, {"format", ".3f"}},
                      {{"field", "y"}, {"title", "compute (s)"}, {"format", ".3f"}}};
  json y_axis = {{"field", "y"},
                 {"type", "quantitative"},
                 {"scale", {{"type", "log"}}},
                 {"title", "compute time (s)"}};
  json cores = {
      {"title", "Compute time against cores, per component"},
      {"data", {{"values", rows}}},
      {"facet", {{"field", "c"}, {"type", "nominal"}, {"title", nullptr}}},
      {"columns", columns},
      {"spec",
       {{"width", width},
        {"height", 230},
        {"layer",
         {{{"transform", {{{"filter", "datum.k == 'job'"}}}},
           {"mark", {{"type", "point"}, {"filled", true}, {"size", 22}, {"opacity", 0.35}}},
           {"encoding",
            {{"x",
              {{"field", "cpu"},
               {"type", "quantitative"},
               {"scale", {{"type", "log"}, {"base", 2}, {"padding", 12}}},
               {"axis", {{"values", cpu_values}}},
               {"title", "cores (container cpu)"}}},
             {"y", y_axis},
             {"color", {{"field", "nt"}, {"type", "nominal"}, {"title", "node type"}}},
             {"shape",
              {{"field", "src"}, {"type", "nominal"}, {"scale", ShapeScale()}, {"title", "jobs"}}},
             {"tooltip", job_tooltip}}}},
          {{"transform", {{{"filter", "datum.k == 'mean'"}}}},
           {"mark", {{"type", "line"}, {"point", true}, {"strokeWidth", 2}}},
           {"encoding",
            {{"x", {{"field", "cpu"}, {"type", "quantitative"}}},
             {"y", {{"field", "y"}, {"type", "quantitative"}}},
             {"color", {{"field", "nt"}, {"type", "nominal"}, {"title", "node type"}}},
             {"strokeDash", StrokeDash()},
             {"detail", {{"field", "line"}}},
             {"tooltip",
              {{{"field", "c"}, {"title", "component"}},
               {{"field", "src"}, {"title", "mean of"}},
               {{"field", "nt"}, {"title", "node type"}},
               {{"field", "cpu"}, {"title", "cpu"}},
               {{"field", "y"}, {"title", "mean compute (s)"}, {"format", ".3f"}},
               {{"field", "n"}, {"title", "jobs"}}}}}}}}}}},
      {"resolve", {{"scale", {{"y", "independent"}, {"x", "independent"}}}}}};
  Chart cores_chart;
  cores_chart.id = "runtime-cores";
  cores_chart.caption =
      "Solid lines: mean of the measured jobs; dashed: of the simulated jobs. Both axes are "
      "logarithmic: perfect scaling with cores is a straight line of slope -1.";
  cores_chart.spec = std::move(cores);
  section.charts.push_back(std::move(cores_chart));

  if (any_input_variation) {
    json input = {
        {"title", "Compute time against input size, per component"},
        {"data", {{"values", rows}}},
        {"transform", {{{"filter", "datum.k == 'job' && datum.mb > 0"}}}},
        {"facet", {{"field", "c"}, {"type", "nominal"}, {"title", nullptr}}},
        {"columns", columns},
        {"spec",
         {{"width", width},
          {"height", 230},
          {"mark", {{"type", "point"}, {"filled", true}, {"size", 22}, {"opacity", 0.45}}},
          {"encoding",
           {{"x",
             {{"field", "mb"},
              {"type", "quantitative"},
              {"scale", {{"type", "log"}, {"padding", 12}}},
              {"title", "input size (MB)"}}},
            {"y", y_axis},
            {"color",
             {{"field", "cpu"},
              {"type", "ordinal"},
              {"scale", {{"scheme", "tableau10"}}},
              {"title", "cpu"}}},
            {"shape",
             {{"field", "src"}, {"type", "nominal"}, {"scale", ShapeScale()}, {"title", "jobs"}}},
            {"tooltip", job_tooltip}}}}},
        {"resolve", {{"scale", {{"y", "independent"}, {"x", "independent"}}}}}};
    Chart input_chart;
    input_chart.id = "runtime-input";
    input_chart.caption = "Logarithmic axes; colour: the container's cpu.";
    input_chart.spec = std::move(input);
    section.charts.push_back(std::move(input_chart));
  }
  return section;
}

}  // namespace twinprof::report
