// A job record whose 28 fields all differ from their defaults and from each other, so a test that
// round-trips it catches a swapped or dropped column.
#pragma once

#include <gtest/gtest.h>

#include <cmath>

#include "core/job_record.h"

namespace twinprof::test {

inline JobRecord FullJobRecord() {
  JobRecord r;
  r.campaign = "video-process";
  r.run_id = 7;
  r.repetition = 2;
  r.component = "grayify";
  r.job_id = "grayify:clip-3.mp4";
  r.source = "oscar";
  r.cluster = "edge";
  r.node = "rpi-4";
  r.node_type = "rpi4";
  r.arch = "arm64";
  r.cpu = 0.75;
  r.memory_mb = 384;
  r.parallelism = 3;
  r.input_bytes = 1048576;
  r.output_bytes = 65536.5;
  r.output_files = 4;
  r.t_submit = 0.125;
  r.t_pod_start = 0.375;
  r.t_container_start = 1.875;
  r.t_exec_start = 2.0625;
  r.t_exec_end = 9.5;
  r.t_finish = 10.25;
  r.status = "failed";
  r.failure_reason = "exit 3, \"boom\"\nsecond line";
  r.cpu_time_s = 6.125;
  r.throttled_fraction = 0.375;
  r.peak_memory_mb = 201.5;
  r.limits = "cpu limit not enforced: cgroup read-only";
  r.parameters = {{"grayify.cpu", "0.75"}, {"input", "clip-3.mp4"}};
  return r;
}

// Expects every one of the 28 fields of `actual` to equal `expected`'s (NaN equals NaN), field by
// field and independently of JobColumns(), so a mistake in the table shows too.
inline void ExpectSameRecord(const JobRecord& actual, const JobRecord& expected) {
  auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  EXPECT_EQ(actual.campaign, expected.campaign) << "campaign";
  EXPECT_EQ(actual.run_id, expected.run_id) << "run_id";
  EXPECT_EQ(actual.repetition, expected.repetition) << "repetition";
  EXPECT_EQ(actual.component, expected.component) << "component";
  EXPECT_EQ(actual.job_id, expected.job_id) << "job_id";
  EXPECT_EQ(actual.source, expected.source) << "source";
  EXPECT_EQ(actual.cluster, expected.cluster) << "cluster";
  EXPECT_EQ(actual.node, expected.node) << "node";
  EXPECT_EQ(actual.node_type, expected.node_type) << "node_type";
  EXPECT_EQ(actual.arch, expected.arch) << "arch";
  EXPECT_PRED2(same, actual.cpu, expected.cpu) << "cpu";
  EXPECT_PRED2(same, actual.memory_mb, expected.memory_mb) << "memory_mb";
  EXPECT_EQ(actual.parallelism, expected.parallelism) << "parallelism";
  EXPECT_PRED2(same, actual.input_bytes, expected.input_bytes) << "input_bytes";
  EXPECT_PRED2(same, actual.output_bytes, expected.output_bytes) << "output_bytes";
  EXPECT_EQ(actual.output_files, expected.output_files) << "output_files";
  EXPECT_PRED2(same, actual.t_submit, expected.t_submit) << "t_submit";
  EXPECT_PRED2(same, actual.t_pod_start, expected.t_pod_start) << "t_pod_start";
  EXPECT_PRED2(same, actual.t_container_start, expected.t_container_start) << "t_container_start";
  EXPECT_PRED2(same, actual.t_exec_start, expected.t_exec_start) << "t_exec_start";
  EXPECT_PRED2(same, actual.t_exec_end, expected.t_exec_end) << "t_exec_end";
  EXPECT_PRED2(same, actual.t_finish, expected.t_finish) << "t_finish";
  EXPECT_EQ(actual.status, expected.status) << "status";
  EXPECT_EQ(actual.failure_reason, expected.failure_reason) << "failure_reason";
  EXPECT_PRED2(same, actual.cpu_time_s, expected.cpu_time_s) << "cpu_time_s";
  EXPECT_PRED2(same, actual.peak_memory_mb, expected.peak_memory_mb) << "peak_memory_mb";
  EXPECT_EQ(actual.limits, expected.limits) << "limits";
  EXPECT_PRED2(same, actual.throttled_fraction, expected.throttled_fraction)
      << "throttled_fraction";
  EXPECT_EQ(actual.parameters, expected.parameters);
}

}  // namespace twinprof::test
