// CART regression trees with scikit-learn's semantics (DecisionTreeRegressor's best splitter,
// squared error): each node takes the split that most reduces the weighted squared error among
// max_features randomly drawn non-constant features, with the threshold halfway between
// neighbouring values; a node becomes a leaf at max_depth, below min_samples_split rows, when no
// split leaves min_samples_leaf rows on each side, when it is pure, or when the decrease falls
// below min_impurity_decrease. Leaves predict the weighted mean of their rows.
//
// Rows carry weights (bootstrap counts in a random forest; rows of weight 0 are left out); row
// counts for min_samples_* count distinct rows, as scikit-learn does.
//
// Growth keeps, for every feature, the node's rows sorted by that feature in one contiguous
// segment, and stably partitions the segments at each split: one level of the tree costs
// O(rows x features), without re-sorting.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <vector>

#include "model/regressors/hyperparameters.h"

namespace twinprof {

struct CartOptions {
  int64_t max_depth = -1;  // < 0: unlimited
  int64_t min_samples_split = 2;
  int64_t min_samples_leaf = 1;
  int64_t max_features = -1;  // features drawn per split; < 0: all
  double min_impurity_decrease = 0.0;
};

// scikit-learn's tree hyperparameters: criterion ('squared_error', alias 'mse'; 'friedman_mse'
// picks the same splits), max_depth (None), min_samples_split (2, or a fraction of the rows),
// min_samples_leaf (1, or a fraction), max_features (None/'auto' = all, 'sqrt', 'log2', a count
// or a fraction), min_impurity_decrease (0).
struct SklearnTreeHyperparameters {
  // Reads and checks them, with scikit-learn's defaults (`max_features_default`: None for a tree,
  // 1.0 for a forest).
  static void Read(HyperparameterReader& reader, const nlohmann::json& max_features_default);
  // Resolves hyperparameters checked by Read() for training data of `rows` x `columns`.
  static CartOptions Resolve(const nlohmann::json& hp, Eigen::Index rows, Eigen::Index columns);
};

// Rows of x sorted by each feature (computed once, shared by the trees of a forest).
struct PresortedColumns {
  std::vector<std::vector<int32_t>> order;  // order[f]: row indices by increasing x(., f)
  explicit PresortedColumns(const Eigen::MatrixXd& x);
};

class CartTree {
 public:
  // Grows a tree on the rows of (x, y) with weight > 0. `weights` empty means all 1. `rng` draws
  // the features tried at each split (only used when max_features < columns).
  static CartTree Grow(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                       const std::vector<double>& weights, const PresortedColumns& presorted,
                       const CartOptions& options, std::mt19937_64& rng);

  double PredictRow(const Eigen::MatrixXd& x, Eigen::Index row) const;
  size_t node_count() const { return value_.size(); }
  int depth() const;

  nlohmann::json ToJson() const;
  // Throws std::runtime_error when `j` is not a well-formed tree over `columns` features.
  static CartTree FromJson(const nlohmann::json& j, Eigen::Index columns);

 private:
  // Per node: split feature (-1 for a leaf), threshold (go left when x <= threshold), children,
  // and the prediction (weighted mean of the node's rows).
  std::vector<int32_t> feature_;
  std::vector<double> threshold_;
  std::vector<int32_t> left_;
  std::vector<int32_t> right_;
  std::vector<double> value_;

  friend class CartBuilder;
};

}  // namespace twinprof
