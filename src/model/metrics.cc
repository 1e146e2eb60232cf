#include "model/metrics.h"

#include <cmath>

namespace twinprof::model {

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

ZeroExcludingMape MapeExcludingZeros(const Eigen::VectorXd& real,
                                     const Eigen::VectorXd& predicted) {
  std::vector<Eigen::Index> defined;
  for (Eigen::Index r = 0; r < real.size(); ++r) {
    if (real(r) != 0) defined.push_back(r);
  }
  ZeroExcludingMape result;
  result.rows = static_cast<int>(defined.size());
  result.zero_rows = static_cast<int>(real.size()) - result.rows;
  if (defined.empty()) return result;
  // The same arithmetic as ComputeMetrics, so the figure equals train's where no real is 0.
  result.mape = defined.size() == static_cast<size_t>(real.size())
                    ? ComputeMetrics(real, predicted).mape
                    : ComputeMetrics(real(defined), predicted(defined)).mape;
  return result;
}

IntervalCoverage CoverageOf(const Eigen::VectorXd& real, const Eigen::VectorXd& lo,
                            const Eigen::VectorXd& hi) {
  IntervalCoverage coverage;
  coverage.rows = static_cast<int>(real.size());
  for (Eigen::Index r = 0; r < real.size(); ++r) {
    coverage.inside += real(r) >= lo(r) && real(r) <= hi(r) ? 1 : 0;
  }
  return coverage;
}

}  // namespace twinprof::model
