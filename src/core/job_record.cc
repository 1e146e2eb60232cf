#include "core/job_record.h"

#include <charconv>
#include <ostream>
#include <stdexcept>

namespace twinprof {

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "";
  return std::string(buffer, end);
}

void AppendDouble(double value, std::string& out) {
  if (std::isnan(value)) return;
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec == std::errc()) out.append(buffer, end);
}

namespace {

// Whether `text` must be quoted in CSV. A plain loop: find_first_of with a set of four calls
// memchr once per character.
bool NeedsQuotes(const std::string& text) {
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

std::string CsvField(const std::string& text) {
  if (!NeedsQuotes(text)) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// ---- JobColumn -------------------------------------------------------------------------------

JobColumn::JobColumn(std::string name, Member member, Flags flags, std::vector<std::string> allowed)
    : name_(std::move(name)), member_(member), flags_(flags), allowed_(std::move(allowed)) {}

JobColumn::Type JobColumn::type() const {
  switch (member_.index()) {
    case 0:
      return Type::kText;
    case 1:
      return Type::kInteger;
    default:
      return Type::kReal;
  }
}

namespace {

[[noreturn]] void WrongType(const std::string& column, const char* what) {
  throw std::logic_error("job column '" + column + "' is not " + what);
}

}  // namespace

const std::string& JobColumn::Text(const JobRecord& record) const {
  auto* member = std::get_if<0>(&member_);
  if (!member) WrongType(name_, "text");
  return record.**member;
}

int JobColumn::Integer(const JobRecord& record) const {
  auto* member = std::get_if<1>(&member_);
  if (!member) WrongType(name_, "an integer");
  return record.**member;
}

double JobColumn::Real(const JobRecord& record) const {
  if (auto* member = std::get_if<2>(&member_)) return record.**member;
  if (auto* method = std::get_if<3>(&member_)) return (record.**method)();
  WrongType(name_, "a real");
}

double JobColumn::Number(const JobRecord& record) const {
  if (type() == Type::kInteger) return Integer(record);
  return Real(record);
}

std::string JobColumn::Format(const JobRecord& record) const {
  switch (type()) {
    case Type::kText:
      return Text(record);
    case Type::kInteger:
      return std::to_string(Integer(record));
    case Type::kReal:
      break;
  }
  return FormatDouble(Real(record));
}

void JobColumn::AppendFormatted(const JobRecord& record, std::string& out) const {
  switch (type()) {
    case Type::kText:
      out += Text(record);
      return;
    case Type::kInteger: {
      char buffer[16];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, Integer(record));
      out.append(buffer, end);
      return;
    }
    case Type::kReal:
      AppendDouble(Real(record), out);
      return;
  }
}

void JobColumn::SetText(JobRecord& record, std::string value) const {
  auto* member = std::get_if<0>(&member_);
  if (!member) WrongType(name_, "a settable text");
  record.** member = std::move(value);
}

void JobColumn::SetInteger(JobRecord& record, int value) const {
  auto* member = std::get_if<1>(&member_);
  if (!member) WrongType(name_, "a settable integer");
  record.** member = value;
}

void JobColumn::SetReal(JobRecord& record, double value) const {
  auto* member = std::get_if<2>(&member_);
  if (!member) WrongType(name_, "a settable real");
  record.** member = value;
}

// ---- The table -------------------------------------------------------------------------------

const std::vector<JobColumn>& JobColumns() {
  using R = JobRecord;
  using F = JobColumn::Flags;
  const F plain;
  const F key{.identifies = true};
  const F target{.target = true};
  const F measured{.may_be_missing = true, .target = true};  // NaN where the backend cannot tell
  const F measured_since_v2{.may_be_missing = true, .target = true, .added_later = true};
  static const std::vector<JobColumn> kColumns = {
      // Which campaign, run, repetition, component and job.
      {"campaign", &R::campaign, plain},
      {"run_id", &R::run_id, key},
      {"repetition", &R::repetition, plain},
      {"component", &R::component, key},
      {"job_id", &R::job_id, key},
      {"source", &R::source, plain},
      // Where it ran.
      {"cluster", &R::cluster, plain},
      {"node", &R::node, plain},
      {"node_type", &R::node_type, plain},
      {"arch", &R::arch, plain},
      // Container limits and parallelism.
      {"cpu", &R::cpu, target},
      {"memory_mb", &R::memory_mb, target},
      {"parallelism", &R::parallelism, target},
      // Data in and out (OSCAR cannot always tell the sizes).
      {"input_bytes", &R::input_bytes, measured},
      {"output_bytes", &R::output_bytes, measured},
      {"output_files", &R::output_files, target},
      // Timestamps.
      {"t_submit", &R::t_submit, plain},
      {"t_pod_start", &R::t_pod_start, plain},
      {"t_container_start", &R::t_container_start, plain},
      {"t_exec_start", &R::t_exec_start, plain},
      {"t_exec_end", &R::t_exec_end, plain},
      {"t_finish", &R::t_finish, plain},
      // The durations, computed from the timestamps.
      {"wait_s", &R::wait_s, target},
      {"cold_start_s", &R::cold_start_s, target},
      {"download_s", &R::download_s, target},
      {"compute_s", &R::compute_s, target},
      {"upload_s", &R::upload_s, target},
      {"total_s", &R::total_s, target},
      // Outcome and resource use.
      {"status", &R::status, plain, {"succeeded", "failed"}},
      {"failure_reason", &R::failure_reason, plain},
      {"cpu_time_s", &R::cpu_time_s, measured},
      {"peak_memory_mb", &R::peak_memory_mb, measured},
      {"limits", &R::limits, plain},
      // Added later (stores and files written before lack them): at the end, so that a store
      // given the column by ALTER TABLE has the same column order as a new one.
      {"throttled_fraction", &R::throttled_fraction, measured_since_v2},
  };
  return kColumns;
}

const JobColumn* FindJobColumn(const std::string& name) {
  for (const JobColumn& column : JobColumns()) {
    if (column.name() == name) return &column;
  }
  return nullptr;
}

const std::vector<std::string>& JobRecordColumns() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const JobColumn& column : JobColumns()) names.push_back(column.name());
    return names;
  }();
  return kNames;
}

// ---- JobCsvWriter ----------------------------------------------------------------------------

JobCsvWriter::JobCsvWriter(std::ostream& out, std::vector<std::string> parameter_names)
    : out_(out), parameter_names_(std::move(parameter_names)) {
  bool first = true;
  for (const JobColumn& column : JobColumns()) {
    out_ << (first ? "" : ",") << column.name();
    first = false;
  }
  for (const std::string& name : parameter_names_) out_ << ',' << CsvField(name);
  out_ << '\n';
}

namespace {

// Appends `text` to `row` as a CSV field, quoted when it needs it (as CsvField).
void AppendField(std::string& row, const std::string& text) {
  if (!NeedsQuotes(text)) {
    row += text;
    return;
  }
  row += '"';
  for (char c : text) {
    if (c == '"') row += '"';
    row += c;
  }
  row += '"';
}

}  // namespace

void JobCsvWriter::Write(const JobRecord& r) {
  // One row, built in a reused buffer then written at once: a million rows cost a million
  // writes, not 35 million, and no string per field. Only text can need quotes.
  std::string& row = row_;
  row.clear();
  bool first = true;
  for (const JobColumn& column : JobColumns()) {
    if (!first) row += ',';
    if (column.type() == JobColumn::Type::kText) {
      AppendField(row, column.Text(r));
    } else {
      column.AppendFormatted(r, row);
    }
    first = false;
  }
  for (const std::string& name : parameter_names_) {
    row += ',';
    for (const auto& [key, value] : r.parameters) {
      if (key == name) {
        AppendField(row, value);
        break;
      }
    }
  }
  row += '\n';
  out_.write(row.data(), static_cast<std::streamsize>(row.size()));
}

}  // namespace twinprof
