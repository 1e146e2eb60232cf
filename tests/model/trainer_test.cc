#include "model/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "core/csv_table.h"
#include "model/data/feature_plan.h"
#include "model/data/scaler.h"
#include "model/data/splits.h"
#include "model/regressor.h"
#include "model/search/hyperparameter_grid.h"
#include "model_test_util.h"

namespace twinprof::test {
namespace {

std::string FaasConfig(const ScratchDir& dir, const std::string& extra_general,
                       const std::string& extra_preparation) {
  return dir.Write("c.ini",
                   "[General]\n"
                   "techniques = ['LinearRegression', 'LRRidge']\n"
                   "y = 'ave_response_time'\n"
                   "hp_selection = KFold\n"
                   "folds = 4\n" +
                       extra_general +
                       "[DataPreparation]\n"
                       "input_path = '" +
                       Dataset("faas_test.csv") + "'\n" + extra_preparation +
                       "[LRRidge]\n"
                       "alpha = [0.001, 0.1, 10.0]\n");
}

// An .ini on faas_test.csv: normalised, a 20% HoldOut validation split, hyperparameters chosen by
// 3-fold cross-validation; `grids` holds the techniques' sections.
std::string HoldOutThenKFold3(const std::string& techniques, const std::string& grids) {
  return "[General]\n"
         "techniques = " +
         techniques +
         "\n"
         "y = 'ave_response_time'\n"
         "hp_selection = KFold\n"
         "folds = 3\n"
         "validation = HoldOut\n"
         "hold_out_ratio = 0.2\n"
         "[DataPreparation]\n"
         "input_path = '" +
         Dataset("faas_test.csv") +
         "'\n"
         "normalization = True\n" +
         grids;
}

nlohmann::json WithoutTime(nlohmann::json json) {
  json.erase("seconds");
  json.erase("threads");
  return json;
}

TEST(Trainer, FitsEveryTechniqueAndPicksTheLowestSelectionMape) {
  ScratchDir dir;
  model::TrainConfig config =
      model::LoadTrainConfig(FaasConfig(dir, "validation = HoldOut\nhold_out_ratio = 0.2\n", ""));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  ASSERT_EQ(summary.techniques.size(), 2u);
  EXPECT_EQ(summary.rows, 50u);
  for (const model::TechniqueResult& r : summary.techniques) {
    EXPECT_TRUE(r.ok) << r.technique;
    EXPECT_LT(r.validation.mape, 5.0) << r.technique;
    EXPECT_GT(r.validation.r2, 0.99) << r.technique;
    ASSERT_NE(r.model, nullptr);
  }
  EXPECT_EQ(summary.techniques[1].points, 3u);
  // 3 points x 4 folds + 1 validation fit + 1 refit.
  EXPECT_EQ(summary.techniques[1].fits, 14u);
  ASSERT_GE(summary.best, 0);
  for (const model::TechniqueResult& r : summary.techniques) {
    EXPECT_LE(summary.techniques[summary.best].selection.mape, r.selection.mape);
  }
  EXPECT_NE(summary.FullReport().find("best hyperparameters"), std::string::npos);
  EXPECT_NE(summary.BriefReport().find("best "), std::string::npos);
}

// The in-sample figure of the refitted model is the saved model's own error on every row
// (normalised data included), as aMLLibrary's "Validation metrics on full dataset" is.
TEST(Trainer, RefitFiguresAreTheSavedModelsErrorOnAllRows) {
  ScratchDir dir;
  model::TrainConfig config = model::LoadTrainConfig(
      FaasConfig(dir, "validation = KFold\n", "normalization = True\ninverse = ['Lambda']\n"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  CsvTable table = LoadCsv(config.input_path);
  for (const model::TechniqueResult& r : summary.techniques) {
    ASSERT_TRUE(r.ok) << r.technique;
    Eigen::VectorXd predicted = r.model->Predict(table);
    Eigen::VectorXd real = model::TargetColumn(table, config.y, &config);
    model::Metrics expected = model::ComputeMetrics(real, predicted);
    EXPECT_NEAR(r.refit.mape, expected.mape, 1e-9) << r.technique;
    EXPECT_NEAR(r.refit.rmse, expected.rmse, 1e-9) << r.technique;
    EXPECT_TRUE(summary.ToJson()["techniques"][0].contains("refit_in_sample"));
  }
}

TEST(Trainer, SameSeedSameResultsWhateverTheThreadCount) {
  ScratchDir dir;
  model::TrainConfig config =
      model::LoadTrainConfig(FaasConfig(dir, "validation = KFold\nrun_num = 2\nseed = 5\n",
                                        "normalization = True\n"
                                        "inverse = ['Lambda']\nproduct_max_degree = 2\n"));
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  model::TrainSummary two = model::Train(config, model::TrainOptions{2});
  EXPECT_EQ(WithoutTime(one.ToJson()).dump(), WithoutTime(two.ToJson()).dump());
  EXPECT_EQ(one.techniques[1].model->ToJson().dump(), two.techniques[1].model->ToJson().dump());
  config.seed = 6;
  model::TrainSummary other = model::Train(config, model::TrainOptions{2});
  EXPECT_NE(WithoutTime(one.ToJson()).dump(), WithoutTime(other.ToJson()).dump());
}

// The fits run longest first (SVR's before the trees' and the linear models'), and the
// validation fits and final refits share the threads: each result is its own fit's, whatever
// thread runs it when. SVR's families warm-start within themselves, in their own order.
TEST(Trainer, SameResultsWhateverTheThreadCountWithSvrAndTrees) {
  ScratchDir dir;
  const std::string path =
      dir.Write("c.ini", HoldOutThenKFold3("['LRRidge', 'DecisionTree', 'SVR']",
                                           "[LRRidge]\n"
                                           "alpha = [0.001, 0.1]\n"
                                           "[DecisionTree]\n"
                                           "max_depth = [2, 4]\n"
                                           "[SVR]\n"
                                           "C = [1, 10, 100]\n"
                                           "epsilon = [0.01, 0.1]\n"
                                           "gamma = [0.1, 1]\n"));
  model::TrainConfig config = model::LoadTrainConfig(path);
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  model::TrainSummary three = model::Train(config, model::TrainOptions{3});
  EXPECT_EQ(WithoutTime(one.ToJson()).dump(), WithoutTime(three.ToJson()).dump());
  ASSERT_EQ(one.techniques.size(), 3u);
  for (size_t t = 0; t < 3; ++t) {
    ASSERT_TRUE(one.techniques[t].ok) << one.techniques[t].technique;
    EXPECT_EQ(one.techniques[t].model->ToJson().dump(), three.techniques[t].model->ToJson().dump())
        << one.techniques[t].technique;
  }
  // 12 points x 3 folds + 1 validation fit + 1 refit.
  EXPECT_EQ(one.techniques[2].fits, 38u);
}

// SVR's points warm-start in one order whatever the order of the grid's values (C ascending, the
// larger epsilon first at each C: trainer.cc's OrderForWarmStarts), so the same points give the
// same fits, bit for bit. (In the grid's own order, C = [100, 10, 1] solved C 100 from zero.)
TEST(Trainer, SvrResultsDoNotDependOnTheOrderOfTheGridsValues) {
  ScratchDir dir;
  const auto config = [&](const std::string& name, const std::string& c,
                          const std::string& epsilon) {
    return model::LoadTrainConfig(dir.Write(
        name, HoldOutThenKFold3(
                  "['SVR']", "[SVR]\nC = " + c + "\nepsilon = " + epsilon + "\ngamma = [0.1]\n")));
  };
  model::TrainSummary ascending =
      model::Train(config("a.ini", "[1, 10, 100]", "[0.01, 0.1]"), model::TrainOptions{1});
  model::TrainSummary descending =
      model::Train(config("d.ini", "[100, 10, 1]", "[0.1, 0.01]"), model::TrainOptions{1});
  ASSERT_TRUE(ascending.techniques[0].ok);
  EXPECT_EQ(ascending.techniques[0].hyperparameters, descending.techniques[0].hyperparameters);
  EXPECT_EQ(ascending.techniques[0].selection.mape, descending.techniques[0].selection.mape);
  EXPECT_EQ(ascending.techniques[0].selection.rmse, descending.techniques[0].selection.rmse);
  EXPECT_EQ(ascending.techniques[0].model->ToJson().dump(),
            descending.techniques[0].model->ToJson().dump());
}

// aMLLibrary normalises inside hyperparameter selection: each selection fold's model sees data
// scaled on that fold's training rows, never on rows it is scored on. The selection MAPE is then
// the mean over the folds of models fitted on fold-scaled data (here recomputed by hand from the
// same seeded splits), which scaling on the validation split's training rows does not give.
TEST(Trainer, NormalisesEachSelectionSplitOnItsOwnTrainingRows) {
  ScratchDir dir;
  model::TrainConfig config = model::LoadTrainConfig(dir.Write("c.ini",
                                                               "[General]\n"
                                                               "techniques = ['LRRidge']\n"
                                                               "y = 'ave_response_time'\n"
                                                               "validation = HoldOut\n"
                                                               "hold_out_ratio = 0.2\n"
                                                               "hp_selection = KFold\n"
                                                               "folds = 4\n"
                                                               "seed = 3\n"
                                                               "[DataPreparation]\n"
                                                               "input_path = '" +
                                                                   Dataset("faas_test.csv") +
                                                                   "'\n"
                                                                   "inverse = ['Lambda']\n"
                                                                   "normalization = True\n"
                                                                   "[LRRidge]\n"
                                                                   "alpha = [10.0]\n"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  ASSERT_TRUE(summary.techniques[0].ok);

  CsvTable table = LoadCsv(config.input_path);
  Eigen::MatrixXd x = model::FeaturePlan::Fit(config, table).Build(table);
  Eigen::VectorXd y = model::TargetColumn(table, config.y, &config);
  std::mt19937_64 rng(config.seed);
  model::RowSplit outer = model::ValidationSplits(config, table, rng).at(0);
  std::vector<model::RowSplit> folds = model::SelectionSplits(config, outer.train, rng);
  ASSERT_EQ(folds.size(), 4u);
  // The mean fold MAPE with the scalers fitted on `scaling_rows(fold)`.
  auto selection_mape = [&](auto scaling_rows) {
    std::vector<model::Metrics> metrics;
    for (const model::RowSplit& fold : folds) {
      model::Scaler x_scaler = model::Scaler::Fit(x, scaling_rows(fold));
      model::Scaler y_scaler = model::Scaler::FitVector(y, scaling_rows(fold));
      Eigen::MatrixXd xs = x_scaler.Apply(x);
      Eigen::VectorXd ys = y_scaler.ApplyVector(y);
      std::unique_ptr<model::Regressor> ridge =
          model::MakeRegressor("LRRidge", {{"alpha", 10.0}}, config.seed);
      ridge->Fit(xs(fold.train, Eigen::all), ys(fold.train));
      Eigen::VectorXd predicted = y_scaler.InvertVector(ridge->Predict(xs(fold.test, Eigen::all)));
      metrics.push_back(model::ComputeMetrics(y(fold.test), predicted));
    }
    return model::MeanMetrics(metrics).mape;
  };
  double per_fold = selection_mape([](const model::RowSplit& fold) { return fold.train; });
  double per_validation_split = selection_mape([&](const model::RowSplit&) { return outer.train; });
  EXPECT_NEAR(summary.techniques[0].selection.mape, per_fold, 1e-9);
  // The two scalings give different scores here, so the check above tells them apart.
  EXPECT_GT(std::abs(per_fold - per_validation_split), 1e-4);
}

TEST(Trainer, ForwardSelectionKeepsAtMostMaxFeatures) {
  ScratchDir dir;
  std::string path = FaasConfig(dir, "validation = HoldOut\nhold_out_ratio = 0.2\n", "");
  std::ofstream(path, std::ios::app) << "[FeatureSelection]\nmethod = 'SFS'\nmax_features = 2\n";
  model::TrainSummary summary = model::Train(model::LoadTrainConfig(path), model::TrainOptions{2});
  for (const model::TechniqueResult& r : summary.techniques) {
    EXPECT_GE(r.features.size(), 1u);
    EXPECT_LE(r.features.size(), 2u);
    // The response time is close to the warm service time.
    EXPECT_NE(std::find(r.features.begin(), r.features.end(), "warm_service_time"),
              r.features.end());
  }
}

TEST(Trainer, RandomSearchTriesTheBudgetOfGridPoints) {
  ScratchDir dir;
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'ave_response_time'\n"
                               "hyperparameter_tuning = 'Random'\nmax_evals = 3\nseed = 4\n"
                               "[DataPreparation]\ninput_path = '" +
                                   Dataset("faas_test.csv") +
                                   "'\n[LRRidge]\nalpha = [0.001, 0.01, 0.1, 1, 10, 100]\n");
  model::TrainSummary summary = model::Train(model::LoadTrainConfig(path), model::TrainOptions{});
  EXPECT_EQ(summary.techniques[0].points, 3u);
  // The subset is seeded.
  model::TrainSummary again = model::Train(model::LoadTrainConfig(path), model::TrainOptions{2});
  EXPECT_EQ(summary.techniques[0].hyperparameters, again.techniques[0].hyperparameters);
}

// min_features: SFS grows through smaller sets but chooses among sets of min..max features, as
// mlxtend's k_features = (min, max) in aMLLibrary. One feature predicts this data best (the
// test above), so a free choice would stop below 3.
TEST(Trainer, ForwardSelectionChoosesAtLeastMinFeatures) {
  ScratchDir dir;
  std::string path = FaasConfig(dir, "validation = HoldOut\nhold_out_ratio = 0.2\n", "");
  std::ofstream(path, std::ios::app)
      << "[FeatureSelection]\nmethod = 'SFS'\nmin_features = 3\nmax_features = 3\n";
  model::TrainSummary summary = model::Train(model::LoadTrainConfig(path), model::TrainOptions{2});
  for (const model::TechniqueResult& r : summary.techniques) {
    ASSERT_TRUE(r.ok) << r.technique;
    EXPECT_EQ(r.features.size(), 3u) << r.technique;
  }
}

TEST(HyperparameterGrid, ExpandsInFileOrderAndSamplesASeededSubset) {
  model::TechniqueSpace space{"T", {{"a", {1, 2}, {}, {}}, {"b", {"x", "y", "z"}, {}, {}}}, {}};
  std::vector<nlohmann::json> grid = model::ExpandGrid(space);
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_EQ(grid[0], nlohmann::json({{"a", 1}, {"b", "x"}}));
  EXPECT_EQ(grid[1], nlohmann::json({{"a", 1}, {"b", "y"}}));
  EXPECT_EQ(grid[5], nlohmann::json({{"a", 2}, {"b", "z"}}));
  std::vector<nlohmann::json> sample = model::SampleGrid(grid, 4, 9);
  ASSERT_EQ(sample.size(), 4u);
  EXPECT_EQ(sample, model::SampleGrid(grid, 4, 9));
  EXPECT_EQ(model::SampleGrid(grid, 10, 9), grid);
  EXPECT_EQ(model::ExpandGrid(model::TechniqueSpace{"T", {}, {}}),
            std::vector<nlohmann::json>{nlohmann::json::object()});
}

}  // namespace
}  // namespace twinprof::test
