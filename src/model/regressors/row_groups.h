// Rows of a training matrix that a tree cannot tell apart, grouped.
//
// XGBoost stores features as float32 and a tree routes a row by its feature values alone, so
// rows equal in every column (as float32) always share a node. Under squared error a row enters
// the split search and the leaf values only through its gradient (prediction - y) and hessian
// (1); a group of k such rows enters through their sums: k * prediction - sum(y) and k. One row
// per group, weighted by k with the group's mean target as label (or given those sums as its
// gradient and hessian), therefore grows the same trees as all the rows do, with the exact
// updater, and with the hist updater when every column has no more distinct values than bins
// (each value then has a bin of its own, weighted or not). The trees are the same up to the
// rounding of sums taken in another order. Fewer rows make every level of every tree cheaper:
// the stereomatch benchmark's 3021 rows are 1912 distinct feature vectors.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace twinprof::model::regressors {

class RowGroups {
 public:
  // Groups the rows of `x` (compared as float32; a row holding NaN is a group of its own).
  explicit RowGroups(const Eigen::MatrixXd& x);

  // How many groups; groups are numbered 0..size()-1 in the order of their first row.
  Eigen::Index size() const { return static_cast<Eigen::Index>(first_rows_.size()); }
  // The group of row `row` of x.
  Eigen::Index group(Eigen::Index row) const { return group_of_row_[static_cast<size_t>(row)]; }
  // The first row of each group, ascending: the rows that stand for their groups.
  const std::vector<Eigen::Index>& first_rows() const { return first_rows_; }
  // How many rows each group holds.
  Eigen::VectorXd Counts() const;
  // The sum of `per_row` (one value per row of x) over each group.
  Eigen::VectorXd Sums(const Eigen::VectorXd& per_row) const;

 private:
  std::vector<Eigen::Index> group_of_row_;
  std::vector<Eigen::Index> first_rows_;
};

// Whether every column of `x` has at most `limit` distinct values (as float32).
bool ColumnsHaveAtMostDistinct(const Eigen::MatrixXd& x, Eigen::Index limit);

}  // namespace twinprof::model::regressors
