#include "pipeline/training_filter.h"

#include <charconv>
#include <regex>
#include <sstream>

#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/yaml_file.h"

namespace twinprof::pipeline {

namespace {

bool ParseNumber(const std::string& text, double* value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [stop, error] = std::from_chars(begin, end, *value);
  return error == std::errc() && stop == end && !text.empty();
}

template <typename T>
bool Compare(const T& left, const std::string& op, const T& right) {
  if (op == "<=") return left <= right;
  if (op == "<") return left < right;
  if (op == ">=") return left >= right;
  if (op == ">") return left > right;
  if (op == "=") return left == right;
  return left != right;  // "!="
}

}  // namespace

Condition Condition::Parse(const std::string& text, const SourceLocation& where) {
  static const std::regex kCondition(R"(^\s*([^<>=!\s]+)\s*(<=|>=|!=|<|>|=)\s*([^<>=!\s]\S*)\s*$)");
  std::smatch match;
  if (!std::regex_match(text, match, kCondition)) {
    throw InputError(where,
                     "expected a condition PARAMETER OP VALUE (OP one of <=, <, >=, >, =, "
                     "!=), e.g. grayify.cpu<=1; got '" +
                         text + "'");
  }
  return Condition{match[1], match[2], match[3]};
}

bool Condition::Holds(const std::string& field) const {
  double left = 0;
  double right = 0;
  if (ParseNumber(field, &left) && ParseNumber(value, &right)) return Compare(left, op, right);
  return Compare(field, op, value);
}

FilterResult FilterCsvRows(const std::string& input, const std::string& output,
                           const std::vector<Condition>& conditions, const SourceLocation& where) {
  std::string text = ReadTextFile(input);
  CsvTable table = ParseCsv(text, input);
  std::vector<int> columns;
  for (const Condition& condition : conditions) {
    int column = table.Find(condition.parameter);
    if (column < 0) {
      std::string names;
      for (const CsvColumn& c : table.columns) names += (names.empty() ? "" : ", ") + c.name;
      throw InputError(where, "train_where names '" + condition.parameter + "', which " + input +
                                  " does not have (its columns: " + names + ")");
    }
    columns.push_back(column);
  }
  // The file's lines, to copy each kept row's own text.
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);

  std::ostringstream kept;
  int first_row_line = table.rows() > 0 ? table.lines[0] : static_cast<int>(lines.size()) + 1;
  for (int i = 0; i + 1 < first_row_line; ++i) kept << lines[i] << '\n';  // the header
  FilterResult result;
  result.rows_in = static_cast<int>(table.rows());
  for (size_t row = 0; row < table.rows(); ++row) {
    bool holds = true;
    for (size_t c = 0; c < conditions.size() && holds; ++c) {
      const CsvColumn& column = table.columns[columns[c]];
      std::string field;
      if (column.numeric) {
        std::ostringstream number;
        number.precision(17);
        number << column.numbers[row];
        field = number.str();
      } else {
        field = column.strings[row];
      }
      holds = conditions[c].Holds(field);
    }
    if (!holds) continue;
    ++result.rows_kept;
    int begin = table.lines[row];
    int end = row + 1 < table.rows() ? table.lines[row + 1] : static_cast<int>(lines.size()) + 1;
    for (int line = begin; line < end; ++line) {
      if (!lines[line - 1].empty()) kept << lines[line - 1] << '\n';
    }
  }
  WriteFileAtomically(output, kept.str());
  return result;
}

}  // namespace twinprof::pipeline
