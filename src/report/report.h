// `twinprof report`: one self-contained HTML page from any mix of twinprof outputs.
//
//   ReportOptions options;
//   options.inputs = {"results/", "sim-out/"};
//   options.output = "report.html";
//   ReportSummary summary = WriteReport(options);   // InputError for bad input: nothing written
//   std::cout << summary.BriefReport() << "\n";
//
// Sections, each present only when its data was given (report_inputs.h says what is read):
//   Runs                       measured and simulated runs' makespans (runs_section.h)
//   Timeline of a run          Gantt charts, measured beside simulated (timeline_section.h)
//   Runtime                    compute time against cores and input size (runtime_section.h)
//   Predicted against measured validate outputs (validation_section.h)
//   Calibration                calibration files (calibration_section.h)
//   Design space               explore outputs (exploration_section.h)
// The page inlines Vega, Vega-Lite and vega-embed (embedded_scripts.h) and loads nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/html_page.h"
#include "report/report_data.h"
#include "report/runtime_section.h"
#include "report/timeline_section.h"

namespace twinprof::report {

struct ReportOptions {
  std::vector<std::string> inputs;  // paths, in the order shown on the page
  std::string output = "report.html";
  std::string title = "twinprof report";
  TimelineOptions timeline;
  RuntimeOptions runtime;
};

struct ReportSummary {
  std::string output;
  size_t bytes = 0;                   // size of the page written
  std::vector<std::string> sections;  // titles, in page order
  std::vector<std::string> charts;    // chart ids, in page order
  std::vector<std::string> notes;     // how data was reduced (also on the page)
  int measured_runs = 0, simulated_runs = 0, validations = 0;

  // "report.html: 3 sections, 4 charts, 1.2 MB (6 measured runs, 3 simulated runs)"
  std::string BriefReport() const;
  // The brief report, then each section with its charts and notes.
  std::string FullReport() const;
};

// The page for `data` (no file is read or written).
HtmlPage BuildReportPage(const ReportData& data, const ReportOptions& options);

// Reads options.inputs, builds the page and writes it to options.output (through a temporary
// file renamed into place, so a failure never leaves half a page). Throws InputError for bad
// input, and at options.output when the file cannot be written.
ReportSummary WriteReport(const ReportOptions& options);

}  // namespace twinprof::report
