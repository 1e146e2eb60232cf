#include "model/metrics.h"

#include <cmath>

namespace twinprof {

nlohmann::json Metrics::ToJson() const {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  return {{"mape", number(mape)}, {"rmse", number(rmse)}, {"r2", number(r2)}};
}

Metrics ComputeMetrics(const Eigen::VectorXd& real, const Eigen::VectorXd& predicted) {
  Metrics m;
  const double n = static_cast<double>(real.size());
  Eigen::ArrayXd error = (real - predicted).array();
  m.mape = 100.0 * (error.abs() / real.array().abs()).sum() / n;
  double ss_res = error.square().sum();
  m.rmse = std::sqrt(ss_res / n);
  double ss_tot = (real.array() - real.mean()).square().sum();
  m.r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  return m;
}

Metrics MeanMetrics(const std::vector<Metrics>& all) {
  Metrics mean;
  for (const Metrics& m : all) {
    mean.mape += m.mape;
    mean.rmse += m.rmse;
    mean.r2 += m.r2;
  }
  double n = static_cast<double>(all.size());
  mean.mape /= n;
  mean.rmse /= n;
  mean.r2 /= n;
  return mean;
}

}  // namespace twinprof
