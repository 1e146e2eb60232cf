#include "model/regressors/tree_booster.h"

#include "model/regressors/base64.h"

namespace twinprof {

std::string TreeBoosterRegressor::Num(double v) { return nlohmann::json(v).dump(); }

void TreeBoosterRegressor::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  CheckFitInput(x, y);
  notes_.clear();
  Plan plan = MakePlan(x);
  XgbDMatrix train(x, y);
  auto booster = std::make_unique<XgbBooster>(train);
  booster->SetParam("objective", "reg:squarederror");
  booster->SetParam("nthread", "1");
  booster->SetParam("verbosity", "0");
  booster->SetParam("seed", std::to_string(seed() % 2147483647u));
  booster->SetParam("base_score", Num(static_cast<float>(y.mean())));
  for (const auto& [name, value] : plan.params) booster->SetParam(name, value);
  for (int i = 0; i < plan.rounds; ++i) booster->UpdateOneIter(i, train);
  booster_ = std::move(booster);
  columns_ = x.cols();
}

Eigen::VectorXd TreeBoosterRegressor::Predict(const Eigen::MatrixXd& x) const {
  RequireFitted(booster_ != nullptr);
  CheckPredictInput(x, columns_);
  if (x.rows() == 0) return Eigen::VectorXd();
  return booster_->Predict(XgbDMatrix(x));
}

nlohmann::json TreeBoosterRegressor::SaveState() const {
  RequireFitted(booster_ != nullptr);
  return {{"columns", columns_}, {"booster_ubj_base64", Base64Encode(booster_->SaveModel("ubj"))}};
}

void TreeBoosterRegressor::LoadState(const nlohmann::json& state) {
  std::string bytes;
  try {
    columns_ = state.at("columns").get<Eigen::Index>();
    bytes = Base64Decode(state.at("booster_ubj_base64").get<std::string>());
  } catch (const std::exception& e) {
    BadState(std::string("expected {\"columns\": n, \"booster_ubj_base64\": text}: ") + e.what());
  }
  auto booster = std::make_unique<XgbBooster>();
  try {
    booster->LoadModel(bytes);
  } catch (const std::runtime_error& e) {
    BadState(e.what());
  }
  booster->SetParam("nthread", "1");
  booster_ = std::move(booster);
}

}  // namespace twinprof
