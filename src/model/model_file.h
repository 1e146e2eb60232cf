// A trained model on disk: one JSON document that replays the whole preparation (renames, one-hot
// categories, inverse/log/product features, the selected features, the x and y scalers) and holds
// the regressor's own state (Regressor::Save()), so that a reloaded model predicts bit for bit
// what the trained one did.
//
//   {"format": "twinprof-model", "version": 1, "technique": "XGBoost", "y": "exec_time_ms",
//    "hyperparameters": {...}, "plan": {...}, "features": [indices into plan.names],
//    "x_scaler": null | {"mean": [...], "scale": [...]}, "y_scaler": null | {...},
//    "regressor": {...}, "residuals": [sorted relative validation residuals], "metrics": {...},
//    "input_ranges": {column: [min, max]} (optional: the training range of each numeric input)}
//
// Prediction intervals come from "residuals": the relative errors (real - pred) / pred of the
// validation predictions made during training (each validation row predicted by a model that
// did not see it; with validation = All they are in-sample and optimistic). For a level L the
// interval is pred * (1 + q((1-L)/2)) .. pred * (1 + q((1+L)/2)), q the empirical quantile
// (linear interpolation).
#pragma once

#include <Eigen/Dense>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/csv_table.h"
#include "model/data/feature_plan.h"
#include "model/data/scaler.h"
#include "model/regressor.h"

namespace twinprof::model {

class ModelFile {
 public:
  ModelFile(std::string technique, std::string y, nlohmann::json hyperparameters, FeaturePlan plan,
            std::vector<int> features, Scaler x_scaler, Scaler y_scaler,
            std::unique_ptr<Regressor> regressor, std::vector<double> residuals,
            nlohmann::json metrics);

  // Reads a model written by Save(). Throws InputError (naming `path`) when it is not one.
  static ModelFile Load(const std::string& path);
  static ModelFile FromJson(const nlohmann::json& json, const std::string& path);

  nlohmann::json ToJson() const;
  // Writes ToJson() to `path` through WriteFileAtomically (core/atomic_file.h): a temporary
  // file and a rename. Throws InputError at `path` when it cannot.
  void Save(const std::string& path) const;

  // Predictions for every row of `table` (columns as in the training file, before renames).
  // Throws InputError for missing columns or bad values (at the row's line).
  Eigen::VectorXd Predict(const CsvTable& table) const;

  // The [lo, hi] bounds for `predicted` at `level` in (0, 1). Requires residuals.
  void Interval(const Eigen::VectorXd& predicted, double level, Eigen::VectorXd* lo,
                Eigen::VectorXd* hi) const;

  const std::string& technique() const { return technique_; }
  const std::string& y() const { return y_; }
  const FeaturePlan& plan() const { return plan_; }
  const std::vector<int>& features() const { return features_; }
  const Regressor& regressor() const { return *regressor_; }
  bool has_residuals() const { return !residuals_.empty(); }
  const nlohmann::json& metrics() const { return metrics_; }
  // The [min, max] of each numeric input column (FeaturePlan::InputColumns names) over the rows
  // the model was trained on; empty for model files written before they were recorded.
  const std::map<std::string, std::pair<double, double>>& input_ranges() const {
    return input_ranges_;
  }
  void set_input_ranges(std::map<std::string, std::pair<double, double>> ranges) {
    input_ranges_ = std::move(ranges);
  }

 private:
  std::string technique_;
  std::string y_;
  nlohmann::json hyperparameters_;
  FeaturePlan plan_;
  std::vector<int> features_;
  Scaler x_scaler_;
  Scaler y_scaler_;
  std::shared_ptr<Regressor> regressor_;
  std::vector<double> residuals_;  // sorted
  nlohmann::json metrics_;
  std::map<std::string, std::pair<double, double>> input_ranges_;
};

}  // namespace twinprof::model
