// Row splits: aMLLibrary's validation schemes (All, HoldOut, KFold, Extrapolation, Interpolation)
// and hyperparameter-selection schemes (All, HoldOut, KFold) inside the training rows.
//
// Shuffles use a seeded std::mt19937_64 and our own Fisher-Yates, so a seed gives the same
// splits on every platform. HoldOut puts ceil(ratio * n) shuffled rows in the test set; KFold
// shuffles, then cuts k consecutive folds whose sizes differ by at most one (the first n % k
// folds are one row larger), as scikit-learn's KFold(shuffle=True) does.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "core/csv_table.h"
#include "model/config/train_config.h"

namespace twinprof::model {

struct RowSplit {
  std::vector<int> train;  // row indices, ascending
  std::vector<int> test;   // row indices, ascending
};

// The validation splits of all rows of `table` (after skip_rows). All gives train = test = every
// row. Throws InputError at the configuration key when a split leaves no training or no
// validation rows, or names an unknown column.
std::vector<RowSplit> ValidationSplits(const TrainConfig& config, const CsvTable& table,
                                       std::mt19937_64& rng);

// The hyperparameter-selection splits of `rows` (one validation split's training rows).
std::vector<RowSplit> SelectionSplits(const TrainConfig& config, const std::vector<int>& rows,
                                      std::mt19937_64& rng);

// The HoldOut / KFold building blocks.
RowSplit HoldOutSplit(const std::vector<int>& rows, double ratio, std::mt19937_64& rng);
std::vector<RowSplit> KFoldSplits(const std::vector<int>& rows, int folds, std::mt19937_64& rng);

}  // namespace twinprof::model
