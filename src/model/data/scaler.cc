#include "model/data/scaler.h"

#include <cmath>

namespace twinprof::model {

Scaler Scaler::Fit(const Eigen::MatrixXd& x, const std::vector<int>& rows) {
  Scaler s;
  s.mean_ = Eigen::VectorXd::Zero(x.cols());
  s.scale_ = Eigen::VectorXd::Ones(x.cols());
  const double n = static_cast<double>(rows.size());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    double sum = 0;
    for (int r : rows) sum += x(r, c);
    double mean = sum / n;
    double squares = 0;
    for (int r : rows) squares += (x(r, c) - mean) * (x(r, c) - mean);
    double deviation = std::sqrt(squares / n);
    s.mean_(c) = mean;
    s.scale_(c) = deviation > 0 ? deviation : 1.0;
  }
  return s;
}

Scaler Scaler::FitVector(const Eigen::VectorXd& y, const std::vector<int>& rows) {
  return Fit(Eigen::MatrixXd(y), rows);
}

Eigen::MatrixXd Scaler::Apply(const Eigen::MatrixXd& x) const {
  if (identity()) return x;
  return (x.rowwise() - mean_.transpose()).array().rowwise() / scale_.transpose().array();
}

Eigen::VectorXd Scaler::ApplyVector(const Eigen::VectorXd& y) const {
  if (identity()) return y;
  return (y.array() - mean_(0)) / scale_(0);
}

Eigen::VectorXd Scaler::InvertVector(const Eigen::VectorXd& y) const {
  if (identity()) return y;
  return y.array() * scale_(0) + mean_(0);
}

Scaler Scaler::Select(const std::vector<int>& columns) const {
  if (identity()) return *this;
  Scaler s;
  s.mean_.resize(columns.size());
  s.scale_.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    s.mean_(i) = mean_(columns[i]);
    s.scale_(i) = scale_(columns[i]);
  }
  return s;
}

nlohmann::json Scaler::ToJson() const {
  if (identity()) return nullptr;
  return {{"mean", std::vector<double>(mean_.data(), mean_.data() + mean_.size())},
          {"scale", std::vector<double>(scale_.data(), scale_.data() + scale_.size())}};
}

Scaler Scaler::FromJson(const nlohmann::json& json, const SourceLocation& where) {
  Scaler s;
  if (json.is_null()) return s;
  try {
    std::vector<double> mean = json.at("mean").get<std::vector<double>>();
    std::vector<double> scale = json.at("scale").get<std::vector<double>>();
    if (mean.size() != scale.size()) throw InputError(where, "scaler: sizes differ");
    for (size_t i = 0; i < mean.size(); ++i) {
      if (!std::isfinite(mean[i]) || !std::isfinite(scale[i]) || scale[i] == 0) {
        throw InputError(where, "scaler: column " + std::to_string(i) +
                                    " needs a finite mean and a finite, non-zero scale");
      }
    }
    s.mean_ = Eigen::Map<Eigen::VectorXd>(mean.data(), mean.size());
    s.scale_ = Eigen::Map<Eigen::VectorXd>(scale.data(), scale.size());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("not a scaler: ") + e.what());
  }
  return s;
}

}  // namespace twinprof::model
