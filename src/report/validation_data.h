// Reads a `twinprof validate` output folder (OUT/validate.json; docs/formats.md, "Validation")
// into ReportData::validations.
#pragma once

#include <string>

#include "report/report_data.h"

namespace twinprof::report {

// Throws InputError naming validate.json and the field for a malformed file.
void LoadValidation(const std::string& folder, ReportData* data);

}  // namespace twinprof::report
