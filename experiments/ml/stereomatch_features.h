// The ML benchmarks' data: a stereomatch CSV prepared exactly as `twinprof train` prepares it
// for the grid (experiments/ml/stereomatch_benchmark.ini: inverse of nThreads, products
// to degree 2; 19 features), through the trainer's own CSV reader and feature plan.
#pragma once

#include <Eigen/Dense>
#include <iostream>
#include <string>

#include "core/csv_table.h"
#include "core/error.h"
#include "model/config/train_config.h"
#include "model/data/feature_plan.h"

namespace twinprof {

// Fills x and y from `csv_path` (a file with stereomatch_itr_100.csv's columns); false, with
// the reason on stderr, when the file or the configuration cannot be read.
inline bool LoadStereomatchFeatures(const std::string& csv_path, Eigen::MatrixXd& x,
                                    Eigen::VectorXd& y) {
  try {
    model::TrainConfig config =
        model::LoadTrainConfig(TWINPROF_SOURCE_DIR "/experiments/ml/stereomatch_benchmark.ini");
    config.input_path = csv_path;
    CsvTable table = LoadCsv(config.input_path);
    model::FeaturePlan plan = model::FeaturePlan::Fit(config, table);
    x = plan.Build(table);
    y = model::TargetColumn(table, config.y, &config);
    return true;
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return false;
  }
}

}  // namespace twinprof
