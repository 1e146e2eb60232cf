#include "core/job_csv_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include "core/yaml_file.h"

namespace twinprof {
namespace {

struct Cell {
  std::string text;
  int line = 0;
  int column = 0;
};

struct Row {
  std::vector<Cell> cells;
  int line = 0;
  int end_column = 0;  // where the row's line ends (for "too few fields")
};

// Splits RFC 4180 text into rows of cells that remember where they start.
class Tokenizer {
 public:
  Tokenizer(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  std::vector<Row> Rows() {
    std::vector<Row> rows;
    while (pos_ < text_.size()) {
      Row row = NextRow();
      bool blank = row.cells.size() == 1 && !quoted_ &&
                   std::all_of(row.cells[0].text.begin(), row.cells[0].text.end(),
                               [](char c) { return c == ' ' || c == '\t'; });
      if (!blank) rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  bool AtLineEnd() const {
    return pos_ >= text_.size() || text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }
  // Moves past one byte, counting lines and characters (UTF-8 continuation bytes do not count).
  void Advance() {
    char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
  }
  void SkipLineEnd() {
    if (pos_ < text_.size() && text_[pos_] == '\r') Advance();
    if (pos_ < text_.size() && text_[pos_] == '\n') Advance();
  }

  Row NextRow() {
    Row row;
    row.line = line_;
    quoted_ = false;
    while (true) {
      Cell cell{"", line_, column_};
      if (pos_ < text_.size() && text_[pos_] == '"') {
        quoted_ = true;
        Advance();
        while (true) {
          if (pos_ >= text_.size()) {
            throw InputError(SourceLocation{path_, cell.line, cell.column},
                             "unterminated quoted field");
          }
          if (text_[pos_] == '"') {
            Advance();
            if (pos_ < text_.size() && text_[pos_] == '"') {
              cell.text += '"';
              Advance();
              continue;
            }
            break;
          }
          cell.text += text_[pos_];
          Advance();
        }
        if (!AtLineEnd() && text_[pos_] != ',') {
          throw InputError(SourceLocation{path_, line_, column_},
                           "text after the closing quote of a field (a quote inside a quoted "
                           "field is written \"\")");
        }
      } else {
        while (!AtLineEnd() && text_[pos_] != ',') {
          cell.text += text_[pos_];
          Advance();
        }
      }
      row.cells.push_back(std::move(cell));
      if (AtLineEnd()) {
        row.end_column = column_;
        SkipLineEnd();
        return row;
      }
      Advance();  // the comma
    }
  }

  const std::string& text_;
  const std::string& path_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  bool quoted_ = false;  // the last row had a quoted field
};

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::string Join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// Parses one cell of a real column: nullopt for an empty cell.
std::optional<double> ParseReal(const Cell& cell, const JobColumn& column,
                                const SourceLocation& at) {
  std::string text = Trim(cell.text);
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  double value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end) {
    throw InputError(at, "column '" + column.name() + "': '" + cell.text + "' is not a number");
  }
  if (!std::isfinite(value)) {
    throw InputError(
        at, "column '" + column.name() + "': '" + cell.text + "' is not a finite number" +
                (column.may_be_missing() ? " (leave the cell empty when not measured)" : ""));
  }
  return value;
}

int ParseInteger(const Cell& cell, const JobColumn& column, const SourceLocation& at) {
  std::string text = Trim(cell.text);
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  int value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw InputError(at, "column '" + column.name() + "': '" + cell.text + "' is not an integer");
  }
  return value;
}

}  // namespace

JobCsv ReadJobCsv(const std::string& path) { return ParseJobCsv(ReadTextFile(path), path); }

JobCsv ParseJobCsv(const std::string& text, const std::string& path) {
  CheckIsText(text, path);
  JobCsv csv;
  csv.path = path;
  std::vector<Row> rows = Tokenizer(text, path).Rows();
  if (rows.empty()) {
    throw InputError(SourceLocation{path, 1},
                     "empty file: expected a header naming the job record's columns (" +
                         Join(JobRecordColumns()) + ")");
  }

  // The header: each column is a job column or a parameter.
  const Row& header = rows.front();
  std::vector<const JobColumn*> columns;  // nullptr = a parameter
  std::vector<int> parameter_index;       // index into parameter_names, or -1
  std::map<std::string, int> seen;
  for (const Cell& cell : header.cells) {
    std::string name = Trim(cell.text);
    SourceLocation at{path, cell.line, cell.column};
    if (name.empty()) throw InputError(at, "empty column name in the header");
    if (!seen.emplace(name, 0).second) {
      throw InputError(at, "column '" + name + "' appears twice in the header");
    }
    const JobColumn* column = FindJobColumn(name);
    columns.push_back(column);
    parameter_index.push_back(column ? -1 : static_cast<int>(csv.parameter_names.size()));
    if (!column) csv.parameter_names.push_back(name);
  }
  std::vector<std::string> missing;
  for (const JobColumn& column : JobColumns()) {
    if (!column.derived() && !column.added_later() && seen.count(column.name()) == 0) {
      missing.push_back(column.name());
    }
  }
  if (!missing.empty()) {
    throw InputError(SourceLocation{path, header.line, 1},
                     std::string("missing column") + (missing.size() > 1 ? "s " : " ") +
                         Join(missing) + " (a job record CSV has the columns " +
                         Join(JobRecordColumns()) + ", then the parameters)");
  }

  for (size_t r = 1; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.cells.size() != columns.size()) {
      SourceLocation at = row.cells.size() > columns.size()
                              ? SourceLocation{path, row.cells[columns.size()].line,
                                               row.cells[columns.size()].column}
                              : SourceLocation{path, row.line, row.end_column};
      throw InputError(at, "expected " + std::to_string(columns.size()) +
                               " fields (as in the header), found " +
                               std::to_string(row.cells.size()));
    }
    JobRecord record;
    struct Derived {
      const JobColumn* column;
      double value;
      SourceLocation at;
    };
    std::vector<Derived> derived;
    for (size_t c = 0; c < columns.size(); ++c) {
      const Cell& cell = row.cells[c];
      SourceLocation at{path, cell.line, cell.column};
      const JobColumn* column = columns[c];
      if (column == nullptr) {
        if (!cell.text.empty()) {
          record.parameters.emplace_back(csv.parameter_names[parameter_index[c]], cell.text);
        }
        continue;
      }
      switch (column->type()) {
        case JobColumn::Type::kText:
          if (column->identifies() && Trim(cell.text).empty()) {
            throw InputError(at, "column '" + column->name() + "' is empty: it identifies the job");
          }
          if (!column->allowed().empty() &&
              std::find(column->allowed().begin(), column->allowed().end(), cell.text) ==
                  column->allowed().end()) {
            throw InputError(at, "column '" + column->name() + "': '" + cell.text +
                                     "' is not one of " + Join(column->allowed()));
          }
          column->SetText(record, cell.text);
          break;
        case JobColumn::Type::kInteger:
          column->SetInteger(record, ParseInteger(cell, *column, at));
          break;
        case JobColumn::Type::kReal: {
          std::optional<double> value = ParseReal(cell, *column, at);
          if (!value && !column->may_be_missing()) {
            throw InputError(
                at, "column '" + column->name() + "' is empty: a finite number is required");
          }
          if (column->derived()) {
            derived.push_back({column, *value, at});
          } else {
            column->SetReal(record, value.value_or(kNotMeasured));
          }
          break;
        }
      }
    }
    // The durations must agree with the timestamps (up to rounding by a spreadsheet).
    double scale = 1;
    for (double t : {record.t_submit, record.t_pod_start, record.t_container_start,
                     record.t_exec_start, record.t_exec_end, record.t_finish}) {
      scale = std::max(scale, std::abs(t));
    }
    for (const Derived& d : derived) {
      double expected = d.column->Real(record);
      if (std::abs(d.value - expected) > 1e-9 * scale) {
        throw InputError(d.at, "column '" + d.column->name() + "': " + FormatDouble(d.value) +
                                   " disagrees with the timestamps, which give " +
                                   FormatDouble(expected));
      }
    }
    csv.records.push_back(std::move(record));
    csv.lines.push_back(row.line);
  }
  return csv;
}

}  // namespace twinprof
