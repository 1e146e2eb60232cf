// The "Runtime" section: per component, the compute time of its jobs against the cores of their
// container (coloured by node type), and against their input size; measured and simulated jobs
// together (points: jobs; lines: the mean per cpu value).
//
// Size: at most `max_points` jobs per component and source are drawn as points (a random sample
// with a fixed seed, so the page is reproducible); the means use every job. A note says so.
#pragma once

#include <cstddef>

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

struct RuntimeOptions {
  size_t max_points = 1500;
};

Section RuntimeSection(const ReportData& data, const RuntimeOptions& options);

}  // namespace twinprof::report
