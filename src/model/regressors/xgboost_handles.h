// RAII owners of XGBoost's C handles. Every C API call goes through these classes, which turn
// error codes into std::runtime_error carrying XGBGetLastError()'s message. Nothing else in
// twinprof touches DMatrixHandle or BoosterHandle.
#pragma once

#include <xgboost/c_api.h>

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace twinprof::model::regressors {

// A dense XGBoost data matrix (features converted to float, XGBoost's storage type).
class XgbDMatrix {
 public:
  // Rows of `x`; with `y`, also the labels.
  explicit XgbDMatrix(const Eigen::MatrixXd& x);
  XgbDMatrix(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
  // Rows of `x` with labels `y` and row weights `weights` (XGBoost's objectives multiply a row's
  // gradient and hessian by its weight).
  XgbDMatrix(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& weights);
  ~XgbDMatrix();
  XgbDMatrix(const XgbDMatrix&) = delete;
  XgbDMatrix& operator=(const XgbDMatrix&) = delete;
  XgbDMatrix(XgbDMatrix&& other) noexcept;
  XgbDMatrix& operator=(XgbDMatrix&&) = delete;

  // These rows (indices into this matrix, any order), with their labels and weights.
  XgbDMatrix Slice(const std::vector<int>& rows) const;

  DMatrixHandle handle() const { return handle_; }

 private:
  explicit XgbDMatrix(DMatrixHandle handle) : handle_(handle) {}
  DMatrixHandle handle_ = nullptr;
};

// A booster. Not safe for concurrent use; distinct boosters may be used from distinct threads.
class XgbBooster {
 public:
  // An empty booster (for LoadModel) or one that trains on `train`.
  XgbBooster();
  explicit XgbBooster(const XgbDMatrix& train);
  ~XgbBooster();
  XgbBooster(const XgbBooster&) = delete;
  XgbBooster& operator=(const XgbBooster&) = delete;

  void SetParam(const std::string& name, const std::string& value);
  // One boosting round (iteration number `iteration`) on `train`.
  void UpdateOneIter(int iteration, const XgbDMatrix& train);
  // One boosting round on `train` with these gradients and hessians (one per row) instead of the
  // objective's: the rows' labels and weights are not used.
  void BoostOneIter(const XgbDMatrix& train, std::vector<float>& gradients,
                    std::vector<float>& hessians);
  // Predictions (margin = prediction for squared error) with every tree.
  Eigen::VectorXd Predict(const XgbDMatrix& data) const;
  // The model in `format` ("json" or "ubj"), as XGBoosterSaveModelToBuffer writes it.
  std::string SaveModel(const std::string& format) const;
  // Replaces the model with one written by SaveModel().
  void LoadModel(const std::string& bytes);
  // The model and its whole configuration (training parameters included), as
  // XGBoosterSerializeToBuffer writes it; Unserialize() restores both, into a booster made for
  // the same training data.
  std::string Serialize() const;
  void Unserialize(const std::string& bytes);
  // XGBoosterFeatureScore for a tree model of `features` input columns: one score per column
  // (0 for columns no tree uses). `importance_type` is XGBoost's: "weight" (how many splits use
  // the column; what the Python package's get_fscore() returns), "gain", "cover", "total_gain"
  // or "total_cover".
  std::vector<double> FeatureScore(const std::string& importance_type, size_t features) const;

 private:
  BoosterHandle handle_ = nullptr;
};

}  // namespace twinprof::model::regressors
