// The "Calibration" section, from calibration files: each fitted parameter with its standard
// error (as a percentage of its value; parameters the data could not identify are marked and
// say why), the fit's error per component and phase, and the table of parameters.
#pragma once

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

Section CalibrationSection(const ReportData& data);

}  // namespace twinprof::report
