// A CSV file as typed columns, each row remembering its line so that errors can point at it.
//
// The first line names the columns (unique, non-empty). Fields are separated by commas and may be
// quoted ("a, b" with "" for a quote). A column is numeric when every non-empty field parses as a
// number; an empty field in a numeric column is NaN (the preparation's NaN check then names its
// line). Other columns are strings (model/data/feature_plan.h one-hot encodes them).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace twinprof {

struct CsvColumn {
  std::string name;
  bool numeric = true;
  std::vector<double> numbers;       // when numeric
  std::vector<std::string> strings;  // when not numeric
};

struct CsvTable {
  std::string path;
  std::vector<CsvColumn> columns;
  std::vector<int> lines;  // the file line of each row

  size_t rows() const { return lines.size(); }
  // Index of the column called `name`, or -1.
  int Find(const std::string& name) const;
  // The location of row `row` (file and line).
  SourceLocation RowWhere(size_t row) const { return SourceLocation{path, lines[row]}; }
};

// Reads `path`. Throws InputError (file:line) for unreadable files, a missing or bad header, a row
// with the wrong number of fields, an unterminated quote, or no data rows.
CsvTable LoadCsv(const std::string& path);
CsvTable ParseCsv(const std::string& text, const std::string& path);

}  // namespace twinprof
