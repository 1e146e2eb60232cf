// `twinprof train` with hyperparameter_tuning = Hyperopt, end to end on aMLLibrary's example
// (experiments/ml/faas_test_hyperopt.ini, the example of docs/formats.md "Hyperparameter priors").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../../subprocess.h"
#include "../model_test_util.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

TEST(HyperoptCommand, TrainsAmlLibrarysExampleIdenticallyAtOneAndTwoThreads) {
  ScratchDir dir;
  nlohmann::json results[2];
  for (int jobs : {1, 2}) {
    std::string out = dir.Path("out" + std::to_string(jobs));
    auto train = RunTwinprof({"train", "-c", Experiment("faas_test_hyperopt.ini"), "-o", out, "-j",
                              std::to_string(jobs)});
    ASSERT_EQ(train.exit_status, 0) << train.err;
    results[jobs - 1] = nlohmann::json::parse(ReadText(fs::path(out) / "results.json"));
    results[jobs - 1].erase("seconds");
    results[jobs - 1].erase("threads");
    std::string text = ReadText(fs::path(out) / "results.txt");
    EXPECT_NE(text.find("search: TPE (Bayesian"), std::string::npos) << text;
    EXPECT_NE(text.find("10 evaluations per technique"), std::string::npos) << text;
    EXPECT_NE(text.find("points tried (evaluations): 10"), std::string::npos) << text;
  }
  EXPECT_EQ(results[0].dump(), results[1].dump());
  const nlohmann::json& r = results[0];
  EXPECT_EQ(r["search"]["method"], "Hyperopt");
  EXPECT_EQ(r["search"]["max_evals"], 10);
  ASSERT_EQ(r["techniques"].size(), 1u);
  const nlohmann::json& ridge = r["techniques"][0];
  EXPECT_EQ(ridge["points"], 10);
  double alpha = ridge["hyperparameters"]["alpha"];
  EXPECT_GE(alpha, 0.01);
  EXPECT_LT(alpha, 1);
  EXPECT_LT(ridge["validation"]["mape"].get<double>(), 1.0);
  // The saved model predicts.
  std::string pred = dir.Path("pred");
  auto predict = RunTwinprof({"predict", "-r", dir.Path("out1") + "/best.model", "-c",
                              Experiment("faas_test_hyperopt.ini"), "-o", pred});
  ASSERT_EQ(predict.exit_status, 0) << predict.err;
  EXPECT_TRUE(fs::exists(fs::path(pred) / "prediction.csv"));
}

}  // namespace
}  // namespace twinprof::test
