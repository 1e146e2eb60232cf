// Reads a calibration file (docs/formats.md, "Calibration file") into ReportData::calibrations.
#pragma once

#include <string>

#include "report/report_data.h"

namespace twinprof::report {

// True when `path` is a YAML file whose `format` is twinprof-calibration-1 (false for anything
// else, including unreadable YAML: the caller then says the path is not a known output).
bool IsCalibrationFile(const std::string& path);

// Throws InputError at FILE:LINE:COL for a malformed `fit:` section.
void LoadCalibration(const std::string& path, ReportData* data);

}  // namespace twinprof::report
