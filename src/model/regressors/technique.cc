#include "model/regressors/technique.h"

#include <stdexcept>

#include "core/error.h"

namespace twinprof::model::regressors {

TechniqueRegressor::TechniqueRegressor(const HyperparameterReader& reader, uint64_t seed)
    : technique_(reader.technique()), hyperparameters_(reader.values()), seed_(seed) {
  reader.Finish();
}

nlohmann::json TechniqueRegressor::Save() const {
  nlohmann::json saved = {
      {"format", "twinprof-regressor"},      {"version", 1},  {"technique", technique_},
      {"hyperparameters", hyperparameters_}, {"seed", seed_}, {"notes", notes_}};
  saved["state"] = SaveState();
  return saved;
}

void TechniqueRegressor::RequireFitted(bool fitted) const {
  if (!fitted) throw std::logic_error(technique_ + ": the model has not been fitted");
}

void TechniqueRegressor::CheckFitInput(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) const {
  if (x.rows() == 0) throw std::invalid_argument(technique_ + ": no training rows");
  if (x.rows() != y.size()) {
    throw std::invalid_argument(technique_ + ": " + std::to_string(x.rows()) + " rows of x but " +
                                std::to_string(y.size()) + " values of y");
  }
  if (!x.allFinite() || !y.allFinite()) {
    throw std::invalid_argument(technique_ + ": training data contains NaN or infinity");
  }
}

void TechniqueRegressor::CheckPredictInput(const Eigen::MatrixXd& x,
                                           Eigen::Index expected_columns) const {
  if (expected_columns >= 0 && x.cols() != expected_columns) {
    throw std::invalid_argument(technique_ + ": the model was fitted on " +
                                std::to_string(expected_columns) + " features, got " +
                                std::to_string(x.cols()));
  }
}

void TechniqueRegressor::BadState(const std::string& what) const {
  throw InputError(technique_ + ": saved state: " + what);
}

nlohmann::json VectorToJson(const Eigen::VectorXd& v) {
  nlohmann::json j = nlohmann::json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) j.push_back(v(i));
  return j;
}

Eigen::VectorXd VectorFromJson(const nlohmann::json& j) {
  const auto& array = j.get_ref<const nlohmann::json::array_t&>();
  Eigen::VectorXd v(static_cast<Eigen::Index>(array.size()));
  for (size_t i = 0; i < array.size(); ++i)
    v(static_cast<Eigen::Index>(i)) = array[i].get<double>();
  return v;
}

nlohmann::json MatrixToJson(const Eigen::MatrixXd& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) rows.push_back(VectorToJson(m.row(r).transpose()));
  return rows;
}

Eigen::MatrixXd MatrixFromJson(const nlohmann::json& j) {
  const auto& rows = j.get_ref<const nlohmann::json::array_t&>();
  Eigen::MatrixXd m;
  for (size_t r = 0; r < rows.size(); ++r) {
    Eigen::VectorXd row = VectorFromJson(rows[r]);
    if (r == 0) m.resize(static_cast<Eigen::Index>(rows.size()), row.size());
    if (row.size() != m.cols()) throw std::invalid_argument("ragged matrix");
    m.row(static_cast<Eigen::Index>(r)) = row.transpose();
  }
  return m;
}

}  // namespace twinprof::model::regressors
