// The shared frame of the XGBoost-backed techniques (DecisionTree, RandomForest, XGBoost): each
// subclass turns its hyperparameters into XGBoost parameters and a number of boosting rounds
// (Plan); this class trains with squared error, one thread and the regressor's seed, predicts,
// and saves the booster as XGBoost's own UBJSON model (base64 in the JSON state), which reloads
// bit-identically.
//
// Speed, without changing a tree: rows that are equal in every column are merged into one
// weighted row (row_groups.h) whenever that grows the same trees. When no column sampling is asked
// for (colsample_* = 1, i.e. max_features covering every feature) and the updater is exact or hist,
// the booster trains only on the columns that offer splits no earlier column offers
// (split_columns.h: x*x and 1/x of a positive x, constant columns; the model keeps their indices as
// `used_columns`). Fitted DecisionTree and RandomForest models can be reduced to a smaller
// max_depth (ReduceTo: XGBoost's prune updater), which a hyperparameter search uses to fit each
// family of points differing only by max_depth once.
//
// Also here: the mapping of scikit-learn's tree hyperparameters (criterion, max_depth,
// min_samples_split, min_samples_leaf, max_features, min_impurity_decrease) shared by
// DecisionTree and RandomForest.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/regressors/row_groups.h"
#include "model/regressors/technique.h"
#include "model/regressors/xgboost_handles.h"

namespace twinprof::model::regressors {

class TreeBoosterRegressor : public TechniqueRegressor {
 public:
  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) final;
  // Not safe for concurrent calls on one regressor (XGBoost keeps a prediction cache).
  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const final;
  void LoadState(const nlohmann::json& state) final;
  // Reductions (Regressor::CanReduceTo), when `point` differs from the hyperparameters of the fit
  // only in:
  // - DecisionTree (Reduction::kDepth): a max_depth no larger. ReduceTo() runs XGBoost's prune
  //   updater over a copy of the fitted tree with that max_depth (a node deeper than it becomes a
  //   leaf with its own training weight): the tree grown to that depth.
  // - RandomForest (Reduction::kForest): a max_depth no larger (pruned as above) and/or an
  //   n_estimators whose chunks (Plan::forest_trees) are the first chunks of the fitted forest's.
  // - XGBoost (Reduction::kGamma): a gamma no smaller, when no split of the fitted trees has a
  //   loss change below it (XGBoost grows a split only when its loss change reaches gamma, so
  //   every round grows the same tree): ReduceTo() changes nothing but the hyperparameters.
  // Reductions start from the fit each time (pruning works on copies), so a fitted regressor
  // reaches every such point in any order. A reloaded model cannot be reduced.
  bool CanReduceTo(const nlohmann::json& point) const final;
  void ReduceTo(const nlohmann::json& point) final;
  void ReleaseFitData() final;

 protected:
  using TechniqueRegressor::TechniqueRegressor;

  struct Plan {
    std::vector<std::pair<std::string, std::string>> params;  // XGBoost name, value
    int rounds = 1;
    // > 0: a random forest of this many trees, grown as boosters of kForestChunk trees each
    // (the last one smaller; its own seed) whose predictions are averaged, weighted by their
    // trees. A forest's first chunks are then the forest of fewer trees, which a search over
    // n_estimators reuses (ReduceTo). Each tree is one boosting round at learning rate
    // 1 / (trees of its chunk) whose gradients are taken against base_score (not against the
    // trees before it), on the rows `rows` draws for it: a booster predicts base_score plus the
    // mean of its trees. Forests must use the exact updater (the rows are merged, row_groups.h).
    int forest_trees = 0;
    struct RowDraw {
      enum class Kind {
        kAll,        // every row once
        kBootstrap,  // `draws` rows with replacement (scikit-learn's bootstrap): a row drawn k
                     // times weighs k
        kFraction,   // each row with probability `fraction`, without replacement (XGBoost's
                     // subsample)
      };
      Kind kind = Kind::kAll;
      int64_t draws = 0;
      double fraction = 1.0;
    };
    RowDraw rows;  // forests only
  };
  static constexpr int kForestChunk = 10;
  // XGBoost parameters for training on `x` (whose size some mappings need); may add notes_.
  // objective, nthread, seed, verbosity and base_score (mean of y unless the plan sets it) are
  // set by Fit().
  virtual Plan MakePlan(const Eigen::MatrixXd& x) = 0;

  nlohmann::json SaveState() const final;
  // Which reduction the technique allows (CanReduceTo): max_depth for single-round models
  // (their trees do not depend on one another's depth), gamma for boosting.
  enum class Reduction { kNone, kDepth, kForest, kGamma };
  virtual Reduction Reducible() const { return Reduction::kNone; }

  // A number as XGBoost reads it (shortest text that round-trips).
  static std::string Num(double v);

 private:
  // One booster: a chunk of a forest (trees > 0) or the whole model (trees = 0).
  struct Part {
    std::shared_ptr<XgbBooster> booster;
    int trees = 0;
    int rounds = 1;           // its boosting rounds (the prune updater redoes each)
    std::string eta = "0.3";  // its learning rate, which pruned leaves scale by
  };
  // Grows one chunk of `trees` trees of a forest (Plan::forest_trees) on train_, with `seed`
  // (XGBoost's, and that of the row draws); `y` are the training targets (one per row, not per
  // group).
  std::shared_ptr<XgbBooster> GrowForestChunk(const Plan& plan, int trees, const std::string& seed,
                                              const Eigen::VectorXd& y, double base) const;
  // Objective, one thread, silence, `seed`, base_score `base`, then the plan's parameters.
  static void SetCommonParams(XgbBooster& booster, const Plan& plan, const std::string& seed,
                              float base);
  std::vector<Part> grown_;  // as fitted, kept for ReduceTo() (empty after LoadState())
  std::vector<Part> parts_;  // what predicts: grown_, its first chunks, or pruned copies
  nlohmann::json grown_hyperparameters_;  // the hyperparameters of the fit
  double base_score_ = 0.0;               // the boosters' base_score (a float's value)
  // The training rows XGBoost sees: one per RowGroups group (labels the group means, weights
  // the group sizes) when merging rows changes no tree, else every row. Kept after Fit() for
  // ReduceTo().
  std::unique_ptr<XgbDMatrix> train_;
  std::optional<RowGroups> groups_;  // set when train_ holds merged rows
  // The smallest loss change of a split in the fitted trees (infinity without splits), read from
  // the booster's JSON model on first use.
  double SmallestLossChange() const;
  mutable std::optional<double> smallest_loss_change_;
  Eigen::Index columns_ = -1;
  // The columns of x the booster was trained on (split_columns.h); empty: all of them.
  std::vector<Eigen::Index> used_columns_;
};

// scikit-learn's tree hyperparameters, read with its defaults, and their XGBoost mapping:
//   max_depth (None = unlimited) -> max_depth; min_samples_leaf (int, or fraction of rows) ->
//   min_child_weight (every hessian is 1 under squared error, so the weight is the row count);
//   max_features (None, 'auto' = all, 'sqrt', 'log2', int count or float fraction) ->
//   colsample_bynode (sampled per split, as scikit-learn does); min_impurity_decrease d ->
//   gamma = d * n / 2 (XGBoost's gain is half the drop in squared error); criterion
//   'squared_error' (alias 'mse'; 'friedman_mse' picks the same splits).
// Gap: XGBoost has no min_samples_split. A value <= 2 * min_samples_leaf is implied by the leaf
// rule and honoured exactly; a larger one is approximated by raising min_child_weight to
// ceil(min_samples_split / 2) (no node smaller than min_samples_split splits, but splits of big
// nodes into very unequal children are forbidden too), and a note says so. XGBoost also skips
// splits whose gain is below 1e-6.
struct SklearnTreeParams {
  std::optional<int64_t> max_depth;
  nlohmann::json min_samples_split;  // int >= 2 or float in (0, 1]
  nlohmann::json min_samples_leaf;   // int >= 1 or float in (0, 0.5]
  nlohmann::json max_features;       // null, "auto", "sqrt", "log2", int >= 1, float in (0, 1]
  double min_impurity_decrease = 0.0;

  // Reads the keys above plus criterion from `reader`, with scikit-learn's defaults (no depth
  // limit, 2, 1, all features, 0).
  static SklearnTreeParams Read(HyperparameterReader& reader);
  // Reads them back from hyperparameters already checked by Read().
  static SklearnTreeParams FromJson(const nlohmann::json& hp);

  // XGBoost parameters for `rows` x `columns` training data; appends a note to `notes` when
  // min_samples_split had to be approximated.
  std::vector<std::pair<std::string, std::string>> ToXgboost(Eigen::Index rows,
                                                             Eigen::Index columns,
                                                             std::vector<std::string>& notes,
                                                             const std::string& technique) const;
};

}  // namespace twinprof::model::regressors
