#include "sim/arrivals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace twinprof::test {
namespace {

TEST(ArrivalGenerator, DeterministicBatches) {
  sim::Workload workload;
  workload.files = 7;
  workload.batch_size = 3;
  workload.inter_upload_time = 10;
  workload.input_size.a = 1000;
  sim::ArrivalGenerator generator(workload);
  std::vector<double> times;
  while (generator.HasNext()) {
    sim::FileArrival arrival = generator.Next();
    EXPECT_EQ(arrival.bytes, 1000);
    EXPECT_EQ(arrival.index, static_cast<int64_t>(times.size()));
    times.push_back(arrival.time);
  }
  EXPECT_EQ(times, (std::vector<double>{0, 0, 0, 10, 10, 10, 20}));
}

TEST(ArrivalGenerator, ExponentialMeanWithinThreePercent) {
  sim::Workload workload;
  workload.files = 10001;
  workload.batch_size = 1;
  workload.inter_upload_time = 2.5;
  workload.exponential = true;
  workload.seed = 7;
  sim::ArrivalGenerator generator(workload);
  double last = 0;
  while (generator.HasNext()) last = generator.Next().time;
  double mean = last / 10000;
  EXPECT_NEAR(mean, 2.5, 0.03 * 2.5);
}

TEST(ArrivalGenerator, SameSeedSameStreamOtherSeedOtherStream) {
  sim::Workload workload;
  workload.files = 100;
  workload.inter_upload_time = 1;
  workload.exponential = true;
  workload.input_size.kind = sim::Distribution::Kind::kUniform;
  workload.input_size.a = 10;
  workload.input_size.b = 20;
  auto draw = [&](uint64_t seed) {
    workload.seed = seed;
    sim::ArrivalGenerator generator(workload);
    std::vector<std::pair<double, double>> out;
    while (generator.HasNext()) {
      sim::FileArrival a = generator.Next();
      out.emplace_back(a.time, a.bytes);
    }
    return out;
  };
  EXPECT_EQ(draw(3), draw(3));
  EXPECT_NE(draw(3), draw(4));
  for (auto [time, bytes] : draw(5)) {
    EXPECT_GE(bytes, 10);
    EXPECT_LT(bytes, 20);
  }
}

TEST(ArrivalGenerator, ExponentialAndEmpiricalSizes) {
  sim::Workload workload;
  workload.files = 20000;
  workload.input_size.kind = sim::Distribution::Kind::kExponential;
  workload.input_size.a = 5e6;
  sim::ArrivalGenerator generator(workload);
  double sum = 0;
  while (generator.HasNext()) sum += generator.Next().bytes;
  EXPECT_NEAR(sum / 20000, 5e6, 0.03 * 5e6);

  workload.files = 1000;
  workload.input_size.kind = sim::Distribution::Kind::kEmpirical;
  workload.input_size.values = {1, 2, 3};
  sim::ArrivalGenerator empirical(workload);
  int seen[4] = {0, 0, 0, 0};
  while (empirical.HasNext()) ++seen[static_cast<int>(empirical.Next().bytes)];
  EXPECT_EQ(seen[0], 0);
  for (int v = 1; v <= 3; ++v) EXPECT_GT(seen[v], 250);
}

}  // namespace
}  // namespace twinprof::test
