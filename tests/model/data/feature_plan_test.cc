#include "model/data/feature_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../model_test_util.h"

namespace twinprof::test {
namespace {

struct Prepared {
  model::TrainConfig config;
  CsvTable table;
};

Prepared Load(ScratchDir& dir, const std::string& data, const std::string& preparation) {
  dir.Write("data.csv", data);
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\n" +
                                   preparation);
  Prepared p{model::LoadTrainConfig(path), {}};
  p.table = LoadCsv(p.config.input_path);
  model::FeaturePlan::RenameColumns(p.config.rename_columns, &p.table, &p.config);
  model::SkipRows(p.config, &p.table);
  return p;
}

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(FeaturePlan, FollowsAmlLibrarysOrderAndNames) {
  ScratchDir dir;
  Prepared p = Load(dir, "n,m,kind,y\n1,2,a,3\n2,4,b,6\n4,1,a,5\n",
                    "rename_columns = {'m': 'mem'}\ninverse = ['n']\nlog = ['mem']\n"
                    "product_max_degree = 2\n");
  model::FeaturePlan plan = model::FeaturePlan::Fit(p.config, p.table);
  const std::vector<std::string>& names = plan.names();
  // Base features first, the text column one-hot encoded in place.
  ASSERT_GE(names.size(), 6u);
  EXPECT_EQ(names[0], "n");
  EXPECT_EQ(names[1], "mem");
  EXPECT_EQ(names[2], "kind_class_a");
  EXPECT_EQ(names[3], "kind_class_b");
  EXPECT_EQ(names[4], "inverse_n");
  EXPECT_EQ(names[5], "log_mem");
  // Products of sorted features, squares included; never n * inverse_n, never two classes.
  EXPECT_TRUE(Has(names, "mem__n"));
  EXPECT_TRUE(Has(names, "n__n"));
  EXPECT_TRUE(Has(names, "inverse_n__mem"));
  EXPECT_FALSE(Has(names, "inverse_n__n"));
  EXPECT_FALSE(Has(names, "kind_class_a__kind_class_b"));
  EXPECT_FALSE(Has(names, "y"));

  Eigen::MatrixXd x = plan.Build(p.table);
  ASSERT_EQ(x.rows(), 3);
  auto col = [&](const std::string& name) {
    return std::find(names.begin(), names.end(), name) - names.begin();
  };
  EXPECT_DOUBLE_EQ(x(2, col("inverse_n")), 0.25);
  EXPECT_DOUBLE_EQ(x(1, col("log_mem")), std::log(4.0));
  EXPECT_DOUBLE_EQ(x(1, col("mem__n")), 8.0);
  EXPECT_DOUBLE_EQ(x(1, col("kind_class_b")), 1.0);
  EXPECT_DOUBLE_EQ(x(0, col("kind_class_b")), 0.0);

  // The plan survives JSON.
  model::FeaturePlan again = model::FeaturePlan::FromJson(plan.ToJson(), SourceLocation{"m"});
  EXPECT_EQ(again.names(), names);
  EXPECT_EQ(again.Build(p.table), x);
}

TEST(FeaturePlan, SelectsColumnsAndSkipsRows) {
  ScratchDir dir;
  Prepared p = Load(dir, "a,b,c,y\n1,2,3,4\n5,6,7,8\n9,1,2,3\n",
                    "skip_columns = ['b']\nskip_rows = {'a': 6}\n");
  EXPECT_EQ(p.table.rows(), 2u);
  EXPECT_EQ(p.table.lines, (std::vector<int>{2, 3}));
  model::FeaturePlan plan = model::FeaturePlan::Fit(p.config, p.table);
  EXPECT_EQ(plan.names(), (std::vector<std::string>{"a", "c"}));

  ScratchDir dir2;
  Prepared q = Load(dir2, "a,b,c,y\n1,2,3,4\n", "use_columns = ['c', 'a']\n");
  EXPECT_EQ(model::FeaturePlan::Fit(q.config, q.table).names(),
            (std::vector<std::string>{"c", "a"}));
}

TEST(FeaturePlan, UnknownColumnsNameTheKey) {
  ScratchDir dir;
  Prepared p = Load(dir, "a,y\n1,2\n", "use_columns = ['a', 'zz']\n");
  try {
    model::FeaturePlan::Fit(p.config, p.table);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 6);
    EXPECT_NE(e.message().find("[DataPreparation] use_columns"), std::string::npos);
    EXPECT_NE(e.message().find("zz"), std::string::npos);
  }
}

TEST(FeaturePlan, InfiniteFeaturesNameTheRow) {
  ScratchDir dir;
  Prepared p = Load(dir, "a,y\n1,2\n0,3\n", "inverse = ['a']\n");
  model::FeaturePlan plan = model::FeaturePlan::Fit(p.config, p.table);
  try {
    plan.Build(p.table);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(e.message().find("inverse_a"), std::string::npos);
  }
}

}  // namespace
}  // namespace twinprof::test
