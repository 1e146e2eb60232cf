#include "model/regressors/split_columns.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace twinprof::model::regressors {

namespace {

using FloatColumn = std::vector<float>;

// Whether `b` orders the rows as `a` does (direction +1) or reversed (-1), along `order` (the
// rows sorted by `a`).
bool SameOrder(const FloatColumn& a, const FloatColumn& b, const std::vector<Eigen::Index>& order) {
  int direction = 0;
  for (size_t k = 1; k < order.size(); ++k) {
    const size_t r = static_cast<size_t>(order[k - 1]);
    const size_t s = static_cast<size_t>(order[k]);
    if (a[r] == a[s]) {
      if (b[r] != b[s]) return false;
      continue;
    }
    if (b[r] == b[s]) return false;
    const int step = b[s] > b[r] ? 1 : -1;
    if (direction == 0) direction = step;
    if (step != direction) return false;
  }
  return true;
}

}  // namespace

std::vector<Eigen::Index> SplitDistinctColumns(const Eigen::MatrixXd& x,
                                               const SplitColumnsOptions& options) {
  const Eigen::Index rows = x.rows();
  struct Candidate {
    Eigen::Index index;
    FloatColumn values;
    std::vector<Eigen::Index> order;  // rows sorted by value
    Eigen::Index distinct = 0;
  };
  std::vector<Candidate> kept;
  std::vector<Eigen::Index> result;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    Candidate c{j, FloatColumn(static_cast<size_t>(rows)), {}, 0};
    bool finite = true;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const float v = static_cast<float>(x(i, j));
      finite = finite && std::isfinite(v);
      c.values[static_cast<size_t>(i)] = v;
    }
    if (!finite) {
      result.push_back(j);
      continue;
    }
    c.order.resize(static_cast<size_t>(rows));
    std::iota(c.order.begin(), c.order.end(), Eigen::Index{0});
    std::stable_sort(c.order.begin(), c.order.end(), [&c](Eigen::Index r, Eigen::Index s) {
      return c.values[static_cast<size_t>(r)] < c.values[static_cast<size_t>(s)];
    });
    for (size_t k = 0; k < c.order.size(); ++k) {
      if (k == 0 || c.values[static_cast<size_t>(c.order[k])] !=
                        c.values[static_cast<size_t>(c.order[k - 1])]) {
        ++c.distinct;
      }
    }
    if (c.distinct <= 1) continue;  // no split
    const bool binned_exactly = options.max_distinct == 0 || c.distinct <= options.max_distinct;
    bool duplicate = false;
    for (const Candidate& earlier : kept) {
      if (earlier.distinct == c.distinct && binned_exactly &&
          SameOrder(earlier.values, c.values, earlier.order)) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    result.push_back(j);
    if (binned_exactly) kept.push_back(std::move(c));
  }
  if (result.empty() && x.cols() > 0) result.push_back(0);
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace twinprof::model::regressors
