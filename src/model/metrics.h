// Accuracy figures as aMLLibrary reports them: MAPE in percent, RMSE in y's units, and R².
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

namespace twinprof {

struct Metrics {
  double mape = 0;  // mean |y - pred| / |y|, in percent
  double rmse = 0;
  double r2 = 0;  // 1 - SSres / SStot; scikit-learn's convention when SStot = 0

  nlohmann::json ToJson() const;
};

// Requires real.size() == predicted.size() > 0.
Metrics ComputeMetrics(const Eigen::VectorXd& real, const Eigen::VectorXd& predicted);

// The mean of each figure over `all` (not empty).
Metrics MeanMetrics(const std::vector<Metrics>& all);

}  // namespace twinprof
