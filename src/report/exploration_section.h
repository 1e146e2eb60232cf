// The "Design space" section, from `twinprof explore` outputs: per workload and objective, every
// simulated candidate's cost against its time (makespan or a component's p95), feasible and
// infeasible apart, the Pareto front joined, the cheapest feasible candidate marked, the deadline
// (and budget) drawn; a table of the chosen candidates and the findings.
#pragma once

#include "report/html_page.h"
#include "report/report_data.h"

namespace twinprof::report {

Section ExplorationSection(const ReportData& data);

}  // namespace twinprof::report
