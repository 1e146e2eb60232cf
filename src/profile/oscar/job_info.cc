#include "profile/oscar/job_info.h"

#include <cctype>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "profile/oscar/http_client.h"

namespace twinprof::profile::oscar {
namespace {

using nlohmann::json;

bool Digits(const std::string& s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

std::optional<double> Time(const json& info, const char* field, const std::string& where,
                           const std::string& what) {
  const auto it = info.find(field);
  if (it == info.end() || it->is_null()) return std::nullopt;
  const std::string name = where + "." + field;
  if (!it->is_string()) {
    throw InputError(what + ": field '" + name + "' should be an RFC 3339 time string");
  }
  const std::string text = it->get<std::string>();
  if (text.empty()) return std::nullopt;
  auto t = ParseRfc3339(text);
  if (!t) {
    throw InputError(what + ": field '" + name + "' is not an RFC 3339 time: '" + text + "'");
  }
  return t;
}

JobInfo ParseInfo(const json& value, const std::string& where, const std::string& what) {
  if (!value.is_object()) throw InputError(what + ": field '" + where + "' should be an object");
  JobInfo info;
  const auto status = value.find("status");
  if (status == value.end()) throw InputError(what + ": field '" + where + ".status' is missing");
  if (!status->is_string()) {
    throw InputError(what + ": field '" + where + ".status' should be a string");
  }
  info.status_text = status->get<std::string>();
  info.status = ParseJobStatus(info.status_text);
  info.creation_time = Time(value, "creation_time", where, what);
  info.start_time = Time(value, "start_time", where, what);
  info.finish_time = Time(value, "finish_time", where, what);
  return info;
}

}  // namespace

JobStatus ParseJobStatus(const std::string& text) {
  if (text == "Pending") return JobStatus::kPending;
  if (text == "Running") return JobStatus::kRunning;
  if (text == "Succeeded") return JobStatus::kSucceeded;
  if (text == "Failed") return JobStatus::kFailed;
  if (text == "Suspended") return JobStatus::kSuspended;
  return JobStatus::kUnknown;
}

const char* JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kPending:
      return "Pending";
    case JobStatus::kRunning:
      return "Running";
    case JobStatus::kSucceeded:
      return "Succeeded";
    case JobStatus::kFailed:
      return "Failed";
    case JobStatus::kSuspended:
      return "Suspended";
    default:
      return "Unknown";
  }
}

std::optional<double> ParseRfc3339(const std::string& s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  double fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om)) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * 60 * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t t = timegm(&tm);
  return static_cast<double>(t) - offset + fraction;
}

JobsPage ParseJobsPage(const std::string& body, const std::string& what) {
  const json doc =
      ParseJsonObject(body, what, "a map of jobs or {jobs, next_page, remaining_jobs}");
  JobsPage page;
  const json* jobs = &doc;
  // The paginated shape has a "jobs" object; a bare map's values are all objects with "status".
  const auto it = doc.find("jobs");
  if (it != doc.end() && (it->is_object() || it->is_null()) &&
      !(it->is_object() && it->contains("status") && !(*it)["status"].is_object())) {
    page.paginated = true;
    static const json kEmpty = json::object();
    jobs = it->is_null() ? &kEmpty : &*it;
    const auto next = doc.find("next_page");
    if (next != doc.end() && !next->is_null()) {
      if (!next->is_string()) throw InputError(what + ": field 'next_page' should be a string");
      page.next_page = next->get<std::string>();
    }
    const auto remaining = doc.find("remaining_jobs");
    if (remaining != doc.end() && !remaining->is_null() && !remaining->is_number_integer()) {
      throw InputError(what + ": field 'remaining_jobs' should be an integer");
    }
  }
  const std::string prefix = page.paginated ? "jobs." : "";
  for (const auto& [name, value] : jobs->items()) {
    page.jobs.emplace(name, ParseInfo(value, prefix + name, what));
  }
  return page;
}

}  // namespace twinprof::profile::oscar
