// Reads a `twinprof explore` output folder (candidates.csv and summary.json; docs/formats.md,
// "Explore outputs") into ReportData::explorations.
#pragma once

#include <string>

#include "report/report_data.h"

namespace twinprof::report {

// Throws InputError naming the file (and line, for candidates.csv) and the field.
void LoadExploration(const std::string& folder, ReportData* data);

}  // namespace twinprof::report
