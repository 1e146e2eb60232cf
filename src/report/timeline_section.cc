#include "report/timeline_section.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "report/chart_style.h"
#include "report/timeline_layout.h"

namespace twinprof::report {

namespace {

using nlohmann::json;

constexpr int kChartWidth = 980;
const char* kTimeTitle = "time since the run's start (s)";

std::string Seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.2f" : "%.1f", value);
  return text;
}

json TimeAxis() { return {{"tickCount", 12}, {"labelOverlap", true}}; }

// The jobs drawn for one run, and why not all of them.
struct DrawnRun {
  std::vector<size_t> jobs;
  double cutoff = 0;  // +inf when every job is drawn
  int lanes = 0;
};

// One side of the comparison (measured or simulated): its Gantt view and phase view.
json SideViews(const std::string& side, const std::vector<int>& run_of_pair,
               const std::vector<std::string>& titles, int lane_step, bool zoom) {
  std::vector<std::string> run_indices;
  json indices = json::array();
  for (int run : run_of_pair) indices.push_back(run);
  std::string run_expression = indices.dump() + "[pair]";

  json phase_of_field =
      "datum.k == 'p' ? 'cold start' : datum.k == 'cs' ? 'download' : "
      "datum.k == 'es' ? 'compute' : 'upload'";
  json end_of_field =
      "datum.k == 'p' ? datum.cs : datum.k == 'cs' ? datum.es : datum.k == 'es' ? datum.ee : "
      "datum.f";
  json gantt = {
      {"name", side + "_gantt"},
      {"title", {{"text", {{"expr", IndexedStringExpression(titles, "pair")}}}}},
      {"width", kChartWidth},
      {"height", {{"step", lane_step}}},
      {"data", {{"name", "jobs"}}},
      {"transform",
       {{{"filter", "datum.r == " + run_expression}},
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
         {{"field", "a"}, {"type", "quantitative"}, {"title", kTimeTitle}, {"axis", TimeAxis()}}},
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
    gantt["params"] = {{{"name", "zoom"},
                        {"select", {{"type", "interval"}, {"encodings", {"x"}}}},
                        {"bind", "scales"}}};
  }
  json phases = {
      {"name", side + "_phases"},
      {"width", kChartWidth},
      {"height", 110},
      {"data", {{"name", "phases"}}},
      {"transform",
       {{{"filter", "datum.r == " + run_expression}},
        {{"calculate", IndexedStringExpression(
                           {"wait", "cold start", "download", "compute", "upload"}, "datum.q")},
         {"as", "phase"}}}},
      {"mark", {{"type", "area"}, {"interpolate", "step-after"}}},
      {"encoding",
       {{"x",
         {{"field", "t"}, {"type", "quantitative"}, {"title", kTimeTitle}, {"axis", TimeAxis()}}},
        {"y", {{"field", "v"}, {"type", "quantitative"}, {"stack", "zero"}, {"title", "jobs"}}},
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
  return json::array({gantt, phases});
}

}  // namespace

Section TimelineSection(const ReportData& data, const TimelineOptions& options) {
  Section section;
  section.id = "timeline";
  section.title = "Timeline of a run";
  section.intro =
      "One bar per job, in lanes per node (a node runs several jobs at once: each gets the first "
      "free slot), split into the phases it spends on the node; failed jobs are outlined in red. "
      "Below each Gantt chart, the number of jobs in each phase over time, including the wait "
      "for a slot or a node. Measured and simulated runs of the same configuration share the "
      "time axis; pick a run in the list. Drag or scroll on the upper chart to zoom in time.";
  if (data.runs.empty()) return section;

  std::vector<std::pair<int, int>> pairs = PairRuns(data);
  size_t budget = std::min(
      options.max_jobs_per_run,
      std::max<size_t>(200, options.max_jobs_total / std::max<size_t>(1, data.runs.size())));

  json jobs = json::array();
  json phases = json::array();
  std::vector<DrawnRun> drawn(data.runs.size());
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
    PhaseOccupancy occupancy = ComputePhaseOccupancy(run.jobs, options.occupancy_bins, end);
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
        " jobs per run, the first by the time they got a node, so its beginning is complete. " +
        std::to_string(cut_runs) + " run(s) exceed that; e.g. " + first_cut +
        ". The phase chart under each Gantt chart counts every job of the run (averaged over " +
        std::to_string(options.occupancy_bins) + " time bins).");
  }

  bool any_measured = false, any_simulated = false;
  std::vector<int> measured_of_pair, simulated_of_pair;
  std::vector<std::string> option_labels, measured_titles, simulated_titles;
  int measured_lanes = 1, simulated_lanes = 1;
  std::vector<std::string> labels = ShortConfigurationLabels(data);
  auto title = [&](int run) {
    const RunTimeline& timeline = data.runs[run];
    std::string text = (timeline.measured ? "Measured: " : "Simulated: ") + timeline.ShortLabel() +
                       " · " + labels[run] + " · makespan " + Seconds(timeline.makespan_s) + " s";
    if (drawn[run].jobs.size() < timeline.jobs.size()) {
      text += " · first " + std::to_string(drawn[run].jobs.size()) + " of " +
              std::to_string(timeline.jobs.size()) + " jobs drawn";
    }
    return text;
  };
  for (const auto& [m, s] : pairs) {
    measured_of_pair.push_back(m);
    simulated_of_pair.push_back(s);
    any_measured = any_measured || m >= 0;
    any_simulated = any_simulated || s >= 0;
    if (m >= 0) measured_lanes = std::max(measured_lanes, drawn[m].lanes);
    if (s >= 0) simulated_lanes = std::max(simulated_lanes, drawn[s].lanes);
    measured_titles.push_back(m >= 0 ? title(m) : "Measured: no run of this configuration");
    simulated_titles.push_back(s >= 0 ? title(s)
                                      : "Simulated: no simulated run of this configuration");
    std::string label = m >= 0 ? data.runs[m].ShortLabel() + " · " + labels[m]
                               : data.runs[s].ShortLabel() + " · " + labels[s];
    if (m >= 0 && s >= 0) label += "  ↔  simulated " + data.runs[s].ShortLabel();
    option_labels.push_back(label);
  }
  // Lanes of about 12 px; many lanes get thinner so a chart stays under ~560 px.
  auto step = [](int lanes) { return std::clamp(560 / std::max(1, lanes), 3, 14); };

  json options_json = json::array();
  for (size_t i = 0; i < pairs.size(); ++i) options_json.push_back(i);
  json views = json::array();
  if (any_measured) {
    for (json& view :
         SideViews("measured", measured_of_pair, measured_titles, step(measured_lanes), true)) {
      views.push_back(view);
    }
  }
  if (any_simulated) {
    for (json& view : SideViews("simulated", simulated_of_pair, simulated_titles,
                                step(simulated_lanes), !any_measured)) {
      views.push_back(view);
    }
  }
  json spec = {{"params",
                {{{"name", "pair"},
                  {"value", 0},
                  {"bind",
                   {{"input", "select"},
                    {"options", options_json},
                    {"labels", option_labels},
                    {"name", "Run  "}}}}}},
               {"datasets", {{"jobs", jobs}, {"phases", phases}}},
               {"vconcat", views},
               {"spacing", 18},
               {"resolve", {{"scale", {{"x", "shared"}, {"y", "independent"}}}}}};
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
