// `twinprof report DIR... [-o report.html] [--title TEXT] [--max-gantt-jobs N] [--max-points N]`
// Writes one self-contained HTML page (charts drawn offline by the inlined Vega-Lite) from any
// mix of profile results, simulate, validate and explore outputs, calibration files and job record
// CSV files
// (src/report/report.h; docs/report.md).

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "report/report.h"

namespace twinprof::cli {

void AddReportCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<report::ReportOptions>();
  CLI::App* command = app.add_subcommand(
      "report",
      "Write one self-contained HTML page of charts (Gantt, runtime, predicted vs measured, "
      "calibration, Pareto front) from twinprof's outputs");
  command
      ->add_option("inputs", options->inputs,
                   "Results folders (profile), simulate, validate or explore output folders, "
                   "calibration files, job record CSV files")
      ->required();
  command->add_option("-o,--output", options->output, "The HTML file to write")
      ->capture_default_str();
  command->add_option("--title", options->title, "The page's title")->capture_default_str();
  command
      ->add_option("--max-gantt-jobs", options->timeline.max_jobs_per_run,
                   "Jobs drawn per run in the Gantt chart (the phase chart counts all)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  command
      ->add_option("--max-points", options->runtime.max_points,
                   "Jobs drawn as points per component and source in the runtime charts")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  command->callback([options, &global] {
    report::ReportSummary summary = report::WriteReport(*options);
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
  });
}

}  // namespace twinprof::cli
