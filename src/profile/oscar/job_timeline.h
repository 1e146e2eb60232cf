// How what OSCAR tells about a job becomes the job record's timestamps
// (docs/architecture.md, "One record").
//
//   t_submit          = the invocation was sent (POST /job, this machine's clock), or for a job
//                       triggered by a bucket, when its input was complete: the storage event's
//                       time, or the end of the producing job's upload (oscar_run.h);
//   t_pod_start       = creation_time (the pod's start: scheduled onto a node; the cold start
//                       begins — image pull and container creation);
//   t_container_start = start_time (the container runs; the supervisor starts and downloads the
//                       input);
//   t_exec_start      = the supervisor's "Script file found in" line;
//   t_exec_end        = its "Searching for files to upload in folder" line;
//   t_finish          = finish_time (outputs uploaded, container ended).
//
// Kubernetes times have one-second resolution (truncated) while the supervisor's have
// milliseconds, and the cluster's clock is not this machine's. So the times are made monotonic:
// each is raised to the one before it when it is earlier ("clamped"); a missing time takes the
// one before it. Every duration is then >= 0 and the five parts add up to the total exactly.
// Clamps of more than `kResolution` + tolerance are counted: they mean clock skew.
#pragma once

#include <optional>

#include "core/job_record.h"

namespace twinprof::profile::oscar {

// The resolution of Kubernetes times (seconds).
inline constexpr double kResolution = 1.0;

struct JobTimes {
  // Seconds since the Unix epoch; nullopt when unknown.
  std::optional<double> submit, pod_start, container_start, exec_start, exec_end, finish;
};

struct TimelineFix {
  int clamped = 0;  // times raised to their predecessor
  int skewed = 0;   // of which by more than kResolution + 0.5 s
  int missing = 0;  // times that were unknown
};

// Writes the six t_* fields of `record`, in seconds since `run_start` (epoch seconds), applying
// the rules above. `times.submit` must be known. Returns what had to be fixed.
TimelineFix FillTimes(const JobTimes& times, double run_start, JobRecord* record);

}  // namespace twinprof::profile::oscar
