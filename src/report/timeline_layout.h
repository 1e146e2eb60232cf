// How a run's jobs are laid out for the Gantt chart and summarised over time. Pure functions of
// the job records, so tests can check them without a browser.
//
// Lanes ("slots"): a node runs several jobs at once, so one row per node would draw bars over
// each other. Each job gets the lowest-numbered lane of its node that is free when it starts
// (t_pod_start: from then on it holds its node's cpu and memory) until it finishes — interval
// partitioning, which uses as many lanes per node as the most jobs that ran on it at once. The
// wait before t_pod_start is not on any node; PhaseOccupancy shows it instead.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/job_record.h"

namespace twinprof::report {

// The phases of a job, in time order (docs/architecture.md, "One record ...").
enum class Phase { kWait, kColdStart, kDownload, kCompute, kUpload };
inline constexpr int kPhaseCount = 5;
// "wait", "cold start", "download", "compute", "upload".
const char* PhaseName(Phase phase);
// The start and end of `phase` of `job` (t_submit .. t_pod_start for kWait, and so on).
double PhaseStart(const JobRecord& job, Phase phase);
double PhaseEnd(const JobRecord& job, Phase phase);

struct LaneLayout {
  // lane_of_job[i]: the lane of jobs[i] (index into lane_names).
  std::vector<int> lane_of_job;
  // "node · 1", "node · 2", ...: nodes in natural order ("vm-2" before "vm-10"), then slots.
  std::vector<std::string> lane_names;
};

// Lays out `jobs` in lanes (see above). A job without a node gets the node "(no node)".
LaneLayout LayOutLanes(const std::vector<JobRecord>& jobs);

// The jobs a Gantt chart draws when a run has more than `max_jobs`: the first `max_jobs` by
// t_pod_start (ties by index), so the chart shows the run's beginning in full rather than a
// scattering of bars. Returns their indices in increasing order; all indices when the run has
// `max_jobs` or fewer. `*cutoff` is the last drawn job's t_pod_start (or +inf when all are drawn).
std::vector<size_t> SelectGanttJobs(const std::vector<JobRecord>& jobs, size_t max_jobs,
                                    double* cutoff);

// How many jobs are in each phase over time: `bins` equal intervals from 0 to `end`; each value
// is the time-average over its interval (phase seconds overlapping it / its width), so the sum
// over phases is the average number of jobs submitted and not finished. Exact for any number of
// jobs: this is how large runs are drawn in full.
struct PhaseOccupancy {
  double bin_width = 0;
  std::vector<std::array<double, kPhaseCount>> jobs_in_phase;  // one entry per bin
};
PhaseOccupancy ComputePhaseOccupancy(const std::vector<JobRecord>& jobs, int bins, double end);

// "vm-2" < "vm-10": digits compare as numbers.
bool NaturalLess(const std::string& a, const std::string& b);

}  // namespace twinprof::report
