// Reads what the user gave `twinprof report`: any mix of
//   - a results folder of `twinprof profile` (it holds results.sqlite): measured runs;
//   - a simulate output folder (summary.json and jobs.csv; also `simulate --replay`): simulated
//     runs;
//   - a job record CSV file (`twinprof export --jobs`, a jobs.csv): runs, measured or simulated
//     as their `source` column says;
//   - a validate output folder (validate.json): predicted against measured;
//   - an explore output folder (candidates.csv and summary.json): the design space;
//   - a calibration file (YAML, `format: twinprof-calibration-1`): the fit.
// Measured job records are read with ReadJobRecords (profile/job_records_source.h), the one
// reader that calibrate and validate use too.
#pragma once

#include <string>
#include <vector>

#include "report/report_data.h"

namespace twinprof::report {

enum class InputKind { kResults, kSimulation, kJobCsv, kValidation, kExploration, kCalibration };

// What `path` is. Throws InputError naming the path when it is none of the known outputs (or
// does not exist).
InputKind DetectInput(const std::string& path);

// Reads every path, in order, into one ReportData. Throws InputError (exit 2) naming the path,
// and the file and line where there is one, for anything unreadable; nothing is half-read.
ReportData LoadReportInputs(const std::vector<std::string>& paths);

}  // namespace twinprof::report
