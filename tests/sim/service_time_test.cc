// ServiceTimeSampler: each distribution's draws have its mean (and, for the log-normal, its
// standard deviation), within sampling error; the same seed gives the same draws.

#include "sim/service_time.h"

#include <gtest/gtest.h>

#include <cmath>

namespace twinprof::test {
namespace {

struct Moments {
  double mean = 0;
  double stddev = 0;
};

Moments Sample(const sim::ServiceTime& time, int n, uint64_t seed = 3) {
  sim::ServiceTimeSampler sampler(seed);
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double t = sampler.Draw(time);
    EXPECT_GE(t, 0);
    sum += t;
    squares += t * t;
  }
  Moments m;
  m.mean = sum / n;
  m.stddev = std::sqrt(squares / n - m.mean * m.mean);
  return m;
}

constexpr int kDraws = 200000;

TEST(ServiceTime, ExponentialMeanAndDeviation) {
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kExponential;
  time.mean_s = 2;
  Moments m = Sample(time, kDraws);
  // Standard error of the mean: 2 / sqrt(n) = 0.0045; 4 of them.
  EXPECT_NEAR(m.mean, 2, 4 * 2 / std::sqrt(kDraws));
  EXPECT_NEAR(m.stddev, 2, 0.03);
}

TEST(ServiceTime, LogNormalMeanAndDeviation) {
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kLogNormal;
  time.mean_s = 2;
  time.stddev_s = 1;
  Moments m = Sample(time, kDraws);
  EXPECT_NEAR(m.mean, 2, 4 * 1 / std::sqrt(kDraws));
  EXPECT_NEAR(m.stddev, 1, 0.02);
}

TEST(ServiceTime, EmpiricalDrawsEachValueAlike) {
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kEmpirical;
  time.values_s = {1, 2, 6};
  sim::ServiceTimeSampler sampler(5);
  int counts[7] = {};
  for (int i = 0; i < 30000; ++i) ++counts[static_cast<int>(sampler.Draw(time))];
  for (int v : {1, 2, 6})
    EXPECT_NEAR(counts[v], 10000, 4 * std::sqrt(30000 * (1 / 3.0) * (2 / 3.0)));
  EXPECT_EQ(counts[1] + counts[2] + counts[6], 30000);
}

TEST(ServiceTime, DeterministicAndSameSeedSameDraws) {
  sim::ServiceTime fixed;
  fixed.kind = sim::ServiceTime::Kind::kDeterministic;
  fixed.mean_s = 0.25;
  sim::ServiceTimeSampler sampler(1);
  EXPECT_EQ(sampler.Draw(fixed), 0.25);
  sim::ServiceTime time;
  time.kind = sim::ServiceTime::Kind::kExponential;
  time.mean_s = 1;
  sim::ServiceTimeSampler a(9), b(9), c(10);
  const double first = a.Draw(time);
  EXPECT_EQ(first, b.Draw(time));
  EXPECT_NE(first, c.Draw(time));
}

}  // namespace
}  // namespace twinprof::test
