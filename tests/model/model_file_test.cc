#include "model/model_file.h"

#include <gtest/gtest.h>

#include <cstring>

#include "model/trainer.h"
#include "model_test_util.h"

namespace twinprof::test {
namespace {

TEST(ModelFile, ReloadedModelPredictsBitForBit) {
  ScratchDir dir;
  dir.Write("data.csv",
            "size,kind,cores,time\n"
            "1,a,1,10.5\n2,b,2,7.1\n3,a,4,6.2\n4,b,1,40.3\n5,a,2,26.0\n6,b,4,17.9\n"
            "7,a,1,70.1\n8,b,2,41.2\n9,a,4,24.8\n10,b,8,13.3\n");
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'time'\n"
                               "validation = HoldOut\nhold_out_ratio = 0.3\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\n"
                               "rename_columns = {'cores': 'c'}\ninverse = ['c']\n"
                               "log = ['size']\nproduct_max_degree = 2\nnormalization = True\n"
                               "[LRRidge]\nalpha = [0.01, 0.1]\n");
  model::TrainSummary summary = model::Train(model::LoadTrainConfig(path), model::TrainOptions{});
  ASSERT_EQ(summary.best, 0);
  const model::ModelFile& model = *summary.techniques[0].model;
  CsvTable table = LoadCsv(dir.Path("data.csv"));
  Eigen::VectorXd before = model.Predict(table);

  model.Save(dir.Path("m.model"));
  model::ModelFile loaded = model::ModelFile::Load(dir.Path("m.model"));
  Eigen::VectorXd after = loaded.Predict(table);
  ASSERT_EQ(before.size(), after.size());
  for (Eigen::Index i = 0; i < before.size(); ++i) {
    EXPECT_EQ(std::memcmp(&before(i), &after(i), sizeof(double)), 0) << i;
  }
  EXPECT_EQ(loaded.ToJson().dump(), model.ToJson().dump());

  // Intervals widen with the level and hold the prediction's neighbourhood.
  Eigen::VectorXd lo50, hi50, lo90, hi90;
  loaded.Interval(after, 0.5, &lo50, &hi50);
  loaded.Interval(after, 0.9, &lo90, &hi90);
  for (Eigen::Index i = 0; i < after.size(); ++i) {
    EXPECT_LE(lo90(i), lo50(i));
    EXPECT_GE(hi90(i), hi50(i));
    EXPECT_LE(lo50(i), hi50(i));
  }
}

TEST(ModelFile, RejectsFilesThatAreNotModels) {
  ScratchDir dir;
  for (const std::string& text :
       {std::string("{\"format\": \"other\"}"), std::string("[1, 2"),
        std::string("{\"format\": \"twinprof-model\", \"version\": 1}")}) {
    std::string path = dir.Write("bad.model", text);
    try {
      model::ModelFile::Load(path);
      ADD_FAILURE() << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, path);
    }
  }
}

}  // namespace
}  // namespace twinprof::test
