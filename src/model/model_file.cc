#include "model/model_file.h"

#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/yaml_file.h"

namespace twinprof::model {

ModelFile::ModelFile(std::string technique, std::string y, nlohmann::json hyperparameters,
                     FeaturePlan plan, std::vector<int> features, Scaler x_scaler, Scaler y_scaler,
                     std::unique_ptr<Regressor> regressor, std::vector<double> residuals,
                     nlohmann::json metrics)
    : technique_(std::move(technique)),
      y_(std::move(y)),
      hyperparameters_(std::move(hyperparameters)),
      plan_(std::move(plan)),
      features_(std::move(features)),
      x_scaler_(std::move(x_scaler)),
      y_scaler_(std::move(y_scaler)),
      regressor_(std::move(regressor)),
      residuals_(std::move(residuals)),
      metrics_(std::move(metrics)) {
  std::sort(residuals_.begin(), residuals_.end());
}

nlohmann::json ModelFile::ToJson() const {
  nlohmann::json json = {{"format", "twinprof-model"},
                         {"version", 1},
                         {"technique", technique_},
                         {"y", y_},
                         {"hyperparameters", hyperparameters_},
                         {"plan", plan_.ToJson()},
                         {"features", features_},
                         {"x_scaler", x_scaler_.ToJson()},
                         {"y_scaler", y_scaler_.ToJson()},
                         {"regressor", regressor_->Save()},
                         {"residuals", residuals_},
                         {"metrics", metrics_}};
  if (!input_ranges_.empty()) {
    nlohmann::json ranges = nlohmann::json::object();
    for (const auto& [name, range] : input_ranges_) ranges[name] = {range.first, range.second};
    json["input_ranges"] = ranges;
  }
  return json;
}

void ModelFile::Save(const std::string& path) const { WriteFileAtomically(path, ToJson().dump(1)); }

ModelFile ModelFile::Load(const std::string& path) {
  std::string text = ReadTextFile(path);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    int line = 1;
    for (size_t i = 0; i < std::min(e.byte, text.size()); ++i) line += text[i] == '\n';
    throw InputError(SourceLocation{path, line},
                     std::string("not a model file (bad JSON): ") + e.what());
  }
  return FromJson(json, path);
}

ModelFile ModelFile::FromJson(const nlohmann::json& json, const std::string& path) {
  SourceLocation where{path};
  if (!json.is_object() || json.value("format", "") != "twinprof-model") {
    throw InputError(SourceLocation{path, 1},
                     "not a twinprof model file (expected \"format\": \"twinprof-model\")");
  }
  try {
    if (json.at("version").get<int>() != 1) {
      throw InputError(where, "model file version " + json.at("version").dump() +
                                  " is not supported (expected 1)");
    }
    FeaturePlan plan = FeaturePlan::FromJson(json.at("plan"), where);
    std::vector<int> features = json.at("features").get<std::vector<int>>();
    for (int f : features) {
      if (f < 0 || f >= static_cast<int>(plan.names().size())) {
        throw InputError(where, "model file: feature index out of range");
      }
    }
    Scaler x_scaler = Scaler::FromJson(json.at("x_scaler"), where);
    Scaler y_scaler = Scaler::FromJson(json.at("y_scaler"), where);
    const Eigen::Index width = static_cast<Eigen::Index>(features.size());
    if (!x_scaler.identity() && x_scaler.columns() != width) {
      throw InputError(where, "model file: x_scaler scales " + std::to_string(x_scaler.columns()) +
                                  " columns, \"features\" lists " + std::to_string(width));
    }
    if (!y_scaler.identity() && y_scaler.columns() != 1) {
      throw InputError(where, "model file: y_scaler must scale exactly one column");
    }
    std::unique_ptr<Regressor> regressor = LoadRegressor(json.at("regressor"));
    // One prediction on a row of zeros: a regressor saved for another number of features than
    // "features" lists refuses here, naming the file, not in the middle of a prediction.
    try {
      regressor->Predict(Eigen::MatrixXd::Zero(1, width));
    } catch (const std::exception& e) {
      throw InputError(where, "model file: the regressor does not take the " +
                                  std::to_string(width) +
                                  " features \"features\" lists: " + e.what());
    }
    ModelFile model(json.at("technique").get<std::string>(), json.at("y").get<std::string>(),
                    json.at("hyperparameters"), std::move(plan), std::move(features),
                    std::move(x_scaler), std::move(y_scaler), std::move(regressor),
                    json.at("residuals").get<std::vector<double>>(), json.at("metrics"));
    if (json.contains("input_ranges")) {
      std::map<std::string, std::pair<double, double>> ranges;
      for (const auto& [name, range] : json.at("input_ranges").items()) {
        ranges[name] = {range.at(0).get<double>(), range.at(1).get<double>()};
      }
      model.set_input_ranges(std::move(ranges));
    }
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("not a valid model file: ") + e.what());
  } catch (const InputError& e) {
    if (e.where().file.empty()) throw InputError(where, e.message());
    throw;
  }
}

Eigen::VectorXd ModelFile::Predict(const CsvTable& input) const {
  CsvTable table = input;
  FeaturePlan::RenameColumns(plan_.renames(), &table, nullptr);
  Eigen::MatrixXd all = plan_.Build(table);
  Eigen::MatrixXd x = all(Eigen::all, features_);
  Eigen::VectorXd scaled = regressor_->Predict(x_scaler_.Apply(x));
  return y_scaler_.InvertVector(scaled);
}

namespace {

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.size() == 1) return sorted[0];
  double position = q * static_cast<double>(sorted.size() - 1);
  size_t below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, sorted.size() - 1);
  double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

void ModelFile::Interval(const Eigen::VectorXd& predicted, double level, Eigen::VectorXd* lo,
                         Eigen::VectorXd* hi) const {
  double low = Quantile(residuals_, (1 - level) / 2);
  double high = Quantile(residuals_, (1 + level) / 2);
  *lo = predicted.array() * (1 + low);
  *hi = predicted.array() * (1 + high);
  for (Eigen::Index i = 0; i < predicted.size(); ++i) {
    if ((*lo)(i) > (*hi)(i)) std::swap((*lo)(i), (*hi)(i));  // negative predictions
  }
}

}  // namespace twinprof::model
