#include "profile/oscar/supervisor_log.h"

#include <cmath>
#include <regex>
#include <sstream>

#include "profile/oscar/job_info.h"

namespace twinprof::profile::oscar {
namespace {

// "2024-05-01 10:20:30,123" (asctime) at the start of `text`, in seconds since the epoch as if
// UTC; nullopt when absent.
std::optional<double> AscTime(const std::string& text) {
  if (text.size() < 23 || text[19] != ',') return std::nullopt;
  auto t = ParseRfc3339(text.substr(0, 10) + "T" + text.substr(11, 8) + "Z");
  if (!t) return std::nullopt;
  int ms = 0;
  for (int i = 20; i < 23; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    ms = ms * 10 + (text[i] - '0');
  }
  return *t + ms / 1000.0;
}

bool Contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

}  // namespace

SupervisorLog ParseSupervisorLog(const std::string& log) {
  SupervisorLog out;
  std::istringstream lines(log);
  std::string line;
  static const std::regex kSize(R"('size'\s*:\s*([0-9]+))");
  static const std::regex kEventTime(R"('eventTime'\s*:\s*'([^']+)')");
  static const std::regex kKey(R"('key'\s*:\s*'([^']+)')");
  static const std::regex kDownload(R"(Downloading item from bucket '([^']*)' with key '([^']*)')");
  static const std::regex kUpload(R"(Uploading file '([^']*)' to bucket '([^']*)')");
  static const std::regex kInputPath(R"(INPUT_FILE_PATH variable set to '([^']*)')");
  std::optional<double> zone_correction;
  std::string event_key;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Optional Kubernetes prefix.
    std::optional<double> kube_time;
    std::string rest = line;
    const auto space = line.find(' ');
    if (space != std::string::npos && space >= 20 && line[4] == '-' && line[10] == 'T') {
      kube_time = ParseRfc3339(line.substr(0, space));
      if (kube_time) rest = line.substr(space + 1);
    }
    std::optional<double> when = AscTime(rest);
    if (when && kube_time && !zone_correction) {
      zone_correction = std::round((*kube_time - *when) / 900.0) * 900.0;
    }
    if (when && zone_correction) *when += *zone_correction;
    if (!when) when = kube_time;
    if (!when) continue;
    // An upload ends when the supervisor writes its next line.
    if (!out.uploads.empty() && !out.uploads.back().end) out.uploads.back().end = when;
    std::smatch m;
    if (Contains(rest, "Script file found in") || Contains(rest, "Script file created in")) {
      if (!out.script_start) out.script_start = when;
    } else if (Contains(rest, "Searching for files to upload in folder")) {
      out.script_end = when;
    } else if (Contains(rest, "Uploading file '")) {
      ++out.output_files;
      UploadedObject upload;
      if (std::regex_search(rest, m, kUpload)) {
        upload.key = m[1].str();
        upload.bucket = m[2].str();
      }
      upload.start = when;
      out.uploads.push_back(std::move(upload));
    } else if (Contains(rest, "event_records")) {
      if (std::regex_search(rest, m, kSize)) out.input_bytes = std::stod(m[1].str());
      if (std::regex_search(rest, m, kEventTime)) out.input_event_time = ParseRfc3339(m[1].str());
      if (std::regex_search(rest, m, kKey)) event_key = m[1].str();
    } else if (Contains(rest, "INPUT_FILE_PATH variable set to") &&
               std::regex_search(rest, m, kInputPath)) {
      out.input_path = m[1].str();
    } else if (Contains(rest, "Downloading item from bucket") &&
               std::regex_search(rest, m, kDownload)) {
      out.input_bucket = m[1].str();
      out.input_key = m[2].str();
      if (!out.download_start) out.download_start = when;
    }
  }
  if (!event_key.empty()) out.input_key = event_key;
  return out;
}

}  // namespace twinprof::profile::oscar
