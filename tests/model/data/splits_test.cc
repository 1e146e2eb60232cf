#include "model/data/splits.h"

#include <gtest/gtest.h>

#include <set>

#include "../model_test_util.h"

namespace twinprof::test {
namespace {

std::vector<int> Rows(int n) {
  std::vector<int> rows(n);
  for (int i = 0; i < n; ++i) rows[i] = i;
  return rows;
}

TEST(Splits, KFoldCoversEveryRowOnceWithBalancedFolds) {
  std::mt19937_64 rng(3);
  std::vector<model::RowSplit> folds = model::KFoldSplits(Rows(11), 3, rng);
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(folds[0].test.size(), 4u);
  EXPECT_EQ(folds[1].test.size(), 4u);
  EXPECT_EQ(folds[2].test.size(), 3u);
  std::multiset<int> seen;
  for (const model::RowSplit& f : folds) {
    seen.insert(f.test.begin(), f.test.end());
    EXPECT_EQ(f.train.size() + f.test.size(), 11u);
  }
  std::vector<int> all = Rows(11);
  EXPECT_EQ(seen, std::multiset<int>(all.begin(), all.end()));
}

TEST(Splits, HoldOutTakesTheCeilingAndIsSeeded) {
  std::mt19937_64 a(7), b(7), c(8);
  model::RowSplit s1 = model::HoldOutSplit(Rows(10), 0.25, a);
  model::RowSplit s2 = model::HoldOutSplit(Rows(10), 0.25, b);
  model::RowSplit s3 = model::HoldOutSplit(Rows(10), 0.25, c);
  EXPECT_EQ(s1.test.size(), 3u);
  EXPECT_EQ(s1.test, s2.test);
  EXPECT_NE(s1.test, s3.test);
}

TEST(Splits, ExtrapolationAndInterpolationFollowAmlLibrary) {
  ScratchDir dir;
  dir.Write("d.csv", "t,y\n1,1\n2,1\n3,1\n4,1\n5,1\n6,1\n8,1\n");
  std::string path =
      dir.Write("c.ini",
                "[General]\ntechniques = ['LRRidge']\ny = 'y'\nvalidation = Extrapolation\n"
                "extrapolation_columns = {'t': 4}\n[DataPreparation]\ninput_path = 'd.csv'\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  CsvTable table = LoadCsv(config.input_path);
  std::mt19937_64 rng(0);
  std::vector<model::RowSplit> splits = model::ValidationSplits(config, table, rng);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].train, (std::vector<int>{0, 1, 2, 3}));  // t <= 4
  EXPECT_EQ(splits[0].test, (std::vector<int>{4, 5, 6}));      // t > 4

  config.extrapolation_columns = {{"t", 8}};
  try {
    model::ValidationSplits(config, table, rng);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 5);
    EXPECT_NE(e.message().find("[General] extrapolation_columns"), std::string::npos);
  }

  config.validation = model::SplitMethod::kInterpolation;
  config.interpolation_columns = {model::InterpolationColumn{"t", 3, {}}};
  splits = model::ValidationSplits(config, table, rng);
  EXPECT_EQ(splits[0].test, (std::vector<int>{0, 3, 6}));  // values 1, 4, 8: every third
}

}  // namespace
}  // namespace twinprof::test
