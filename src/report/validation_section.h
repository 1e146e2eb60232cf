// The "Predicted against measured" section, from `twinprof validate` outputs: one scatter per
// predictor (a panel per metric, log axes, the y = x line and a ±10% band, points coloured by
// split: training, interpolation, extrapolation), the MAPE in the titles, and the MAPE table.
#pragma once

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

Section ValidationSection(const ReportData& data);

}  // namespace twinprof::report
