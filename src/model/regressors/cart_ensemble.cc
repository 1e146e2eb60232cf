#include "model/regressors/cart_ensemble.h"

namespace twinprof {

void CartEnsembleRegressor::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  CheckFitInput(x, y);
  notes_.clear();
  const Ensemble ensemble = Settings(x.rows());
  const CartOptions options =
      SklearnTreeHyperparameters::Resolve(hyperparameters(), x.rows(), x.cols());
  const PresortedColumns presorted(x);
  std::mt19937_64 rng(seed());
  std::vector<CartTree> trees;
  trees.reserve(static_cast<size_t>(ensemble.trees));
  std::vector<double> weights;
  for (int t = 0; t < ensemble.trees; ++t) {
    if (ensemble.bootstrap) {
      weights.assign(static_cast<size_t>(x.rows()), 0.0);
      std::uniform_int_distribution<Eigen::Index> draw(0, x.rows() - 1);
      for (int64_t k = 0; k < ensemble.bootstrap_draws; ++k)
        weights[static_cast<size_t>(draw(rng))] += 1.0;
    }
    trees.push_back(CartTree::Grow(x, y, weights, presorted, options, rng));
  }
  trees_ = std::move(trees);
  columns_ = x.cols();
}

Eigen::VectorXd CartEnsembleRegressor::Predict(const Eigen::MatrixXd& x) const {
  RequireFitted(!trees_.empty());
  CheckPredictInput(x, columns_);
  Eigen::VectorXd out(x.rows());
  const double count = static_cast<double>(trees_.size());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double sum = 0.0;
    for (const CartTree& tree : trees_) sum += tree.PredictRow(x, i);
    out(i) = sum / count;
  }
  return out;
}

nlohmann::json CartEnsembleRegressor::SaveState() const {
  RequireFitted(!trees_.empty());
  nlohmann::json trees = nlohmann::json::array();
  for (const CartTree& tree : trees_) trees.push_back(tree.ToJson());
  return {{"columns", columns_}, {"trees", trees}};
}

void CartEnsembleRegressor::LoadState(const nlohmann::json& state) {
  std::vector<CartTree> trees;
  try {
    columns_ = state.at("columns").get<Eigen::Index>();
    for (const nlohmann::json& tree : state.at("trees"))
      trees.push_back(CartTree::FromJson(tree, columns_));
  } catch (const std::exception& e) {
    BadState(std::string("expected {\"columns\": n, \"trees\": [...]}: ") + e.what());
  }
  if (trees.empty()) BadState("no trees");
  trees_ = std::move(trees);
}

}  // namespace twinprof
