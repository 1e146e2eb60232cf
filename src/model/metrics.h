// Accuracy figures as aMLLibrary reports them: MAPE in percent, RMSE in y's units, and R².
#pragma once

#include <Eigen/Dense>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace twinprof::model {

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

// MAPE divides by the real value, so it is taken over the rows whose real value is not 0, and
// says how many it left out (predict and validate print both).
struct ZeroExcludingMape {
  double mape = std::numeric_limits<double>::quiet_NaN();  // percent; NaN when no row is left
  int rows = 0;                                            // rows it is over (real != 0)
  int zero_rows = 0;                                       // rows left out (real == 0)

  bool defined() const { return rows > 0; }
};

// Requires real.size() == predicted.size(); any size, 0 included (then undefined).
ZeroExcludingMape MapeExcludingZeros(const Eigen::VectorXd& real, const Eigen::VectorXd& predicted);

// How many real values fall inside their prediction interval [lo, hi] (bounds included).
struct IntervalCoverage {
  int inside = 0;
  int rows = 0;

  // inside / rows; NaN when there are no rows.
  double fraction() const {
    return rows > 0 ? static_cast<double>(inside) / rows : std::numeric_limits<double>::quiet_NaN();
  }
};

// Requires real, lo and hi of the same size.
IntervalCoverage CoverageOf(const Eigen::VectorXd& real, const Eigen::VectorXd& lo,
                            const Eigen::VectorXd& hi);

}  // namespace twinprof::model
