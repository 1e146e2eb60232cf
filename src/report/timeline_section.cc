#include "report/timeline_section.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "report/chart_colors.h"
#include "report/chart_numbers.h"
#include "report/timeline_layout.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

constexpr int kChartWidth = 900;
const char* kTimeTitle = "time since the run's start (s)";

std::string Seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.2f" : "%.1f", value);
  return text;
}

json TimeAxis() { return {{"tickCount", 12}, {"labelOverlap", true}}; }

// A Vega expression for `strings[index_expression]` (a literal array indexed at view time).
std::string IndexedStringExpression(const std::vector<std::string>& strings,
                                    const std::string& index_expression) {
  json array = strings;
  return array.dump() + "[" + index_expression + "]";
}

// The jobs drawn for one run, and why not all of them.
struct DrawnRun {
  std::vector<size_t> jobs;
  double cutoff = 0;  // +inf when every job is drawn
  int lanes = 0;
};

// The Vega expression for the run of one side (measured or simulated) in the chosen pair.
std::string RunOfPair(const std::vector<int>& run_of_pair) {
  json indices = run_of_pair;
  return indices.dump() + "[pair]";
}

// The Gantt view of one side: bars of the drawn jobs, and a dashed rule where a cut run's drawing
// stops. Its x domain is `domain_end`, an expression giving [0, the later end of the pair's drawn
// jobs]: explicit, so that a side without a run (no data) draws empty axes without a warning.
json GanttView(const std::vector<int>& run_of_pair, const std::vector<std::string>& titles,
               int lane_step, bool zoom, const std::string& domain_end) {
  const std::string run = RunOfPair(run_of_pair);
  json phase_of_field =
      "datum.k == 'p' ? 'cold start' : datum.k == 'cs' ? 'download' : "
      "datum.k == 'es' ? 'compute' : 'upload'";
  json end_of_field =
      "datum.k == 'p' ? datum.cs : datum.k == 'cs' ? datum.es : datum.k == 'es' ? datum.ee : "
      "datum.f";
  json bars = {
      {"data", {{"name", "jobs"}}},
      {"transform",
       {{{"filter", "datum.r == " + run}},
        {{"fold", {"p", "cs", "es", "ee"}}, {"as", {"k", "a"}}},
        {{"calculate", end_of_field}, {"as", "b"}},
        {{"calculate", phase_of_field}, {"as", "phase"}},
        {{"calculate", "datum.b - datum.a"}, {"as", "seconds"}},
        {{"filter", "datum.b > datum.a"}}}},
      {"mark", {{"type", "bar"}, {"tooltip", true}}},
      {"encoding",
       {{"y",
         {{"field", "l"},
          {"type", "nominal"},
          {"sort", {{"field", "o"}, {"op", "min"}, {"order", "ascending"}}},
          {"scale", {{"paddingInner", 0.2}}},
          {"axis", {{"title", "node · slot"}, {"labelFontSize", 9}, {"labelLimit", 160}}}}},
        {"x",
         {{"field", "a"},
          {"type", "quantitative"},
          {"title", kTimeTitle},
          {"scale", {{"domain", {{"expr", domain_end}}}}},
          {"axis", TimeAxis()}}},
        {"x2", {{"field", "b"}}},
        {"color",
         {{"field", "phase"},
          {"type", "nominal"},
          {"scale", PhaseColorScale()},
          {"title", "phase"}}},
        {"stroke",
         {{"condition", {{"test", "datum.ok == 0"}, {"value", "#c00000"}}}, {"value", nullptr}}},
        {"strokeWidth", {{"value", 1.5}}},
        {"tooltip",
         {{{"field", "c"}, {"title", "component"}},
          {{"field", "j"}, {"title", "job"}},
          {{"field", "n"}, {"title", "node"}},
          {{"field", "phase"}, {"title", "phase"}},
          {{"field", "a"}, {"title", "from (s)"}, {"format", ".3f"}},
          {{"field", "seconds"}, {"title", "seconds"}, {"format", ".3f"}},
          {{"field", "w"}, {"title", "waited before (s)"}, {"format", ".3f"}},
          {{"field", "st"}, {"title", "status"}}}}}}};
  if (zoom) {
    bars["params"] = {{{"name", "zoom"},
                       {"select", {{"type", "interval"}, {"encodings", {"x"}}}},
                       {"bind", "scales"}}};
  }
  json cut = {{"data", {{"name", "cuts"}}},
              {"transform", {{{"filter", "datum.r == " + run}}}},
              {"mark", {{"type", "rule"}, {"color", "#222"}, {"strokeDash", {4, 3}}}},
              {"encoding",
               {{"x", {{"field", "t"}, {"type", "quantitative"}}},
                {"tooltip", {{{"field", "note"}, {"title", "drawing stops"}}}}}}};
  return {{"title", {{"text", {{"expr", IndexedStringExpression(titles, "pair")}}}}},
          {"width", kChartWidth},
          {"height", {{"step", lane_step}}},
          {"layer", {bars, cut}}};
}

// The phase view of one side: how many jobs are in each phase over the whole run; `x_domain` and
// `y_domain` are expressions for the pair's [0, end] and [0, most jobs at once].
json PhaseView(const std::vector<int>& run_of_pair, const std::vector<std::string>& titles,
               const std::string& x_domain, const std::string& y_domain) {
  return {{"title", {{"text", {{"expr", IndexedStringExpression(titles, "pair")}}}}},
          {"width", kChartWidth},
          {"height", 100},
          {"data", {{"name", "phases"}}},
          {"transform",
           {{{"filter", "datum.r == " + RunOfPair(run_of_pair)}},
            {{"calculate", IndexedStringExpression(
                               {"wait", "cold start", "download", "compute", "upload"}, "datum.q")},
             {"as", "phase"}}}},
          {"mark", {{"type", "area"}, {"interpolate", "step-after"}}},
          {"encoding",
           {{"x",
             {{"field", "t"},
              {"type", "quantitative"},
              {"title", kTimeTitle},
              {"scale", {{"domain", {{"expr", x_domain}}}}},
              {"axis", TimeAxis()}}},
            {"y",
             {{"field", "v"},
              {"type", "quantitative"},
              {"stack", "zero"},
              {"scale", {{"domain", {{"expr", y_domain}}}}},
              {"title", "jobs"}}},
            {"color",
             {{"field", "phase"},
              {"type", "nominal"},
              {"scale", PhaseColorScale()},
              {"title", "phase"}}},
            {"order", {{"field", "q"}, {"type", "quantitative"}, {"sort", "descending"}}},
            {"tooltip",
             {{{"field", "phase"}, {"title", "phase"}},
              {{"field", "t"}, {"title", "from (s)"}, {"format", ".2f"}},
              {{"field", "v"}, {"title", "jobs (average)"}, {"format", ".2f"}}}}}}};
}

}  // namespace

Section TimelineSection(const ReportData& data, const TimelineOptions& options) {
  Section section;
  section.id = "timeline";
  section.title = "Timeline of a run";
  section.intro =
      "Pick a run in the list: its Gantt chart, one bar per job in lanes per node (a node runs "
      "several jobs at once, each in the first free slot), split into the phases the job spends "
      "on the node; failed jobs are outlined in red. The simulated run of the same "
      "configuration is drawn right below it, on the same time axis. Under both, the number of "
      "jobs in each phase over the whole run, including the wait for a slot or a node. Drag or "
      "scroll on the Gantt charts to zoom in time (double-click to reset).";
  if (data.runs.empty()) return section;

  std::vector<std::pair<int, int>> pairs = PairRuns(data);
  size_t budget = std::min(
      options.max_jobs_per_run,
      std::max<size_t>(200, options.max_jobs_total / std::max<size_t>(1, data.runs.size())));

  json jobs = json::array();
  json phases = json::array();
  json cuts = json::array();
  std::vector<DrawnRun> drawn(data.runs.size());
  std::vector<double> drawn_end(data.runs.size(), 0);
  std::vector<double> run_end(data.runs.size(), 0), most_jobs(data.runs.size(), 0);
  int cut_runs = 0;
  std::string first_cut;
  for (size_t r = 0; r < data.runs.size(); ++r) {
    const RunTimeline& run = data.runs[r];
    DrawnRun& d = drawn[r];
    d.jobs = SelectGanttJobs(run.jobs, budget, &d.cutoff);
    std::vector<JobRecord> subset;
    subset.reserve(d.jobs.size());
    for (size_t i : d.jobs) subset.push_back(run.jobs[i]);
    LaneLayout lanes = LayOutLanes(subset);
    d.lanes = static_cast<int>(lanes.lane_names.size());
    for (size_t k = 0; k < subset.size(); ++k) {
      const JobRecord& job = subset[k];
      int lane = lanes.lane_of_job[k];
      if (std::isfinite(job.t_finish)) drawn_end[r] = std::max(drawn_end[r], job.t_finish);
      jobs.push_back(
          {{"r", r},
           {"l", lanes.lane_names[lane]},
           {"o", lane},
           {"c", job.component},
           {"j", job.job_id},
           {"n", job.node},
           {"w", RoundedTo(job.wait_s(), 1e-3)},
           {"p", RoundedTo(job.t_pod_start, 1e-3)},
           {"cs", RoundedTo(job.t_container_start, 1e-3)},
           {"es", RoundedTo(job.t_exec_start, 1e-3)},
           {"ee", RoundedTo(job.t_exec_end, 1e-3)},
           {"f", RoundedTo(job.t_finish, 1e-3)},
           {"ok", job.succeeded() ? 1 : 0},
           {"st", job.succeeded() ? job.status : job.status + ": " + job.failure_reason}});
    }
    if (d.jobs.size() < run.jobs.size()) {
      ++cut_runs;
      cuts.push_back(
          {{"r", r},
           {"t", RoundedTo(d.cutoff, 1e-3)},
           {"note", "jobs that got a node after " + Seconds(d.cutoff) + " s are not drawn"}});
      if (first_cut.empty()) {
        first_cut = run.ShortLabel() + " draws its first " + std::to_string(d.jobs.size()) +
                    " of " + std::to_string(run.jobs.size()) + " jobs (those that got a node by " +
                    Seconds(d.cutoff) + " s of " + Seconds(run.makespan_s) + " s)";
      }
    }
    double end = 0;
    for (const JobRecord& job : run.jobs) {
      if (std::isfinite(job.t_finish)) end = std::max(end, job.t_finish);
    }
    run_end[r] = end;
    PhaseOccupancy occupancy = ComputePhaseOccupancy(run.jobs, options.occupancy_bins, end);
    for (const auto& bin : occupancy.jobs_in_phase) {
      double total = 0;
      for (double value : bin) total += value;
      most_jobs[r] = std::max(most_jobs[r], total);
    }
    for (size_t b = 0; b <= occupancy.jobs_in_phase.size() && !occupancy.jobs_in_phase.empty();
         ++b) {
      // The last point repeats the last bin at the run's end, so the steps reach it.
      const auto& values = occupancy.jobs_in_phase[std::min(b, occupancy.jobs_in_phase.size() - 1)];
      double t = b * occupancy.bin_width;
      for (int q = 0; q < kPhaseCount; ++q) {
        phases.push_back(
            {{"r", r}, {"t", Rounded(t, 5)}, {"q", q}, {"v", RoundedTo(values[q], 1e-3)}});
      }
    }
  }
  if (cut_runs > 0) {
    section.notes.push_back(
        "Large runs are cut for the Gantt chart: it draws at most " + std::to_string(budget) +
        " jobs per run, the first by the time they got a node, so its beginning is complete (a "
        "dashed line marks where drawing stops). " +
        std::to_string(cut_runs) + " run(s) exceed that; e.g. " + first_cut +
        ". The phase charts count every job of the run (averaged over " +
        std::to_string(options.occupancy_bins) + " time bins).");
  }

  std::vector<std::string> labels = ShortConfigurationLabels(data);
  auto describe = [&](int run) {
    const RunTimeline& timeline = data.runs[run];
    return timeline.ShortLabel() + (labels[run].empty() ? "" : " · " + labels[run]);
  };
  bool any_measured = false, any_simulated = false;
  std::vector<int> measured_of_pair, simulated_of_pair;
  std::vector<std::string> option_labels, gantt_titles[2], phase_titles[2];
  json gantt_domains = json::array(), time_domains = json::array(), jobs_domains = json::array();
  int lanes[2] = {1, 1};
  for (const auto& [m, s] : pairs) {
    measured_of_pair.push_back(m);
    simulated_of_pair.push_back(s);
    any_measured = any_measured || m >= 0;
    any_simulated = any_simulated || s >= 0;
    double end = 0, whole_end = 0, top = 0;
    int side = 0;
    for (int run : {m, s}) {
      const char* kind = side == 0 ? "Measured" : "Simulated";
      if (run < 0) {
        gantt_titles[side].push_back(std::string(kind) + ": no run of this configuration");
        phase_titles[side].push_back(std::string(kind) + ": no run of this configuration");
      } else {
        const RunTimeline& timeline = data.runs[run];
        std::string title = std::string(kind) + ": " + describe(run) + " · makespan " +
                            Seconds(timeline.makespan_s) + " s";
        if (drawn[run].jobs.size() < timeline.jobs.size()) {
          title += " · first " + std::to_string(drawn[run].jobs.size()) + " of " +
                   std::to_string(timeline.jobs.size()) + " jobs drawn";
        }
        gantt_titles[side].push_back(title);
        phase_titles[side].push_back(std::string(kind) + ": jobs in each phase, all " +
                                     std::to_string(timeline.jobs.size()) + " jobs of " +
                                     timeline.ShortLabel());
        lanes[side] = std::max(lanes[side], drawn[run].lanes);
        end = std::max(end, drawn_end[run]);
        whole_end = std::max(whole_end, run_end[run]);
        top = std::max(top, most_jobs[run]);
      }
      ++side;
    }
    // Ends rounded up, so that no bar or step falls outside its domain.
    auto up = [](double value) { return std::ceil(std::max(value, 1e-3) * 1000) / 1000; };
    gantt_domains.push_back({0, up(end)});
    time_domains.push_back({0, up(whole_end)});
    jobs_domains.push_back({0, std::max(1.0, std::ceil(top * 1.05 * 10) / 10)});
    std::string label = m >= 0 ? describe(m) : describe(s);
    if (m >= 0 && s >= 0) label += "  ↔  simulated " + data.runs[s].ShortLabel();
    option_labels.push_back(label);
  }
  // Lanes of about 12 px; many lanes get thinner so a chart stays under ~560 px.
  auto step = [](int count) { return std::clamp(560 / std::max(1, count), 3, 14); };
  const std::string gantt_domain = gantt_domains.dump() + "[pair]";
  const std::string time_domain = time_domains.dump() + "[pair]";
  const std::string jobs_domain = jobs_domains.dump() + "[pair]";

  json gantts = json::array(), phase_views = json::array();
  if (any_measured) {
    gantts.push_back(
        GanttView(measured_of_pair, gantt_titles[0], step(lanes[0]), true, gantt_domain));
    phase_views.push_back(PhaseView(measured_of_pair, phase_titles[0], time_domain, jobs_domain));
  }
  if (any_simulated) {
    gantts.push_back(
        GanttView(simulated_of_pair, gantt_titles[1], step(lanes[1]), !any_measured, gantt_domain));
    phase_views.push_back(PhaseView(simulated_of_pair, phase_titles[1], time_domain, jobs_domain));
  }
  json options_json = json::array();
  for (size_t i = 0; i < pairs.size(); ++i) options_json.push_back(i);
  json spec = {{"params",
                {{{"name", "pair"},
                  {"value", 0},
                  {"bind",
                   {{"input", "select"},
                    {"options", options_json},
                    {"labels", option_labels},
                    {"name", "Run  "}}}}}},
               {"datasets", {{"jobs", jobs}, {"phases", phases}, {"cuts", cuts}}},
               // The Gantt charts share their time axis (and a zoom); so do the phase charts, which
               // always show whole runs, and their job counts.
               {"vconcat",
                {{{"vconcat", gantts},
                  {"spacing", 16},
                  {"resolve", {{"scale", {{"x", "shared"}, {"y", "independent"}}}}}},
                 {{"vconcat", phase_views},
                  {"spacing", 16},
                  {"resolve", {{"scale", {{"x", "shared"}, {"y", "shared"}}}}}}}},
               {"spacing", 26},
               {"resolve", {{"scale", {{"x", "independent"}, {"color", "shared"}}}}}};
  Chart chart;
  chart.id = "timeline";
  chart.caption =
      "Colours: wait (grey), cold start (orange), download (blue), compute (green), upload "
      "(light blue). Hover a bar for the job, its node and the phase's duration.";
  chart.spec = std::move(spec);
  section.charts.push_back(std::move(chart));
  return section;
}

}  // namespace twinprof::report
