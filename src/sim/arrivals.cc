#include "sim/arrivals.h"

#include <cmath>

namespace twinprof::sim {

ArrivalGenerator::ArrivalGenerator(const Workload& workload)
    : workload_(workload), random_(workload.seed) {}

double ArrivalGenerator::Uniform01() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

double ArrivalGenerator::Draw(const Distribution& distribution) {
  switch (distribution.kind) {
    case Distribution::Kind::kFixed:
      return distribution.a;
    case Distribution::Kind::kUniform:
      return distribution.a + (distribution.b - distribution.a) * Uniform01();
    case Distribution::Kind::kExponential:
      return -distribution.a * std::log1p(-Uniform01());
    case Distribution::Kind::kEmpirical: {
      auto i = static_cast<size_t>(Uniform01() * static_cast<double>(distribution.values.size()));
      return distribution.values[i];
    }
  }
  return distribution.a;
}

FileArrival ArrivalGenerator::Next() {
  if (!workload_.uploads.empty()) {
    FileArrival arrival;
    arrival.time = workload_.uploads[next_index_].first;
    arrival.bytes = workload_.uploads[next_index_].second;
    arrival.index = next_index_++;
    return arrival;
  }
  if (next_index_ > 0 && next_index_ % workload_.batch_size == 0) {
    batch_time_ += workload_.exponential ? -workload_.inter_upload_time * std::log1p(-Uniform01())
                                         : workload_.inter_upload_time;
  }
  FileArrival arrival;
  arrival.time = batch_time_;
  arrival.bytes = Draw(workload_.input_size);
  arrival.index = next_index_++;
  return arrival;
}

}  // namespace twinprof::sim
