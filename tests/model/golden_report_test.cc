// Golden outputs of `twinprof train`'s reports (tests/golden_file.h: TWINPROF_REFRESH_GOLDEN=1
// rewrites them). The one figure that varies, the time taken, is zeroed.
#include <gtest/gtest.h>

#include "../golden_file.h"
#include "model/config/train_config.h"
#include "model/trainer.h"

namespace twinprof::test {
namespace {

TEST(GoldenReport, Train) {
  // A relative path, so that the report names no folder of this machine (tests run in the
  // source tree).
  model::TrainConfig config = model::LoadTrainConfig("experiments/ml/simplest.ini");
  model::TrainOptions options;
  options.jobs = 2;
  model::TrainSummary summary = model::Train(config, options);
  summary.seconds = 0;
  test::ExpectGolden("train_brief.txt", summary.BriefReport() + "\n");
  test::ExpectGolden("train_full.txt", summary.FullReport());
}

}  // namespace
}  // namespace twinprof::test
