// The pipeline's split of configurations: which rows of an exported CSV belong to the training
// configurations (those meeting every `train_where` condition of the pipeline file).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace twinprof::pipeline {

// One condition "PARAMETER OP VALUE" (OP: <=, <, >=, >, =, !=). Numbers compare as numbers, other
// values as text.
struct Condition {
  std::string parameter;
  std::string op;
  std::string value;

  // Parses "grayify.cpu<=1"; throws InputError at `where` when malformed.
  static Condition Parse(const std::string& text, const SourceLocation& where);
  bool Holds(const std::string& field) const;
};

struct FilterResult {
  int rows_in = 0;
  int rows_kept = 0;
};

// Copies the header of the CSV `input` and the rows that meet every condition to `output`, byte
// for byte (a row's own text is kept, so numbers are not reformatted). A condition naming a
// column the CSV lacks is an InputError at `where` (the pipeline file's train_where), naming the
// columns there are. Throws InputError for a malformed CSV (file:line).
FilterResult FilterCsvRows(const std::string& input, const std::string& output,
                           const std::vector<Condition>& conditions, const SourceLocation& where);

}  // namespace twinprof::pipeline
