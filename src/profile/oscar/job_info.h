// The job listing of GET /system/logs/{service}: each job's status and Kubernetes times.
//
// OSCAR answers either a bare map {NAME: JobInfo} (older releases) or a page
// {"jobs": {NAME: JobInfo}, "next_page": TOKEN, "remaining_jobs": N} (current ones; an empty or
// absent next_page means the last page). JobInfo = {status, creation_time, start_time,
// finish_time}; the times are RFC 3339 (second resolution in practice) and absent until they
// happen. creation_time is the pod's start (scheduled onto a node) in current releases.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace twinprof::profile::oscar {

enum class JobStatus { kPending, kRunning, kSucceeded, kFailed, kSuspended, kUnknown };

// "Pending" -> kPending, ...; anything else -> kUnknown.
JobStatus ParseJobStatus(const std::string& text);
const char* JobStatusName(JobStatus status);
inline bool IsTerminal(JobStatus s) {
  return s == JobStatus::kSucceeded || s == JobStatus::kFailed;
}

struct JobInfo {
  JobStatus status = JobStatus::kUnknown;
  std::string status_text;  // as OSCAR wrote it
  // Seconds since the Unix epoch (UTC); nullopt when absent.
  std::optional<double> creation_time;
  std::optional<double> start_time;
  std::optional<double> finish_time;
};

struct JobsPage {
  std::map<std::string, JobInfo> jobs;
  std::string next_page;   // empty on the last page
  bool paginated = false;  // the {jobs, next_page, remaining_jobs} shape
};

// Parses one answer of GET /system/logs/{service}. `what` names the request in errors. Throws
// InputError naming the field (e.g. "jobs.split-abc.creation_time") when the JSON is malformed,
// a field has the wrong type or a time is not RFC 3339.
JobsPage ParseJobsPage(const std::string& body, const std::string& what);

// RFC 3339 date-time ("2024-05-01T10:20:30Z", "...30.123456789+02:00") to seconds since the epoch
// (UTC). nullopt when malformed.
std::optional<double> ParseRfc3339(const std::string& text);

}  // namespace twinprof::profile::oscar
