// How the columns of a CSV file become the features a regressor sees: the replayable part of
// aMLLibrary's data preparation, fitted once on the training file and saved with every model.
//
// In aMLLibrary's order: renames -> x columns (use_columns / skip_columns, never y) -> one-hot of
// string columns (one 0/1 feature "col_class_value" per value, values sorted) -> inverse
// ("inverse_col" = 1/col) -> log ("log_col" = ln col) -> products of up to product_max_degree
// features ("a__b", features sorted by name, never a feature with its own inverse, never two
// classes of one one-hot column), or exactly the selected_products ("a b" -> "a__b", factors in
// the order written). With ernest = True the features are Ernest's four instead, in this order:
// datasize_over_cores = datasize / cores, log_cores = ln cores, square_datasize_over_cores =
// sqrt(datasize / cores), squared_datasize_over_cores = sqrt(datasize) / cores (aMLLibrary's
// data_preparation/ernest.py, names included). Row bounds, splits and scaling are not part of
// the plan.
#pragma once

#include <Eigen/Dense>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/csv_table.h"
#include "model/config/train_config.h"

namespace twinprof::model {

class FeaturePlan {
 public:
  // Plans the features for `table`, whose columns must already be renamed. Throws InputError at
  // the configuration key that names an unknown or unusable column.
  static FeaturePlan Fit(const TrainConfig& config, const CsvTable& table);

  // Renames the columns of `table` as the configuration said. Throws InputError (at the
  // configuration key when `config` is given, else at the table) for a missing column.
  static void RenameColumns(const std::vector<std::pair<std::string, std::string>>& renames,
                            CsvTable* table, const TrainConfig* config);

  // Every feature of every row of `table` (renamed). Throws InputError at the row's line for a
  // missing column, a category not seen when fitting, the log of a non-positive value, or a
  // feature that is NaN or infinite.
  Eigen::MatrixXd Build(const CsvTable& table) const;

  const std::vector<std::string>& names() const { return names_; }
  // The columns Build() reads, each once in plan order, by their names in the training file
  // (before renames): what a caller must supply to predict.
  std::vector<std::string> InputColumns() const;
  // The [min, max] of each numeric input column over the rows of `table` (renamed), keyed by
  // InputColumns() names: the training range a prediction is checked against.
  std::map<std::string, std::pair<double, double>> InputRanges(const CsvTable& table) const;
  const std::vector<std::pair<std::string, std::string>>& renames() const { return renames_; }

  nlohmann::json ToJson() const;
  // Throws InputError (at `where`) when `json` is not a plan.
  static FeaturePlan FromJson(const nlohmann::json& json, const SourceLocation& where);

 private:
  struct Base {
    std::string column;
    bool categorical = false;
    std::string category;  // when categorical
  };

  std::vector<std::pair<std::string, std::string>> renames_;
  std::vector<Base> base_;
  std::vector<int> inverse_;                // indices of base features
  std::vector<int> log_;                    // indices of base or inverse features
  std::vector<std::vector<int>> products_;  // indices of base, inverse or log features
  bool ernest_ = false;  // base_ is {datasize, cores}; names_ are Ernest's four features
  std::vector<std::string> names_;

  class Fitter;  // Fit()'s phases (feature_plan.cc)
  static FeaturePlan FitErnest(const TrainConfig& config, const CsvTable& table);
  Eigen::MatrixXd BuildErnest(const CsvTable& table) const;
};

// The target column `y` of `table` as a vector. Throws InputError when it is missing (naming
// [General] y when `config` is given), not numeric, or NaN/infinite (at the row's line).
Eigen::VectorXd TargetColumn(const CsvTable& table, const std::string& y,
                             const TrainConfig* config);

// Drops the rows of `table` with a value above its bound (aMLLibrary's skip_rows).
void SkipRows(const TrainConfig& config, CsvTable* table);

}  // namespace twinprof::model
