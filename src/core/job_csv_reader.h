// Reads job records from CSV: what JobCsvWriter writes (the simulator's jobs.csv,
// `twinprof export --jobs`), or a hand-made file with the same columns.
//
//   JobCsv csv = ReadJobCsv("sim/jobs.csv");
//   for (size_t i = 0; i < csv.records.size(); ++i) Use(csv.records[i], csv.Where(i));
//
// The file is RFC 4180 CSV (quoted fields may hold commas, quotes as "" and line breaks; CRLF or
// LF line ends). The header names the columns; their order does not matter. Every column of
// JobColumns() that is not derived must be there (but a column added later, such as
// throttled_fraction, may be absent: files written before it read as not measured); the derived
// durations (wait_s ... total_s) may be left out, and where present must equal what the timestamps
// give. Every other column is a configuration parameter (`mode`, `grayify.cpu`, ...), kept in
// header order; an empty parameter cell means the record lacks it. Cells: integers in decimal;
// reals finite, and empty only where the column may be missing (input_bytes, output_bytes,
// cpu_time_s, throttled_fraction, peak_memory_mb: NaN in the record); `run_id`, `component` and
// `job_id` non-empty; `status` succeeded or failed. Blank lines are skipped. A header without data
// rows gives no records.
//
// Errors: InputError naming FILE:LINE:COLUMN (the column of the cell, counted in characters) and
// the column's name: a missing or repeated column, a row with the wrong number of fields, an
// unterminated quote, a cell that is not of the column's type, NaN or infinity, an empty required
// cell, a duration that disagrees with its timestamps; and a file that cannot be read or is not
// text.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/job_record.h"

namespace twinprof {

struct JobCsv {
  std::string path;
  // The parameter columns, in header order.
  std::vector<std::string> parameter_names;
  std::vector<JobRecord> records;
  // The line each record starts on (1-based).
  std::vector<int> lines;

  // FILE:LINE of record `i`, for messages about it.
  SourceLocation Where(size_t i) const { return SourceLocation{path, lines.at(i)}; }
};

// Reads the file at `path`.
JobCsv ReadJobCsv(const std::string& path);
// Parses `text`; `path` names it in errors.
JobCsv ParseJobCsv(const std::string& text, const std::string& path);

}  // namespace twinprof
