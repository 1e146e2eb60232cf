// The "Timeline" section: for each measured run, a Gantt chart of its jobs beside the Gantt chart
// of the simulated run of the same configuration, on one time axis, each above a chart of how
// many jobs are in each phase over time. One drop-down picks the pair.
//
// Bars: one per job, in lanes per node (timeline_layout.h), split into the phases that run on the
// node (cold start, download, compute, upload); failed jobs are outlined in red. The wait before
// a job gets its node is not on a node: the phase chart below shows it (and every other phase) as
// the number of jobs in that phase over time.
//
// Size: a run with more than the per-run budget of jobs draws only its first jobs by start time
// (its title and a note say so); the phase chart always counts every job, binned in time, so a
// page for a run of 10^5 jobs stays a few MB.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

struct TimelineOptions {
  // Jobs drawn per run: at most this many ...
  size_t max_jobs_per_run = 3000;
  // ... and at most this many over all runs (each run then gets an equal share, at least 200).
  size_t max_jobs_total = 40000;
  // Time bins of the phase chart, per run.
  int occupancy_bins = 150;
};

// The section, or nullopt-like: a section with no charts when `data` has no runs.
Section TimelineSection(const ReportData& data, const TimelineOptions& options);

}  // namespace twinprof::report
