// aMLLibrary's preparation options beyond inverse/log/products: selected_products, ernest and
// XGBoost feature selection; each replayed by saved models.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>

#include "../model_test_util.h"
#include "model/data/feature_plan.h"
#include "model/data/xgboost_feature_selection.h"
#include "model/model_file.h"
#include "model/regressors/xgboost_importance.h"
#include "model/trainer.h"

namespace twinprof::test {
namespace {

CsvTable Prepared(const model::TrainConfig& config) {
  CsvTable table = LoadCsv(config.input_path);
  model::FeaturePlan::RenameColumns(config.rename_columns, &table, &config);
  model::SkipRows(config, &table);
  return table;
}

std::string Message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.where().ToString() + ": " + e.message();
  }
  return "(no error)";
}

// Saves the model, reloads it and checks that it predicts `table` bit for bit as before.
void ExpectIdenticalAfterReload(const model::ModelFile& model, const CsvTable& table,
                                const ScratchDir& dir) {
  Eigen::VectorXd before = model.Predict(table);
  model.Save(dir.Path("m.model"));
  model::ModelFile loaded = model::ModelFile::Load(dir.Path("m.model"));
  Eigen::VectorXd after = loaded.Predict(table);
  ASSERT_EQ(before.size(), after.size());
  ASSERT_GT(before.size(), 0);
  EXPECT_EQ(std::memcmp(before.data(), after.data(), sizeof(double) * before.size()), 0);
  EXPECT_EQ(loaded.ToJson().dump(), model.ToJson().dump());
  EXPECT_EQ(loaded.plan().names(), model.plan().names());
}

// --- selected_products -------------------------------------------------------------------------

TEST(SelectedProducts, AddExactlyTheNamedProductsInTheOrderWritten) {
  // aMLLibrary's simplest_example_1.ini: log = ['x1'], selected_products = ['x1 x1 x3 x1',
  // 'x2 x3'], skip_rows = {'x2': 5}.
  model::TrainConfig config = model::LoadTrainConfig(Experiment("selected_products.ini"));
  CsvTable table = Prepared(config);
  model::FeaturePlan plan = model::FeaturePlan::Fit(config, table);
  std::vector<std::string> products;
  for (const std::string& name : plan.names()) {
    if (name.find("__") != std::string::npos) products.push_back(name);
  }
  EXPECT_EQ(products, (std::vector<std::string>{"x1__x1__x3__x1", "x2__x3"}));
  EXPECT_EQ(plan.names().back(), "x2__x3");
  Eigen::MatrixXd x = plan.Build(table);
  const std::vector<std::string>& names = plan.names();
  auto col = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) - names.begin();
  };
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    double x1 = x(r, col("x1")), x2 = x(r, col("x2")), x3 = x(r, col("x3"));
    EXPECT_EQ(x(r, col("x1__x1__x3__x1")), x1 * x1 * x3 * x1);
    EXPECT_EQ(x(r, col("x2__x3")), x2 * x3);
    EXPECT_LE(x2, 5);  // skip_rows
  }
}

TEST(SelectedProducts, ReplaceProductMaxDegreeAndMayUseDerivedFeatures) {
  ScratchDir dir;
  dir.Write("data.csv", "n,m,kind,y\n1,2,a,3\n2,4,b,6\n4,1,a,5\n");
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\ninverse = ['n']\n"
                               "product_max_degree = 3\n"
                               "selected_products = ['m  inverse_n', 'kind_class_a n m']\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  CsvTable table = Prepared(config);
  model::FeaturePlan plan = model::FeaturePlan::Fit(config, table);
  EXPECT_EQ(plan.names(),
            (std::vector<std::string>{"n", "m", "kind_class_a", "kind_class_b", "inverse_n",
                                      "m__inverse_n", "kind_class_a__n__m"}));
  Eigen::MatrixXd x = plan.Build(table);
  EXPECT_DOUBLE_EQ(x(1, 5), 4.0 / 2.0);
  EXPECT_EQ(x(0, 6), 2.0);
  EXPECT_EQ(x(1, 6), 0.0);
  model::FeaturePlan again = model::FeaturePlan::FromJson(plan.ToJson(), SourceLocation{"m"});
  EXPECT_EQ(again.names(), plan.names());
  EXPECT_EQ(again.Build(table), x);
}

TEST(SelectedProducts, BadProductsNameTheKeyAndLine) {
  ScratchDir dir;
  dir.Write("data.csv", "n,m,kind,y\n1,2,a,3\n2,4,b,6\n4,1,a,5\n");
  auto fit = [&](const std::string& products) {
    std::string path = dir.Write("c.ini",
                                 "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                                 "[DataPreparation]\ninput_path = 'data.csv'\ninverse = ['n']\n"
                                 "selected_products = " +
                                     products + "\n");
    return Message([&] {
      model::TrainConfig config = model::LoadTrainConfig(path);
      model::FeaturePlan::Fit(config, Prepared(config));
    });
  };
  const std::string at = ":7: [DataPreparation] selected_products: ";
  EXPECT_NE(fit("['n zz']").find(at + "in 'n zz': 'zz' is not a feature"), std::string::npos)
      << fit("['n zz']");
  EXPECT_NE(fit("['n m', 'm']").find(at + "'m' is not a product"), std::string::npos);
  EXPECT_NE(fit("['  ']").find(at + "'  ' is not a product"), std::string::npos);
  EXPECT_NE(fit("['n y']").find("'y' is not a feature"), std::string::npos);
  EXPECT_NE(fit("['n kind']").find("column 'kind' holds text"), std::string::npos);
  EXPECT_NE(fit("['inverse_n m n']").find("by its own inverse"), std::string::npos);
  EXPECT_NE(fit("['kind_class_a kind_class_b']").find("two one-hot features"), std::string::npos);
  EXPECT_NE(fit("['n m', 'n  m']").find("'n__m' already exists"), std::string::npos);
  EXPECT_NE(fit("['n m', 'n__m m']").find("'n__m' is not a feature"), std::string::npos);
  EXPECT_NE(fit("[1]").find(at + "expected a list of strings"), std::string::npos);
}

// --- ernest ------------------------------------------------------------------------------------

TEST(Ernest, FeaturesAreAmlLibrarysForAKnownInput) {
  ScratchDir dir;
  dir.Write("data.csv", "x1,x2,x3,y\n1,2,7,3\n2,4,7,6\n3,6,7,9\n4,9,7,13\n");
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\nernest = True\n"
                               "rename_columns = {'x1': 'cores', 'x2': 'datasize'}\n"
                               "log = ['x3']\ninverse = []\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  CsvTable table = Prepared(config);
  model::FeaturePlan plan = model::FeaturePlan::Fit(config, table);
  EXPECT_EQ(plan.names(), (std::vector<std::string>{"datasize_over_cores", "log_cores",
                                                    "square_datasize_over_cores",
                                                    "squared_datasize_over_cores"}));
  Eigen::MatrixXd x = plan.Build(table);
  // datasize / cores, ln cores, sqrt(datasize / cores), sqrt(datasize) / cores.
  Eigen::MatrixXd expected(4, 4);
  expected << 2, 0, std::sqrt(2.0), std::sqrt(2.0),          //
      2, std::log(2.0), std::sqrt(2.0), 1,                   //
      2, std::log(3.0), std::sqrt(2.0), std::sqrt(6.0) / 3,  //
      2.25, std::log(4.0), 1.5, 0.75;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) EXPECT_DOUBLE_EQ(x(r, c), expected(r, c)) << r << "," << c;
  }
  model::FeaturePlan again = model::FeaturePlan::FromJson(plan.ToJson(), SourceLocation{"m"});
  EXPECT_EQ(again.names(), plan.names());
  EXPECT_EQ(again.Build(table), x);

  // cores must be positive for ln and the divisions.
  CsvTable bad = LoadCsv(dir.Write("bad.csv", "cores,datasize,y\n1,2,3\n0,4,6\n"));
  EXPECT_NE(Message([&] { plan.Build(bad); }).find("bad.csv:3:"), std::string::npos);
}

TEST(Ernest, TrainsOnAmlLibrarysExampleAndPredictsIdenticallyAfterReload) {
  model::TrainConfig config = model::LoadTrainConfig(Experiment("ernest.ini"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  ASSERT_EQ(summary.best, 0);
  EXPECT_EQ(summary.feature_names.size(), 4u);
  EXPECT_LT(summary.techniques[0].validation.mape, 10.0);
  ScratchDir dir;
  // The model replays renames and Ernest's features on the original file.
  ExpectIdenticalAfterReload(*summary.techniques[0].model, LoadCsv(config.input_path), dir);
}

// --- XGBoost feature selection -----------------------------------------------------------------

TEST(XgboostSelection, KeepsFeaturesByDecreasingWeightUpToTheTolerance) {
  std::vector<double> w = {0.05, 0.5, 0, 0.3, 0.15};
  EXPECT_EQ(model::KeepTopFeatures(w, 0.4), (std::vector<int>{1}));
  EXPECT_EQ(model::KeepTopFeatures(w, 0.5), (std::vector<int>{1}));
  EXPECT_EQ(model::KeepTopFeatures(w, 0.51), (std::vector<int>{1, 3}));
  EXPECT_EQ(model::KeepTopFeatures(w, 0.9), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(model::KeepTopFeatures(w, 1.0), (std::vector<int>{0, 1, 3, 4}));  // never weight 0
  EXPECT_EQ(model::KeepTopFeatures({0.5, 0.5}, 0.3), (std::vector<int>{0}));  // ties: lower index
  EXPECT_TRUE(model::KeepTopFeatures({0, 0}, 0.5).empty());
}

// y depends on c1 and c4 only; c0, c2, c3, c5 are noise.
std::string SyntheticData(const ScratchDir& dir) {
  std::mt19937 rng(7);
  std::ostringstream csv;
  csv << "c0,c1,c2,c3,c4,c5,y\n";
  for (int r = 0; r < 200; ++r) {
    double c[6];
    for (double& v : c) v = 1 + 9 * (rng() % 100000) / 100000.0;
    csv << c[0] << "," << c[1] << "," << c[2] << "," << c[3] << "," << c[4] << "," << c[5] << ","
        << 20 + 3 * c[1] + 2 * c[4] * c[4] << "\n";
  }
  return dir.Write("data.csv", csv.str());
}

TEST(XgboostSelection, KeepsTheTwoColumnsThatMatter) {
  ScratchDir dir;
  SyntheticData(dir);
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge', 'DecisionTree']\ny = 'y'\n"
                               "validation = KFold\nfolds = 3\nhp_selection = HoldOut\n"
                               "hold_out_ratio = 0.25\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\n"
                               "[FeatureSelection]\nmethod = 'XGBoost'\nmax_features = 5\n"
                               "XGBoost_tolerance = 0.9\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  EXPECT_TRUE(config.xgboost_selection);
  EXPECT_FALSE(config.feature_selection);
  // No [XGBoost] section: aMLLibrary's default grid (gamma x learning_rate = 4 points).
  EXPECT_EQ(config.xgboost_selection_space.hyperparameters.size(), 7u);
  model::TrainSummary summary = model::Train(config, model::TrainOptions{2});
  const nlohmann::json& xs = summary.xgboost_selection;
  ASSERT_FALSE(xs.is_null());
  const std::vector<std::string> two = {"c1", "c4"};
  EXPECT_EQ(xs.at("features").get<std::vector<std::string>>(), two);
  ASSERT_EQ(xs.at("per_validation_split").size(), 3u);
  for (const nlohmann::json& split : xs.at("per_validation_split")) {
    EXPECT_EQ(split.at("features").get<std::vector<std::string>>(), two);
  }
  // XGBoost's ranking: the two columns that matter carry most splits.
  double noise = 0;
  for (const auto& [name, weight] : xs.at("weights").items()) {
    if (name != "c1" && name != "c4") noise += weight.get<double>();
  }
  EXPECT_LT(noise, 0.1);
  // 4 points x 3 splits x 1 hp_selection split + 3 fits for the weights, then 4 + 1 on all rows.
  EXPECT_EQ(xs.at("fits").get<size_t>(), 4u * 3 + 3 + 4 + 1);
  for (const model::TechniqueResult& r : summary.techniques) {
    ASSERT_TRUE(r.ok) << r.technique;
    EXPECT_EQ(r.features, two) << r.technique;
    EXPECT_EQ(r.model->features().size(), 2u);
  }
  EXPECT_NE(summary.FullReport().find("XGBoost feature selection (tolerance 0.9"),
            std::string::npos);
  EXPECT_TRUE(summary.ToJson().contains("xgboost_feature_selection"));

  // Saved models keep only the selected columns and predict identically after reload.
  CsvTable table = LoadCsv(config.input_path);
  ExpectIdenticalAfterReload(*summary.techniques[0].model, table, dir);
  // Same results whatever the thread count.
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  EXPECT_EQ(one.xgboost_selection.dump(), summary.xgboost_selection.dump());
}

TEST(XgboostSelection, UsesTheXgboostSectionEvenWhenXgboostIsNotATechnique) {
  ScratchDir dir;
  SyntheticData(dir);
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\n"
                               "[FeatureSelection]\nmethod = 'XGBoost'\nXGBoost_tolerance = 0.5\n"
                               "[XGBoost]\nn_estimators = [30]\nmax_depth = 2\n"
                               "learning_rate = [0.3]\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  ASSERT_EQ(config.xgboost_selection_space.hyperparameters.size(), 3u);
  EXPECT_EQ(config.xgboost_selection_space.hyperparameters[0].name, "n_estimators");
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  const nlohmann::json& xs = summary.xgboost_selection;
  EXPECT_EQ(xs.at("hyperparameters").at("n_estimators"), 30);
  // One point: no scoring, one fit on all rows (validation All reuses it for the refit).
  EXPECT_EQ(xs.at("fits").get<size_t>(), 1u);
  // Half of the splits: the most used column alone.
  EXPECT_EQ(xs.at("features").size(), 1u);

  // A bad value in [XGBoost] is reported there.
  std::string bad = dir.Write("bad.ini",
                              "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                              "[DataPreparation]\ninput_path = 'data.csv'\n"
                              "[FeatureSelection]\nmethod = 'XGBoost'\nXGBoost_tolerance = 0.5\n"
                              "[XGBoost]\nmax_depth = [-3]\n");
  EXPECT_NE(Message([&] { model::LoadTrainConfig(bad); }).find(":10: [XGBoost] max_depth"),
            std::string::npos)
      << Message([&] { model::LoadTrainConfig(bad); });
}

TEST(XgboostSelection, WithHyperoptSearchesXgboostsPriorsToo) {
  // aMLLibrary runs the ranking XGBoost's search with the campaign's tuning: Hyperopt here.
  // (Faster rates split on the noise more often in later rounds: c1 and c4 carry ~70%.)
  ScratchDir dir;
  SyntheticData(dir);
  std::string path = dir.Write("c.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "hp_selection = KFold\nfolds = 3\n"
                               "hyperparameter_tuning = Hyperopt\nhyperopt_max_evals = 5\n"
                               "[DataPreparation]\ninput_path = 'data.csv'\n"
                               "[FeatureSelection]\nmethod = 'XGBoost'\nXGBoost_tolerance = 0.6\n"
                               "[LRRidge]\nalpha = ['loguniform(0.01,1)']\n"
                               "[XGBoost]\nn_estimators = [50]\nmax_depth = [3]\n"
                               "learning_rate = ['loguniform(0.05,0.5)']\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  ASSERT_TRUE(config.xgboost_selection_space.hyperparameters[2].prior.has_value());
  model::TrainSummary summary = model::Train(config, model::TrainOptions{2});
  const nlohmann::json& xs = summary.xgboost_selection;
  EXPECT_EQ(xs.at("features").get<std::vector<std::string>>(),
            (std::vector<std::string>{"c1", "c4"}))
      << xs.dump();
  // 5 proposals x 3 folds, then the fit whose splits are counted (validation All: one task).
  EXPECT_EQ(xs.at("fits").get<size_t>(), 5u * 3 + 1) << xs.dump();
  double rate = xs.at("hyperparameters").at("learning_rate").get<double>();
  EXPECT_GE(rate, 0.05);
  EXPECT_LE(rate, 0.5);
  EXPECT_EQ(summary.techniques[0].features, (std::vector<std::string>{"c1", "c4"}));
  model::TrainSummary one = model::Train(config, model::TrainOptions{1});
  EXPECT_EQ(one.xgboost_selection.dump(), xs.dump());
}

TEST(XgboostSelection, ImportanceIsXgboostsSplitCount) {
  // One tree of depth 1 splits once, on the only informative column.
  Eigen::MatrixXd x(8, 3);
  Eigen::VectorXd y(8);
  for (int r = 0; r < 8; ++r) {
    x(r, 0) = 1;
    x(r, 1) = r % 3;
    x(r, 2) = r;
    y(r) = r < 4 ? 0 : 10;
  }
  auto xgb = model::MakeRegressor("XGBoost", {{"n_estimators", 1}, {"max_depth", 1}}, 0);
  xgb->Fit(x, y);
  EXPECT_EQ(model::regressors::XgboostFeatureImportance(*xgb, 3), (std::vector<double>{0, 0, 1}));
  auto ridge = model::MakeRegressor("LRRidge", nlohmann::json::object(), 0);
  ridge->Fit(x, y);
  EXPECT_THROW(model::regressors::XgboostFeatureImportance(*ridge, 3), std::invalid_argument);
}

TEST(XgboostSelection, AmlLibrarysExampleTrainsAndReloads) {
  // aMLLibrary's xgboost_feature_selection.ini: thousands of products, two runs, HoldOut.
  model::TrainConfig config = model::LoadTrainConfig(Experiment("xgboost_feature_selection.ini"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{2});
  ASSERT_EQ(summary.best, 0);
  const nlohmann::json& xs = summary.xgboost_selection;
  EXPECT_EQ(xs.at("per_validation_split").size(), 2u);
  size_t kept = xs.at("features").size();
  EXPECT_GE(kept, 1u);
  EXPECT_LT(kept * 100, summary.feature_names.size());
  EXPECT_EQ(summary.techniques[0].model->features().size(), kept);
  ScratchDir dir;
  ExpectIdenticalAfterReload(*summary.techniques[0].model, LoadCsv(config.input_path), dir);
}

TEST(SelectedProducts, SavedModelPredictsIdenticallyAfterReload) {
  model::TrainConfig config = model::LoadTrainConfig(Experiment("selected_products.ini"));
  model::TrainSummary summary = model::Train(config, model::TrainOptions{});
  ASSERT_EQ(summary.best, 0);
  ScratchDir dir;
  const model::ModelFile& model = *summary.techniques[0].model;
  EXPECT_EQ(model.plan().names().back(), "x2__x3");
  ExpectIdenticalAfterReload(model, LoadCsv(config.input_path), dir);
}

TEST(PreparationOptions, ReadTheYamlEquivalent) {
  ScratchDir dir;
  dir.Write("data.csv", "a,b,y\n1,2,3\n2,3,5\n3,4,7\n");
  std::string path = dir.Write("c.yaml",
                               "General:\n  techniques: [LRRidge]\n  y: y\n"
                               "DataPreparation:\n  input_path: data.csv\n"
                               "  selected_products: ['a b', 'b b a']\n"
                               "FeatureSelection:\n  method: XGBoost\n  XGBoost_tolerance: 0.5\n");
  model::TrainConfig config = model::LoadTrainConfig(path);
  EXPECT_TRUE(config.use_selected_products);
  EXPECT_EQ(config.selected_products,
            (std::vector<std::vector<std::string>>{{"a", "b"}, {"b", "b", "a"}}));
  EXPECT_TRUE(config.xgboost_selection);
  EXPECT_EQ(config.xgboost_tolerance, 0.5);
  std::string ernest = dir.Write("e.yaml",
                                 "General:\n  techniques: [LRRidge]\n  y: y\n"
                                 "DataPreparation:\n  input_path: data.csv\n  ernest: true\n"
                                 "  normalization: true\n");
  EXPECT_NE(Message([&] {
              model::LoadTrainConfig(ernest);
            }).find(":7: [DataPreparation] normalization: cannot be used with ernest = True"),
            std::string::npos)
      << Message([&] { model::LoadTrainConfig(ernest); });
}

}  // namespace
}  // namespace twinprof::test
