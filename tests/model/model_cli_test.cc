// `twinprof train` and `twinprof predict` end to end on the configurations in experiments/ml.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../subprocess.h"
#include "model_test_util.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(TrainCommand, TrainsFaasTestBelowOnePercentAndPredicts) {
  ScratchDir dir;
  std::string out = dir.Path("out");
  auto train = RunTwinprof({"train", "-c", Experiment("faas_test.ini"), "-o", out, "-j", "2"});
  ASSERT_EQ(train.exit_status, 0) << train.err;
  EXPECT_NE(train.out.find("best "), std::string::npos) << train.out;
  for (const char* file : {"results.json", "results.txt", "best.model"}) {
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  }
  nlohmann::json results = ReadJson(fs::path(out) / "results.json");
  std::string best = results["best_technique"];
  EXPECT_TRUE(fs::exists(fs::path(out) / (best + ".model")));
  for (const nlohmann::json& t : results["techniques"]) {
    EXPECT_TRUE(fs::exists(fs::path(out) / (t["technique"].get<std::string>() + ".model")))
        << t["technique"];
    if (t["technique"] == best) {
      EXPECT_LT(t["validation"]["mape"].get<double>(), 1.0);
    }
  }
  std::string text = ReadText(fs::path(out) / "results.txt");
  EXPECT_NE(text.find("MAPE% train"), std::string::npos);
  EXPECT_NE(text.find("best hyperparameters"), std::string::npos);

  // A finished output is not overwritten without --force.
  auto again = RunTwinprof({"train", "-c", Experiment("faas_test.ini"), "-o", out});
  EXPECT_EQ(again.exit_status, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  auto forced = RunTwinprof({"train", "-c", Experiment("faas_test.ini"), "-o", out, "--force"});
  EXPECT_EQ(forced.exit_status, 0) << forced.err;

  // Predict on the same data: real,pred columns and the MAPE printed.
  std::string pred = dir.Path("pred");
  auto predict = RunTwinprof({"predict", "-r", out + "/best.model", "-c",
                              Experiment("faas_test.ini"), "-o", pred, "--interval", "0.9"});
  ASSERT_EQ(predict.exit_status, 0) << predict.err;
  EXPECT_NE(predict.out.find("MAPE"), std::string::npos) << predict.out;
  std::string csv = ReadText(fs::path(pred) / "prediction.csv");
  // The features the model reads, then the values; no training row is outside the training range.
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "Lambda,warm_service_time,cold_service_time,expiration_time,real,pred,lo,hi,"
            "extrapolated");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 51);
  EXPECT_NE(predict.out.find("; 0 outside the training range of a feature"), std::string::npos)
      << predict.out;
  nlohmann::json about = ReadJson(fs::path(pred) / "prediction.json");
  EXPECT_EQ(about["target"], "ave_response_time");
  EXPECT_EQ(about["rows"], 50);
  EXPECT_EQ(about["extrapolated_rows"], 0);
}

// faas_test trained into dir/out; returns the path of its best.model.
std::string TrainFaasTest(ScratchDir& dir) {
  std::string out = dir.Path("out");
  auto train = RunTwinprof({"train", "-c", Experiment("faas_test.ini"), "-o", out});
  EXPECT_EQ(train.exit_status, 0) << train.err;
  return out + "/best.model";
}

// `twinprof predict -r model` on dir/<name>.csv holding `csv`, into dir/<name>-out.
CommandResult PredictOn(ScratchDir& dir, const std::string& model, const std::string& name,
                        const std::string& csv) {
  dir.Write(name + ".csv", csv);
  std::string config =
      dir.Write(name + ".ini", "[DataPreparation]\ninput_path = '" + name + ".csv'\n");
  return RunTwinprof({"predict", "-r", model, "-c", config, "-o", dir.Path(name + "-out")});
}

TEST(PredictCommand, DataWithoutTheTargetGivesPredictionsOnly) {
  ScratchDir dir;
  std::string model = TrainFaasTest(dir);
  auto predict = PredictOn(dir, model, "new",
                           "Lambda,warm_service_time,cold_service_time,expiration_time\n"
                           "0.5,1.0,1.2,600\n0.7,2.0,2.4,600\n");
  ASSERT_EQ(predict.exit_status, 0) << predict.err;
  std::string csv = ReadText(dir.path() / "new-out/prediction.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "Lambda,warm_service_time,cold_service_time,expiration_time,pred,extrapolated");
  EXPECT_EQ(predict.out.find("MAPE"), std::string::npos);

  auto failed = PredictOn(dir, model, "bad", "Lambda,warm_service_time\n0.5,1.0\n");
  EXPECT_EQ(failed.exit_status, 2);
  EXPECT_NE(failed.err.find("cold_service_time"), std::string::npos) << failed.err;
}

// MAPE divides by the real value: predict reports it over the rows where that is not 0, and says
// how many it left out, instead of printing an infinite MAPE.
TEST(PredictCommand, MapeLeavesOutRowsWhoseRealValueIsZero) {
  ScratchDir dir;
  auto predict =
      PredictOn(dir, TrainFaasTest(dir), "real",
                "Lambda,warm_service_time,cold_service_time,expiration_time,ave_response_time\n"
                "0.68,0.23,0.28,600,0.25\n0.29,0.37,0.44,600,0\n0.5,1.0,1.2,600,1.1\n");
  ASSERT_EQ(predict.exit_status, 0) << predict.err;
  const std::string said = "% over the 2 rows whose real value is not 0 (1 are)";
  size_t at = predict.out.find(said);
  ASSERT_NE(at, std::string::npos) << predict.out;
  size_t mape_at = predict.out.rfind("MAPE ", at);
  ASSERT_NE(mape_at, std::string::npos) << predict.out;
  double printed = std::stod(predict.out.substr(mape_at + 5, at - mape_at - 5));

  // The same figure from prediction.csv's rows 1 and 3.
  std::istringstream csv(ReadText(dir.path() / "real-out/prediction.csv"));
  std::string line;
  std::getline(csv, line);
  const std::string columns = "Lambda,warm_service_time,cold_service_time,expiration_time,";
  ASSERT_EQ(line, columns + "real,pred,extrapolated");
  double sum = 0;
  while (std::getline(csv, line)) {
    std::istringstream fields(line);
    std::vector<double> values;
    for (std::string field; std::getline(fields, field, ',');) values.push_back(std::stod(field));
    ASSERT_EQ(values.size(), 7u) << line;
    double real = values[4], pred = values[5];
    if (real != 0) sum += std::abs(real - pred) / std::abs(real);
  }
  EXPECT_NEAR(printed, 100.0 * sum / 2, 1e-4 * printed);
}

// A row with a feature outside the range the model was trained on is flagged and counted.
TEST(PredictCommand, RowsOutsideTheTrainingRangeAreFlagged) {
  ScratchDir dir;
  auto predict = PredictOn(dir, TrainFaasTest(dir), "far",
                           "Lambda,warm_service_time,cold_service_time,expiration_time\n"
                           "0.5,1.0,1.2,600\n2.5,1.0,1.2,600\n0.5,1.0,1.2,900\n");
  ASSERT_EQ(predict.exit_status, 0) << predict.err;
  EXPECT_NE(predict.out.find("; 2 outside the training range of a feature"), std::string::npos)
      << predict.out;
  std::istringstream csv(ReadText(dir.path() / "far-out/prediction.csv"));
  std::string line;
  std::vector<char> flags;
  std::getline(csv, line);
  while (std::getline(csv, line)) flags.push_back(line.back());
  EXPECT_EQ(flags, (std::vector<char>{'0', '1', '1'}));
  EXPECT_EQ(ReadJson(dir.path() / "far-out/prediction.json")["extrapolated_rows"], 2);
}

TEST(TrainCommand, StepwiseOnDraperSmithSelectsTheTextbookVariables) {
  ScratchDir dir;
  std::string out = dir.Path("out");
  auto train = RunTwinprof({"train", "-c", Experiment("draper_smith_stepwise.ini"), "-o", out});
  ASSERT_EQ(train.exit_status, 0) << train.err;
  nlohmann::json results = ReadJson(fs::path(out) / "results.json");
  ASSERT_EQ(results["techniques"].size(), 1u);
  // Hald's cement data: x4 enters first, then x1, then x2 (p = 0.052 < 0.1), and x4 leaves.
  auto features = results["techniques"][0]["model_features"].get<std::vector<std::string>>();
  std::sort(features.begin(), features.end());
  EXPECT_EQ(features, (std::vector<std::string>{"x1", "x2"}));

  // With aMLLibrary's default p_to_add = 0.05, x2 cannot enter: x1 and x4 stay.
  std::string config =
      dir.Write("defaults.ini",
                "[General]\ntechniques = ['Stepwise']\ny = 'y'\n[DataPreparation]\n"
                "input_path = '" +
                    Dataset("draper_smith.csv") + "'\n");
  auto defaults = RunTwinprof({"train", "-c", config, "-o", dir.Path("out2")});
  ASSERT_EQ(defaults.exit_status, 0) << defaults.err;
  results = ReadJson(dir.path() / "out2/results.json");
  features = results["techniques"][0]["model_features"].get<std::vector<std::string>>();
  std::sort(features.begin(), features.end());
  EXPECT_EQ(features, (std::vector<std::string>{"x1", "x4"}));
}

TEST(TrainCommand, StereomatchExtrapolationReportsEveryTechnique) {
  ScratchDir dir;
  std::string out = dir.Path("out");
  auto train = RunTwinprof(
      {"train", "-c", Experiment("stereomatch_extrapolation.ini"), "-o", out, "-j", "2"});
  ASSERT_EQ(train.exit_status, 0) << train.err;
  nlohmann::json results = ReadJson(fs::path(out) / "results.json");
  EXPECT_EQ(results["validation"], "Extrapolation(nThreads > 4)");
  std::vector<std::string> techniques;
  for (const nlohmann::json& t : results["techniques"]) {
    techniques.push_back(t["technique"]);
    EXPECT_TRUE(t["ok"].get<bool>()) << t.dump();
    EXPECT_TRUE(t["validation"]["mape"].is_number()) << t.dump();
    EXPECT_TRUE(fs::exists(fs::path(out) / (techniques.back() + ".model")));
  }
  EXPECT_EQ(techniques, (std::vector<std::string>{"LRRidge", "Lasso", "NNLS", "XGBoost",
                                                  "DecisionTree", "RandomForest", "SVR"}));
  std::string text = ReadText(fs::path(out) / "results.txt");
  for (const std::string& t : techniques) EXPECT_NE(text.find(t + ":"), std::string::npos) << t;
}

TEST(TrainCommand, EveryDatasetTrainsAndPredicts) {
  for (const char* config :
       {"simplest.ini", "faas_predict.ini", "stereomatch_kfold.ini", "ernest.ini",
        "selected_products.ini", "stereomatch_selected_products.ini"}) {
    ScratchDir dir;
    std::string out = dir.Path("out");
    auto train = RunTwinprof({"train", "-c", Experiment(config), "-o", out, "-j", "2"});
    ASSERT_EQ(train.exit_status, 0) << config << ": " << train.err;
    auto predict = RunTwinprof(
        {"predict", "-r", out + "/best.model", "-c", Experiment(config), "-o", dir.Path("pred")});
    ASSERT_EQ(predict.exit_status, 0) << config << ": " << predict.err;
    EXPECT_NE(predict.out.find("MAPE"), std::string::npos) << predict.out;
  }
}

}  // namespace
}  // namespace twinprof::test
