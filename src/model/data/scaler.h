// Standardisation (x - mean) / deviation, fitted on training rows only (aMLLibrary's
// normalization, scikit-learn's StandardScaler: population deviation, 1 for constant columns).
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"

namespace twinprof::model {

class Scaler {
 public:
  // The identity: Apply and Invert change nothing.
  Scaler() = default;
  // Fits on the rows `rows` of `x` (each column separately).
  static Scaler Fit(const Eigen::MatrixXd& x, const std::vector<int>& rows);
  static Scaler FitVector(const Eigen::VectorXd& y, const std::vector<int>& rows);

  bool identity() const { return mean_.size() == 0; }
  // The number of columns it scales (0 for the identity).
  Eigen::Index columns() const { return mean_.size(); }
  Eigen::MatrixXd Apply(const Eigen::MatrixXd& x) const;
  Eigen::VectorXd ApplyVector(const Eigen::VectorXd& y) const;
  Eigen::VectorXd InvertVector(const Eigen::VectorXd& y) const;
  // The scaler of a subset of the columns.
  Scaler Select(const std::vector<int>& columns) const;

  nlohmann::json ToJson() const;
  // Throws InputError at `where` unless mean and scale are lists of one size, every value finite
  // and every scale non-zero.
  static Scaler FromJson(const nlohmann::json& json, const SourceLocation& where);

 private:
  Eigen::VectorXd mean_;
  Eigen::VectorXd scale_;
};

}  // namespace twinprof::model
