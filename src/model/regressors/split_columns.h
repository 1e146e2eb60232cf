// Which feature columns can give a tree a split that no earlier column gives.
//
// A tree split on one feature sends the rows whose value is below a threshold left. Two columns
// whose values order the rows the same way (equal values in one exactly where the other has
// equal values, and one increasing wherever the other increases, or wherever it decreases) offer
// the same candidate partitions of the rows, with the same gains: x, x*x and 1/x of a positive
// x are one column to a tree. A column with a single value offers no split at all. The feature
// products of aMLLibrary's preparation create many such columns (6 of the 19 of the stereomatch
// benchmark), and XGBoost's tree updaters spend their time in proportion to the columns (exact)
// or their distinct values (hist).
//
// Values are compared as float32, the type XGBoost stores features in.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace twinprof::model::regressors {

struct SplitColumnsOptions {
  // A column with more distinct values than this keeps its own copies (XGBoost's hist updater
  // places its bins by quantiles then, which need not match between equivalent columns). Zero
  // means no limit (exact updater).
  Eigen::Index max_distinct = 0;
};

// The indices, ascending, of the columns of `x` that are neither constant nor equivalent (in the
// sense above) to an earlier column; at least one column (the first) when every column is
// constant. A column holding NaN or infinity is kept and matched with nothing.
std::vector<Eigen::Index> SplitDistinctColumns(const Eigen::MatrixXd& x,
                                               const SplitColumnsOptions& options = {});

}  // namespace twinprof::model::regressors
