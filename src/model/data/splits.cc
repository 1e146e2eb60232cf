#include "model/data/splits.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace twinprof::model {

namespace {

void Shuffle(std::vector<int>& rows, std::mt19937_64& rng) {
  for (size_t i = rows.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(rng() % i);
    std::swap(rows[i - 1], rows[j]);
  }
}

std::vector<int> AllRows(size_t n) {
  std::vector<int> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<int>(i);
  return rows;
}

int NumericColumn(const TrainConfig& config, const CsvTable& table, const std::string& key,
                  const std::string& name) {
  int index = table.Find(name);
  if (index < 0) config.Fail("General", key, "column '" + name + "' is not in " + table.path);
  if (!table.columns[index].numeric) {
    config.Fail("General", key, "column '" + name + "' holds text, not numbers");
  }
  return index;
}

}  // namespace

RowSplit HoldOutSplit(const std::vector<int>& rows, double ratio, std::mt19937_64& rng) {
  std::vector<int> shuffled = rows;
  Shuffle(shuffled, rng);
  size_t test = static_cast<size_t>(std::ceil(ratio * static_cast<double>(rows.size())));
  test = std::min(test, rows.size());
  RowSplit split;
  split.test.assign(shuffled.begin(), shuffled.begin() + test);
  split.train.assign(shuffled.begin() + test, shuffled.end());
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<RowSplit> KFoldSplits(const std::vector<int>& rows, int folds, std::mt19937_64& rng) {
  std::vector<int> shuffled = rows;
  Shuffle(shuffled, rng);
  std::vector<RowSplit> splits;
  size_t n = shuffled.size();
  size_t start = 0;
  for (int k = 0; k < folds; ++k) {
    size_t size = n / folds + (static_cast<size_t>(k) < n % folds ? 1 : 0);
    RowSplit split;
    for (size_t i = 0; i < n; ++i) {
      (i >= start && i < start + size ? split.test : split.train).push_back(shuffled[i]);
    }
    start += size;
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.test.begin(), split.test.end());
    splits.push_back(std::move(split));
  }
  return splits;
}

std::vector<RowSplit> ValidationSplits(const TrainConfig& config, const CsvTable& table,
                                       std::mt19937_64& rng) {
  std::vector<int> rows = AllRows(table.rows());
  std::vector<RowSplit> splits;
  std::string key;
  switch (config.validation) {
    case SplitMethod::kAll:
      splits.push_back(RowSplit{rows, rows});
      break;
    case SplitMethod::kHoldOut:
      key = "hold_out_ratio";
      splits.push_back(HoldOutSplit(rows, config.hold_out_ratio, rng));
      break;
    case SplitMethod::kKFold:
      key = "folds";
      if (rows.size() < static_cast<size_t>(config.folds)) {
        config.Fail("General", key,
                    std::to_string(config.folds) + " folds need at least " +
                        std::to_string(config.folds) + " rows, the data has " +
                        std::to_string(rows.size()));
      }
      splits = KFoldSplits(rows, config.folds, rng);
      break;
    case SplitMethod::kExtrapolation: {
      key = "extrapolation_columns";
      std::vector<int> columns;
      for (const auto& [name, bound] : config.extrapolation_columns) {
        columns.push_back(NumericColumn(config, table, key, name));
      }
      RowSplit split;
      for (int r : rows) {
        bool beyond = false;
        for (size_t k = 0; k < columns.size(); ++k) {
          if (table.columns[columns[k]].numbers[r] > config.extrapolation_columns[k].second) {
            beyond = true;
          }
        }
        (beyond ? split.test : split.train).push_back(r);
      }
      if (split.test.empty()) {
        config.Fail("General", key,
                    "no row lies above the thresholds: the validation set would be empty");
      }
      if (split.train.empty()) {
        config.Fail("General", key,
                    "every row lies above the thresholds: the training set would be empty");
      }
      splits.push_back(std::move(split));
      break;
    }
    case SplitMethod::kInterpolation: {
      key = "interpolation_columns";
      std::set<int> test_rows;
      for (const InterpolationColumn& spec : config.interpolation_columns) {
        int c = NumericColumn(config, table, key, spec.column);
        const std::vector<double>& values = table.columns[c].numbers;
        std::set<double> chosen;
        if (spec.step > 0) {
          std::set<double> distinct(values.begin(), values.end());
          int i = 0;
          for (double v : distinct) {
            if (i++ % spec.step == 0) chosen.insert(v);
          }
        } else {
          chosen.insert(spec.values.begin(), spec.values.end());
        }
        for (int r : rows) {
          if (chosen.count(values[r])) test_rows.insert(r);
        }
      }
      RowSplit split;
      for (int r : rows) (test_rows.count(r) ? split.test : split.train).push_back(r);
      if (split.test.empty()) {
        config.Fail("General", key, "no row has the chosen values: the validation set is empty");
      }
      if (split.train.empty()) {
        config.Fail("General", key, "every row is chosen: the training set would be empty");
      }
      splits.push_back(std::move(split));
      break;
    }
  }
  for (const RowSplit& split : splits) {
    if (split.train.empty() || split.test.empty()) {
      config.Fail("General", key,
                  "the split leaves an empty training or validation set (" +
                      std::to_string(rows.size()) + " rows)");
    }
  }
  return splits;
}

std::vector<RowSplit> SelectionSplits(const TrainConfig& config, const std::vector<int>& rows,
                                      std::mt19937_64& rng) {
  switch (config.hp_selection) {
    case SplitMethod::kHoldOut: {
      RowSplit split = HoldOutSplit(rows, config.hold_out_ratio, rng);
      if (split.train.empty() || split.test.empty()) {
        config.Fail("General", "hold_out_ratio",
                    "hp_selection HoldOut leaves an empty set in " + std::to_string(rows.size()) +
                        " training rows");
      }
      return {split};
    }
    case SplitMethod::kKFold:
      if (rows.size() < static_cast<size_t>(config.folds)) {
        config.Fail("General", "folds",
                    "hp_selection needs at least " + std::to_string(config.folds) +
                        " training rows, a validation split leaves " + std::to_string(rows.size()));
      }
      return KFoldSplits(rows, config.folds, rng);
    default:
      return {RowSplit{rows, rows}};
  }
}

}  // namespace twinprof::model
