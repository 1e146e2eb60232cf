#include "core/csv_table.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "core/yaml_file.h"

namespace twinprof {

int CsvTable::Find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Splits one line into fields. Throws on an unterminated quote.
std::vector<std::string> SplitFields(const std::string& line, const SourceLocation& where) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted) {
    throw InputError(where, "unterminated quoted field (fields cannot span lines)");
  }
  fields.push_back(std::move(field));
  return fields;
}

std::string Trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

bool ParseNumber(const std::string& text, double* value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

CsvTable LoadCsv(const std::string& path) { return ParseCsv(ReadTextFile(path), path); }

CsvTable ParseCsv(const std::string& text, const std::string& path) {
  CheckIsText(text, path);
  CsvTable table;
  table.path = path;
  std::vector<std::vector<std::string>> raw;  // per row
  size_t pos = 0;
  int line_number = 0;
  bool have_header = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Trim(line).empty()) continue;
    SourceLocation where{path, line_number};
    std::vector<std::string> fields = SplitFields(line, where);
    if (!have_header) {
      std::set<std::string> names;
      for (std::string& name : fields) {
        name = Trim(name);
        if (name.empty()) throw InputError(where, "empty column name in the header");
        if (!names.insert(name).second) {
          throw InputError(where, "column '" + name + "' appears twice in the header");
        }
        table.columns.push_back(CsvColumn{name, true, {}, {}});
      }
      have_header = true;
      continue;
    }
    if (fields.size() != table.columns.size()) {
      throw InputError(where, "expected " + std::to_string(table.columns.size()) +
                                  " fields (as in the header), found " +
                                  std::to_string(fields.size()));
    }
    for (std::string& field : fields) field = Trim(field);
    raw.push_back(std::move(fields));
    table.lines.push_back(line_number);
  }
  if (!have_header) throw InputError(SourceLocation{path, 1}, "empty file: expected a CSV header");
  if (raw.empty()) {
    throw InputError(SourceLocation{path, line_number}, "no data rows after the header");
  }
  for (size_t c = 0; c < table.columns.size(); ++c) {
    CsvColumn& column = table.columns[c];
    column.numbers.resize(raw.size());
    bool any_value = false;
    for (size_t r = 0; r < raw.size() && column.numeric; ++r) {
      const std::string& field = raw[r][c];
      if (field.empty()) {
        column.numbers[r] = std::nan("");
      } else if (ParseNumber(field, &column.numbers[r])) {
        any_value = true;
      } else {
        column.numeric = false;
      }
    }
    if (!any_value) column.numeric = false;
    if (!column.numeric) {
      column.numbers.clear();
      column.strings.reserve(raw.size());
      for (size_t r = 0; r < raw.size(); ++r) column.strings.push_back(raw[r][c]);
    }
  }
  return table;
}

}  // namespace twinprof
