#include "model/regressors/row_groups.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace twinprof::model::regressors {

namespace {

using FloatRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

RowGroups::RowGroups(const Eigen::MatrixXd& x) {
  const FloatRows values = x.cast<float>();
  const Eigen::Index rows = values.rows();
  const Eigen::Index cols = values.cols();
  auto has_nan = [&](Eigen::Index r) { return values.row(r).array().isNaN().any(); };
  // Sort the rows lexicographically (NaN rows last, by index), then number the runs of equal
  // rows by their smallest row index so the numbering follows the row order.
  std::vector<Eigen::Index> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::vector<char> nan_row(static_cast<size_t>(rows));
  for (Eigen::Index r = 0; r < rows; ++r) nan_row[static_cast<size_t>(r)] = has_nan(r);
  auto less = [&](Eigen::Index a, Eigen::Index b) {
    const bool na = nan_row[static_cast<size_t>(a)];
    const bool nb = nan_row[static_cast<size_t>(b)];
    if (na || nb) return na == nb ? a < b : nb;
    for (Eigen::Index j = 0; j < cols; ++j) {
      if (values(a, j) != values(b, j)) return values(a, j) < values(b, j);
    }
    return a < b;
  };
  std::sort(order.begin(), order.end(), less);
  auto equal = [&](Eigen::Index a, Eigen::Index b) {
    if (nan_row[static_cast<size_t>(a)] || nan_row[static_cast<size_t>(b)]) return false;
    return (values.row(a).array() == values.row(b).array()).all();
  };
  // The first (smallest) row of each run, for every row.
  std::vector<Eigen::Index> leader(static_cast<size_t>(rows));
  for (size_t k = 0; k < order.size(); ++k) {
    const bool starts_run = k == 0 || !equal(order[k - 1], order[k]);
    leader[static_cast<size_t>(order[k])] =
        starts_run ? order[k] : leader[static_cast<size_t>(order[k - 1])];
  }
  group_of_row_.assign(static_cast<size_t>(rows), -1);
  std::vector<Eigen::Index> group_of_leader(static_cast<size_t>(rows), -1);
  for (Eigen::Index r = 0; r < rows; ++r) {
    Eigen::Index& g = group_of_leader[static_cast<size_t>(leader[static_cast<size_t>(r)])];
    if (g < 0) {
      g = static_cast<Eigen::Index>(first_rows_.size());
      first_rows_.push_back(r);
    }
    group_of_row_[static_cast<size_t>(r)] = g;
  }
}

Eigen::VectorXd RowGroups::Counts() const {
  return Sums(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(group_of_row_.size())));
}

Eigen::VectorXd RowGroups::Sums(const Eigen::VectorXd& per_row) const {
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(size());
  for (size_t r = 0; r < group_of_row_.size(); ++r) {
    sums(group_of_row_[r]) += per_row(static_cast<Eigen::Index>(r));
  }
  return sums;
}

bool ColumnsHaveAtMostDistinct(const Eigen::MatrixXd& x, Eigen::Index limit) {
  std::vector<float> column(static_cast<size_t>(x.rows()));
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const float v = static_cast<float>(x(i, j));
      if (std::isnan(v)) return false;  // missing values take no bin of their own
      column[static_cast<size_t>(i)] = v;
    }
    std::sort(column.begin(), column.end());
    const auto distinct = std::unique(column.begin(), column.end()) - column.begin();
    if (distinct > limit) return false;
  }
  return true;
}

}  // namespace twinprof::model::regressors
