// ArrivalGenerator: the input files of a Workload, in upload order, reproducibly.
//
// Files come in batches of `batch_size` (the last one may be smaller). The first batch lands at
// time 0; each next one `inter_upload_time` later, or after an exponentially distributed gap of
// that mean. Each file's size is drawn from the workload's input size distribution. The random
// stream is std::mt19937_64 (its output is fixed by the C++ standard) turned into doubles and
// draws by our own code, so a seed gives the same files on every machine and library. A workload
// with `uploads` (a replay) gives exactly those files.
#pragma once

#include <cstdint>
#include <random>

#include "sim/scenario.h"

namespace twinprof::sim {

struct FileArrival {
  double time = 0;  // seconds since the start
  double bytes = 0;
  int64_t index = 0;  // 0-based file number
};

class ArrivalGenerator {
 public:
  explicit ArrivalGenerator(const Workload& workload);

  // True while Next() has files left.
  bool HasNext() const {
    return next_index_ < (workload_.uploads.empty()
                              ? workload_.files
                              : static_cast<int64_t>(workload_.uploads.size()));
  }
  // The next file. Requires HasNext().
  FileArrival Next();

 private:
  double Uniform01();  // in [0, 1)
  double Draw(const Distribution& distribution);

  Workload workload_;
  std::mt19937_64 random_;
  int64_t next_index_ = 0;
  double batch_time_ = 0;
};

}  // namespace twinprof::sim
