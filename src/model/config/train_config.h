// What `twinprof train` is asked to do: aMLLibrary's campaign configuration, checked.
//
// Sections and keys (aMLLibrary's names; see docs/formats.md "Model training configuration"):
//   [General] techniques, y, validation, hp_selection, folds, hold_out_ratio,
//             extrapolation_columns, interpolation_columns, run_num, seed,
//             hyperparameter_tuning ('Grid', 'Random' or 'Hyperopt'), max_evals or
//             hyperopt_max_evals (the budget of Random and Hyperopt)
//   [DataPreparation] input_path, rename_columns, skip_rows, use_columns, skip_columns, inverse,
//             log, product_max_degree, product_interactions_only, selected_products, ernest,
//             normalization
//   [FeatureSelection] method ('SFS' or 'XGBoost'), max_features, min_features,
//             XGBoost_tolerance
//   [<Technique>] hyperparameters: a list is a set of values to search, a scalar is fixed; with
//             Hyperopt a string such as 'loguniform(0.01,1)' (alone or as a list of one) is a
//             prior (model/search/hyperparameter_grid.h).
// Every error is an InputError at FILE:LINE naming "[Section] key".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "model/config/config_document.h"
#include "model/search/tpe_search.h"

namespace twinprof::model {

enum class SplitMethod { kAll, kHoldOut, kKFold, kExtrapolation, kInterpolation };

// "All", "HoldOut", ... (aMLLibrary's spelling).
const char* SplitMethodName(SplitMethod method);

// One hyperparameter of a technique and the values to try.
struct HyperparameterValues {
  std::string name;
  std::vector<nlohmann::json> values;  // scalars; one value when fixed; with a prior, the
                                       // values the checks tried (PriorCheckValues)
  SourceLocation where;
  std::optional<Prior> prior;  // hyperparameter_tuning = 'Hyperopt' and a prior string
};

struct TechniqueSpace {
  std::string technique;
  std::vector<HyperparameterValues> hyperparameters;  // file order
  SourceLocation where;  // the section header, or the techniques line when there is no section
};

struct InterpolationColumn {
  std::string column;
  int step = 0;                // every step-th distinct value (sorted) goes to validation, or
  std::vector<double> values;  // these values go to validation (when non-empty)
};

struct TrainConfig {
  std::string path;  // the configuration file
  ConfigDocument document;

  // [General]
  std::vector<std::string> techniques;
  std::string y;
  SplitMethod validation = SplitMethod::kAll;
  SplitMethod hp_selection = SplitMethod::kAll;
  int folds = 5;
  double hold_out_ratio = 0.2;
  std::vector<std::pair<std::string, double>> extrapolation_columns;
  std::vector<InterpolationColumn> interpolation_columns;
  int run_num = 1;
  uint64_t seed = 0;
  bool random_search = false;  // hyperparameter_tuning = 'Random'
  bool bayesian_search =
      false;          // hyperparameter_tuning = 'Hyperopt' (TPE, model/search/tpe_search.h)
  int max_evals = 0;  // budget: grid points (Random), evaluations per technique (Hyperopt, and
                      // per candidate feature set with SFS); 0 = whole grid

  // [DataPreparation]
  std::string input_path;  // resolved against the configuration file's folder
  std::vector<std::pair<std::string, std::string>> rename_columns;
  std::vector<std::pair<std::string, double>> skip_rows;  // drop rows with column > bound
  std::vector<std::string> use_columns;
  std::vector<std::string> skip_columns;
  std::vector<std::string> inverse;  // "[*]" alone = every feature
  std::vector<std::string> log;
  int product_max_degree = 0;  // 0 = none, -1 = inf (number of features)
  bool product_interactions_only = false;
  // selected_products: each product's factors as written ("a b" -> {"a", "b"}). When given (even
  // empty) these are the only products and product_max_degree is ignored, as in aMLLibrary.
  bool use_selected_products = false;
  std::vector<std::vector<std::string>> selected_products;
  // ernest = True: the features become Ernest's four, computed from the columns datasize and
  // cores (use_columns, skip_columns, inverse, product_max_degree and normalization refused).
  bool ernest = false;
  bool normalization = false;

  // [FeatureSelection]
  bool feature_selection = false;  // method = 'SFS'
  int max_features = 0;            // SFS only
  int min_features = 1;            // SFS only: the smallest set SFS may choose
  bool xgboost_selection = false;  // method = 'XGBoost'
  double xgboost_tolerance = 0;    // XGBoost_tolerance, in (0, 1]
  // The XGBoost points whose split counts rank the features: the [XGBoost] section (read as for
  // a technique, even when XGBoost is not listed) or aMLLibrary's defaults.
  TechniqueSpace xgboost_selection_space;

  std::vector<TechniqueSpace> spaces;  // one per technique, in `techniques` order

  // Where [section] key is written (the section header when the key is absent, the file when
  // both are).
  SourceLocation Where(const std::string& section, const std::string& key) const;
  // An InputError at Where(section, key) saying "[section] key: message".
  [[noreturn]] void Fail(const std::string& section, const std::string& key,
                         const std::string& message) const;
};

// Reads and checks a training configuration (.ini or .yaml). Techniques are checked against
// KnownTechniques() and every grid point against MakeRegressor(). Throws InputError.
TrainConfig LoadTrainConfig(const std::string& path);

// Reads only what prediction needs: [General] y (optional) and [DataPreparation] input_path.
struct PredictConfig {
  std::string path;
  std::string y;           // empty when not given
  std::string input_path;  // resolved
};
PredictConfig LoadPredictConfig(const std::string& path);

}  // namespace twinprof::model
