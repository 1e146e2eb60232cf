#include "model/config/train_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../model_test_util.h"

namespace twinprof::test {
namespace {

const char* kData = "a,b,name,time\n1,2,x,3\n2,3,y,5\n3,5,x,8\n4,7,y,11\n5,8,x,13\n6,9,y,15\n";

// The location and message of the error LoadTrainConfig throws for `ini`.
std::pair<int, std::string> ErrorOf(const std::string& ini) {
  ScratchDir dir;
  dir.Write("data.csv", kData);
  std::string path = dir.Write("c.ini", ini);
  try {
    model::LoadTrainConfig(path);
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    return {e.where().line, e.message()};
  }
  return {-1, "no error"};
}

TEST(TrainConfig, ReadsAnAmlLibraryFile) {
  ScratchDir dir;
  dir.Write("data.csv", kData);
  std::string path = dir.Write("c.ini",
                               "[General]\n"
                               "run_num = 2\n"
                               "techniques = ['LRRidge']\n"
                               "hp_selection = KFold\n"
                               "validation = Extrapolation\n"
                               "extrapolation_columns = {'a': 4}\n"
                               "folds = 3\n"
                               "y = \"time\"\n"
                               "[DataPreparation]\n"
                               "input_path = \"data.csv\"\n"
                               "inverse = ['a']\n"
                               "product_max_degree = 2\n"
                               "normalization = True\n"
                               "[LRRidge]\n"
                               "alpha = [0.1, 1.0]\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  EXPECT_EQ(config.techniques, std::vector<std::string>{"LRRidge"});
  EXPECT_EQ(config.y, "time");
  EXPECT_EQ(config.validation, model::SplitMethod::kExtrapolation);
  EXPECT_EQ(config.hp_selection, model::SplitMethod::kKFold);
  EXPECT_EQ(config.folds, 3);
  EXPECT_EQ(config.run_num, 2);
  EXPECT_EQ(config.input_path, dir.Path("data.csv"));  // relative to the configuration's folder
  EXPECT_TRUE(config.normalization);
  EXPECT_EQ(config.product_max_degree, 2);
  ASSERT_EQ(config.spaces.size(), 1u);
  ASSERT_EQ(config.spaces[0].hyperparameters.size(), 1u);
  EXPECT_EQ(config.spaces[0].hyperparameters[0].values.size(), 2u);
  EXPECT_EQ(config.spaces[0].hyperparameters[0].where.line, 15);
}

TEST(TrainConfig, ErrorsNameTheLineSectionAndKey) {
  const std::string head = "[General]\ntechniques = ['LRRidge']\ny = 'time'\n";
  const std::string data = "[DataPreparation]\ninput_path = 'data.csv'\n";

  auto [line, message] =
      ErrorOf("[General]\ntechniques = ['LRRidge', 'Magic']\ny = 'time'\n" + data);
  EXPECT_EQ(line, 2);
  EXPECT_NE(message.find("[General] techniques"), std::string::npos) << message;
  EXPECT_NE(message.find("Magic"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf("[General]\ntechniques = ['LRRidge']\n" + data);
  EXPECT_EQ(line, 1);
  EXPECT_NE(message.find("[General] y"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf(head + data + "[LRRidge]\nalpha = [0.1, 1\n");
  EXPECT_EQ(line, 7);
  EXPECT_NE(message.find("[LRRidge] alpha"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf(head + data + "[LRRidge]\nalpha = [0.1]\nbeta = [2]\n");
  EXPECT_EQ(line, 8);
  EXPECT_NE(message.find("beta"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf(head + data + "[LRRidge]\nalpha = [0.1, -1]\n");
  EXPECT_EQ(line, 7);

  std::tie(line, message) = ErrorOf(head + "validation = KFold\n" + data);
  EXPECT_NE(message.find("[General] folds"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf(head + "[DataPreparation]\ninput_path = 'nothere.csv'\n");
  EXPECT_EQ(line, 5);
  EXPECT_NE(message.find("[DataPreparation] input_path"), std::string::npos) << message;

  std::tie(line, message) = ErrorOf(head + "validation = Sideways\n" + data);
  EXPECT_EQ(line, 4);

  std::tie(line, message) = ErrorOf(head + "colour = 'red'\n" + data);
  EXPECT_EQ(line, 4);
  EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
}

TEST(TrainConfig, ReadsTheYamlEquivalent) {
  ScratchDir dir;
  dir.Write("data.csv", kData);
  std::string path = dir.Write("c.yaml",
                               "General:\n"
                               "  techniques: [LRRidge]\n"
                               "  y: time\n"
                               "  validation: HoldOut\n"
                               "  hold_out_ratio: 0.25\n"
                               "DataPreparation:\n"
                               "  input_path: data.csv\n"
                               "  skip_rows: {a: 5}\n"
                               "LRRidge:\n"
                               "  alpha: [0.1, 1.0]\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  EXPECT_EQ(config.validation, model::SplitMethod::kHoldOut);
  EXPECT_DOUBLE_EQ(config.hold_out_ratio, 0.25);
  ASSERT_EQ(config.skip_rows.size(), 1u);
  EXPECT_EQ(config.skip_rows[0].first, "a");
}

}  // namespace
}  // namespace twinprof::test

namespace twinprof::test {
namespace {

// Every configuration in experiments/ml loads, and docs/formats.md quotes its examples verbatim.
TEST(TrainConfig, ExperimentConfigurationsLoadAndTheDocsQuoteThem) {
  namespace fs = std::filesystem;
  fs::path folder = fs::path(TWINPROF_SOURCE_DIR) / "experiments/ml";
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".ini" && ext != ".yaml") continue;
    model::TrainConfig config = model::LoadTrainConfig(entry.path().string());
    EXPECT_FALSE(config.techniques.empty()) << entry.path();
    EXPECT_TRUE(fs::exists(config.input_path)) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 7);
  auto read = [](const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  std::string docs = read(fs::path(TWINPROF_SOURCE_DIR) / "docs/formats.md");
  for (const char* example : {"faas_test.ini", "faas_test.yaml"}) {
    EXPECT_NE(docs.find(read(folder / example)), std::string::npos)
        << "docs/formats.md does not quote experiments/ml/" << example;
  }
  // The YAML file says what the .ini file says.
  model::TrainConfig ini = model::LoadTrainConfig((folder / "faas_test.ini").string());
  model::TrainConfig yaml = model::LoadTrainConfig((folder / "faas_test.yaml").string());
  EXPECT_EQ(ini.input_path, yaml.input_path);
  EXPECT_EQ(ini.y, yaml.y);
  EXPECT_EQ(ini.inverse, yaml.inverse);
  EXPECT_EQ(ini.hold_out_ratio, yaml.hold_out_ratio);
}

}  // namespace
}  // namespace twinprof::test
