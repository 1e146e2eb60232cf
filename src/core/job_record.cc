#include "core/job_record.h"

#include <charconv>
#include <ostream>

namespace twinprof {

const std::vector<std::string>& JobRecordColumns() {
  // The table reads as rows of five columns; clang-format would give one per line.
  // clang-format off
  static const std::vector<std::string> kColumns = {
      "campaign",     "run_id",         "repetition",   "component",      "job_id",
      "source",       "cluster",        "node",         "node_type",      "arch",
      "cpu",          "memory_mb",      "parallelism",  "input_bytes",    "output_bytes",
      "output_files", "t_submit",       "t_pod_start",  "t_container_start",
      "t_exec_start", "t_exec_end",     "t_finish",     "wait_s",         "cold_start_s",
      "download_s",   "compute_s",      "upload_s",     "total_s",        "status",
      "failure_reason", "cpu_time_s",   "peak_memory_mb", "limits"};
  // clang-format on
  return kColumns;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "";
  return std::string(buffer, end);
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

JobCsvWriter::JobCsvWriter(std::ostream& out, std::vector<std::string> parameter_names)
    : out_(out), parameter_names_(std::move(parameter_names)) {
  bool first = true;
  for (const std::string& column : JobRecordColumns()) {
    out_ << (first ? "" : ",") << column;
    first = false;
  }
  for (const std::string& name : parameter_names_) out_ << ',' << CsvField(name);
  out_ << '\n';
}

void JobCsvWriter::Write(const JobRecord& r) {
  const std::string fields[] = {CsvField(r.campaign),
                                std::to_string(r.run_id),
                                std::to_string(r.repetition),
                                CsvField(r.component),
                                CsvField(r.job_id),
                                r.source,
                                CsvField(r.cluster),
                                CsvField(r.node),
                                CsvField(r.node_type),
                                r.arch,
                                FormatDouble(r.cpu),
                                FormatDouble(r.memory_mb),
                                std::to_string(r.parallelism),
                                FormatDouble(r.input_bytes),
                                FormatDouble(r.output_bytes),
                                std::to_string(r.output_files),
                                FormatDouble(r.t_submit),
                                FormatDouble(r.t_pod_start),
                                FormatDouble(r.t_container_start),
                                FormatDouble(r.t_exec_start),
                                FormatDouble(r.t_exec_end),
                                FormatDouble(r.t_finish),
                                FormatDouble(r.wait_s()),
                                FormatDouble(r.cold_start_s()),
                                FormatDouble(r.download_s()),
                                FormatDouble(r.compute_s()),
                                FormatDouble(r.upload_s()),
                                FormatDouble(r.total_s()),
                                r.status,
                                CsvField(r.failure_reason),
                                FormatDouble(r.cpu_time_s),
                                FormatDouble(r.peak_memory_mb),
                                CsvField(r.limits)};
  bool first = true;
  for (const std::string& field : fields) {
    out_ << (first ? "" : ",") << field;
    first = false;
  }
  for (const std::string& name : parameter_names_) {
    out_ << ',';
    for (const auto& [key, value] : r.parameters) {
      if (key == name) {
        out_ << CsvField(value);
        break;
      }
    }
  }
  out_ << '\n';
}

}  // namespace twinprof
