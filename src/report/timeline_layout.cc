#include "report/timeline_layout.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace twinprof::report {

namespace {

constexpr const char* kNoNode = "(no node)";

bool Finite(double value) { return std::isfinite(value); }

}  // namespace

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kWait:
      return "wait";
    case Phase::kColdStart:
      return "cold start";
    case Phase::kDownload:
      return "download";
    case Phase::kCompute:
      return "compute";
    case Phase::kUpload:
      return "upload";
  }
  return "?";
}

double PhaseStart(const JobRecord& job, Phase phase) {
  switch (phase) {
    case Phase::kWait:
      return job.t_submit;
    case Phase::kColdStart:
      return job.t_pod_start;
    case Phase::kDownload:
      return job.t_container_start;
    case Phase::kCompute:
      return job.t_exec_start;
    case Phase::kUpload:
      return job.t_exec_end;
  }
  return 0;
}

double PhaseEnd(const JobRecord& job, Phase phase) {
  switch (phase) {
    case Phase::kWait:
      return job.t_pod_start;
    case Phase::kColdStart:
      return job.t_container_start;
    case Phase::kDownload:
      return job.t_exec_start;
    case Phase::kCompute:
      return job.t_exec_end;
    case Phase::kUpload:
      return job.t_finish;
  }
  return 0;
}

bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      // Compare the numbers without converting: strip leading zeros, then length, then digits.
      size_t i_first = a.find_first_not_of('0', i), j_first = b.find_first_not_of('0', j);
      i_first = std::min(i_first, i_end);
      j_first = std::min(j_first, j_end);
      if (i_end - i_first != j_end - j_first) return i_end - i_first < j_end - j_first;
      int order = a.compare(i_first, i_end - i_first, b, j_first, j_end - j_first);
      if (order != 0) return order < 0;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

LaneLayout LayOutLanes(const std::vector<JobRecord>& jobs) {
  // Per node: the jobs by start time, and the finish time of each of its lanes.
  std::map<std::string, std::vector<size_t>> jobs_of_node;
  for (size_t i = 0; i < jobs.size(); ++i) {
    jobs_of_node[jobs[i].node.empty() ? kNoNode : jobs[i].node].push_back(i);
  }
  std::vector<std::string> nodes;
  for (const auto& [node, indices] : jobs_of_node) nodes.push_back(node);
  std::sort(nodes.begin(), nodes.end(), NaturalLess);

  LaneLayout layout;
  layout.lane_of_job.assign(jobs.size(), 0);
  for (const std::string& node : nodes) {
    std::vector<size_t>& indices = jobs_of_node[node];
    std::stable_sort(indices.begin(), indices.end(),
                     [&](size_t a, size_t b) { return jobs[a].t_pod_start < jobs[b].t_pod_start; });
    std::vector<double> lane_free_at;  // per lane of this node
    int first_lane = static_cast<int>(layout.lane_names.size());
    for (size_t index : indices) {
      double start = jobs[index].t_pod_start;
      double end = std::max(start, jobs[index].t_finish);
      size_t lane = 0;
      while (lane < lane_free_at.size() && lane_free_at[lane] > start) ++lane;
      if (lane == lane_free_at.size()) {
        lane_free_at.push_back(end);
        layout.lane_names.push_back(node + " · " + std::to_string(lane + 1));
      } else {
        lane_free_at[lane] = end;
      }
      layout.lane_of_job[index] = first_lane + static_cast<int>(lane);
    }
  }
  return layout;
}

std::vector<size_t> SelectGanttJobs(const std::vector<JobRecord>& jobs, size_t max_jobs,
                                    double* cutoff) {
  std::vector<size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  *cutoff = std::numeric_limits<double>::infinity();
  if (jobs.size() <= max_jobs) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return jobs[a].t_pod_start < jobs[b].t_pod_start; });
  order.resize(max_jobs);
  *cutoff = max_jobs == 0 ? 0 : jobs[order.back()].t_pod_start;
  std::sort(order.begin(), order.end());
  return order;
}

PhaseOccupancy ComputePhaseOccupancy(const std::vector<JobRecord>& jobs, int bins, double end) {
  PhaseOccupancy occupancy;
  if (bins <= 0 || !(end > 0)) return occupancy;
  occupancy.bin_width = end / bins;
  occupancy.jobs_in_phase.assign(bins, {});
  const double width = occupancy.bin_width;
  for (const JobRecord& job : jobs) {
    for (int p = 0; p < kPhaseCount; ++p) {
      double from = std::max(0.0, PhaseStart(job, static_cast<Phase>(p)));
      double to = std::min(end, PhaseEnd(job, static_cast<Phase>(p)));
      if (!Finite(from) || !Finite(to) || !(to > from)) continue;
      int first = std::min(bins - 1, static_cast<int>(from / width));
      int last = std::min(bins - 1, static_cast<int>(to / width));
      for (int b = first; b <= last; ++b) {
        double overlap = std::min(to, (b + 1) * width) - std::max(from, b * width);
        if (overlap > 0) occupancy.jobs_in_phase[b][p] += overlap / width;
      }
    }
  }
  return occupancy;
}

}  // namespace twinprof::report
