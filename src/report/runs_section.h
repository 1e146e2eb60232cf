// The "Runs" section: the makespan of every run, measured and simulated, one row per
// configuration (ShortConfigurationLabels: repetitions and the simulated run of a configuration
// sit on one line), and a table of the runs.
#pragma once

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

Section RunsSection(const ReportData& data);

}  // namespace twinprof::report
