#include "report/report.h"

#include <chrono>
#include <ctime>
#include <sstream>

#include "core/atomic_file.h"
#include "report/calibration_section.h"
#include "report/exploration_section.h"
#include "report/report_inputs.h"
#include "report/runs_section.h"
#include "report/validation_section.h"

namespace twinprof::report {

namespace {

std::string Megabytes(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MB", bytes / 1e6);
  return text;
}

std::string UtcNow() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

}  // namespace

HtmlPage BuildReportPage(const ReportData& data, const ReportOptions& options) {
  HtmlPage page(options.title);
  std::string made = "Made by twinprof report on " + UtcNow() + " from " +
                     std::to_string(data.inputs.size()) +
                     " input(s): " + std::to_string(data.MeasuredRuns()) + " measured run(s), " +
                     std::to_string(data.SimulatedRuns()) + " simulated run(s)";
  if (!data.validations.empty()) {
    made += ", " + std::to_string(data.validations.size()) + " validation(s)";
  }
  if (!data.calibrations.empty()) {
    made += ", " + std::to_string(data.calibrations.size()) + " calibration(s)";
  }
  if (!data.explorations.empty()) {
    made += ", " + std::to_string(data.explorations.size()) + " exploration(s)";
  }
  page.SetGeneratedBy(made + ".");
  HtmlTable inputs;
  inputs.header = {"input", "kind", "what it holds"};
  for (const InputDescription& input : data.inputs) {
    inputs.rows.push_back({input.path, input.kind, input.summary});
  }
  page.SetInputs(std::move(inputs));

  for (Section section : {RunsSection(data), TimelineSection(data, options.timeline),
                          RuntimeSection(data, options.runtime), ValidationSection(data),
                          CalibrationSection(data), ExplorationSection(data)}) {
    if (!section.charts.empty()) page.AddSection(std::move(section));
  }
  return page;
}

ReportSummary WriteReport(const ReportOptions& options) {
  ReportData data = LoadReportInputs(options.inputs);
  HtmlPage page = BuildReportPage(data, options);
  std::string html = page.Render();

  WriteFileAtomically(options.output, html);

  ReportSummary summary;
  summary.output = options.output;
  summary.bytes = html.size();
  for (const Section& section : page.sections()) {
    summary.sections.push_back(section.title);
    for (const std::string& note : section.notes) summary.notes.push_back(note);
  }
  summary.charts = page.ChartIds();
  summary.measured_runs = data.MeasuredRuns();
  summary.simulated_runs = data.SimulatedRuns();
  summary.validations = static_cast<int>(data.validations.size());
  return summary;
}

std::string ReportSummary::BriefReport() const {
  std::ostringstream out;
  out << output << ": " << sections.size() << " section(s), " << charts.size() << " chart(s), "
      << Megabytes(bytes) << " (" << measured_runs << " measured run(s), " << simulated_runs
      << " simulated run(s)";
  if (validations > 0) out << ", " << validations << " validation(s)";
  out << ")";
  if (!notes.empty()) out << "; data reduced, see the notes on the page";
  return out.str();
}

std::string ReportSummary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << "\n";
  for (const std::string& section : sections) out << "  section: " << section << "\n";
  for (const std::string& chart : charts) out << "  chart: " << chart << "\n";
  for (const std::string& note : notes) out << "  note: " << note << "\n";
  return out.str();
}

}  // namespace twinprof::report
