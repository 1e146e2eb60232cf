// Lanes, job selection and phase occupancy of the timeline (src/report/timeline_layout.h).

#include "report/timeline_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace twinprof::test {
namespace {

JobRecord Job(const std::string& node, double submit, double pod, double finish) {
  JobRecord job;
  job.node = node;
  job.t_submit = submit;
  job.t_pod_start = pod;
  job.t_container_start = pod + 0.1 * (finish - pod);
  job.t_exec_start = pod + 0.2 * (finish - pod);
  job.t_exec_end = pod + 0.9 * (finish - pod);
  job.t_finish = finish;
  return job;
}

// The most jobs of `node` holding it at once (ends are exclusive: a job may start as one ends).
int MaxConcurrency(const std::vector<JobRecord>& jobs, const std::string& node) {
  std::vector<std::pair<double, int>> events;
  for (const JobRecord& job : jobs) {
    if (job.node != node) continue;
    events.emplace_back(job.t_pod_start, +1);
    events.emplace_back(job.t_finish, -1);
  }
  std::sort(events.begin(), events.end());  // -1 before +1 at equal times
  int now = 0, most = 0;
  for (const auto& [time, change] : events) {
    now += change;
    most = std::max(most, now);
  }
  return most;
}

TEST(TimelineLayoutTest, LanesNeverOverlapAndAreAsFewAsTheMostConcurrentJobs) {
  std::mt19937 random(5);
  std::uniform_real_distribution<double> start(0, 100), length(0.5, 12);
  std::vector<JobRecord> jobs;
  for (int i = 0; i < 400; ++i) {
    double pod = start(random);
    jobs.push_back(Job(i % 3 == 0 ? "vm-10" : (i % 3 == 1 ? "vm-2" : "rpi"), pod - 1, pod,
                       pod + length(random)));
  }
  report::LaneLayout layout = report::LayOutLanes(jobs);
  ASSERT_EQ(layout.lane_of_job.size(), jobs.size());
  std::map<int, std::vector<size_t>> by_lane;
  for (size_t i = 0; i < jobs.size(); ++i) by_lane[layout.lane_of_job[i]].push_back(i);
  for (auto& [lane, indices] : by_lane) {
    std::sort(indices.begin(), indices.end(),
              [&](size_t a, size_t b) { return jobs[a].t_pod_start < jobs[b].t_pod_start; });
    for (size_t k = 1; k < indices.size(); ++k) {
      EXPECT_LE(jobs[indices[k - 1]].t_finish, jobs[indices[k]].t_pod_start)
          << "lane " << layout.lane_names[lane];
      EXPECT_EQ(jobs[indices[k - 1]].node, jobs[indices[k]].node);
    }
  }
  std::map<std::string, int> lanes_of_node;
  for (const std::string& name : layout.lane_names) ++lanes_of_node[name.substr(0, name.find(' '))];
  for (const std::string node : {"vm-10", "vm-2", "rpi"}) {
    EXPECT_EQ(lanes_of_node[node], MaxConcurrency(jobs, node)) << node;
  }
  // Nodes in natural order: rpi, vm-2, vm-10.
  EXPECT_EQ(layout.lane_names.front(), "rpi · 1");
  auto first_vm10 = std::find(layout.lane_names.begin(), layout.lane_names.end(), "vm-10 · 1");
  auto first_vm2 = std::find(layout.lane_names.begin(), layout.lane_names.end(), "vm-2 · 1");
  EXPECT_LT(first_vm2, first_vm10);
}

TEST(TimelineLayoutTest, NaturalOrderComparesDigitsAsNumbers) {
  EXPECT_TRUE(report::NaturalLess("vm-2", "vm-10"));
  EXPECT_FALSE(report::NaturalLess("vm-10", "vm-2"));
  EXPECT_TRUE(report::NaturalLess("node-007", "node-8"));
  EXPECT_TRUE(report::NaturalLess("a", "b"));
  EXPECT_TRUE(report::NaturalLess("vm", "vm-1"));
  EXPECT_FALSE(report::NaturalLess("vm-1", "vm-1"));
}

TEST(TimelineLayoutTest, LargeRunsKeepTheirFirstJobsByStartTime) {
  std::vector<JobRecord> jobs;
  for (int i = 0; i < 100; ++i) jobs.push_back(Job("n", 0, 99 - i, 200));  // later jobs first
  double cutoff = 0;
  std::vector<size_t> kept = report::SelectGanttJobs(jobs, 10, &cutoff);
  ASSERT_EQ(kept.size(), 10u);
  for (size_t k = 0; k < kept.size(); ++k) EXPECT_EQ(kept[k], 90 + k);
  EXPECT_EQ(cutoff, 9);
  kept = report::SelectGanttJobs(jobs, 100, &cutoff);
  EXPECT_EQ(kept.size(), 100u);
  EXPECT_TRUE(std::isinf(cutoff));
}

TEST(TimelineLayoutTest, OccupancyIntegratesToEachPhasesSeconds) {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> start(0, 50), length(0.01, 9);
  std::vector<JobRecord> jobs;
  double end = 0;
  for (int i = 0; i < 300; ++i) {
    double submit = start(random);
    jobs.push_back(Job("n", submit, submit + length(random), submit + 10 + length(random)));
    end = std::max(end, jobs.back().t_finish);
  }
  report::PhaseOccupancy occupancy = report::ComputePhaseOccupancy(jobs, 37, end);
  ASSERT_EQ(occupancy.jobs_in_phase.size(), 37u);
  for (int p = 0; p < report::kPhaseCount; ++p) {
    double expected = 0, integrated = 0;
    for (const JobRecord& job : jobs) {
      expected += report::PhaseEnd(job, static_cast<report::Phase>(p)) -
                  report::PhaseStart(job, static_cast<report::Phase>(p));
    }
    for (const auto& bin : occupancy.jobs_in_phase) integrated += bin[p] * occupancy.bin_width;
    EXPECT_NEAR(integrated, expected, 1e-9 * expected)
        << report::PhaseName(static_cast<report::Phase>(p));
  }
  // At any bin, no more jobs than were submitted and not finished.
  for (const auto& bin : occupancy.jobs_in_phase) {
    double total = 0;
    for (double value : bin) total += value;
    EXPECT_LE(total, 300 + 1e-9);
  }
}

TEST(TimelineLayoutTest, PhasesAreConsecutive) {
  JobRecord job = Job("n", 1, 2, 12);
  for (int p = 0; p + 1 < report::kPhaseCount; ++p) {
    EXPECT_EQ(report::PhaseEnd(job, static_cast<report::Phase>(p)),
              report::PhaseStart(job, static_cast<report::Phase>(p + 1)));
  }
  EXPECT_STREQ(report::PhaseName(report::Phase::kColdStart), "cold start");
}

}  // namespace
}  // namespace twinprof::test
