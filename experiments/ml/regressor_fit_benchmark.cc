// Cost of one fit per technique and hyperparameter point of the stereomatch grid
// (experiments/BENCHMARKS.md, "Regressors: cost of one fit"). Reads stereomatch_itr_100.csv,
// builds the grid's features (the four columns, 1/nThreads, products up to degree 2 without
// nThreads * 1/nThreads), fits on the first 80% of the rows and reports CPU time per fit
// (this process and its children, so SVR's forked training counts), wall time, and the MAPE on
// the other 20%. Unnormalised data, as in aMLLibrary's run of that grid.
//
//   build/tests/model/regressor_fit_benchmark [CSV] [REPETITIONS] [TECHNIQUE]
//
// With TECHNIQUE, only that technique's points run.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "model/regressor.h"
#include "stereomatch_features.h"

namespace {

double CpuSeconds() {
  double total = 0.0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    total += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : TWINPROF_DATA_DIR "/datasets/amllibrary/stereomatch_itr_100.csv";
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string only = argc > 3 ? argv[3] : "";
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  if (!twinprof::LoadStereomatchFeatures(path, x, y)) return 2;
  const Eigen::Index n = x.rows();
  const Eigen::Index train = n * 4 / 5;
  Eigen::MatrixXd x_train = x.topRows(train), x_test = x.bottomRows(n - train);
  Eigen::VectorXd y_train = y.head(train), y_test = y.tail(n - train);

  struct Point {
    std::string technique;
    nlohmann::json hp;
  };
  std::vector<Point> grid;
  for (double alpha : {0.001, 0.01, 0.1, 1.0}) grid.push_back({"LRRidge", {{"alpha", alpha}}});
  for (double gamma : {0.0, 0.1}) {
    for (double lr : {0.05, 0.1, 0.3}) {
      for (int depth : {3, 6}) {
        grid.push_back({"XGBoost",
                        {{"min_child_weight", 1},
                         {"gamma", gamma},
                         {"n_estimators", 100},
                         {"learning_rate", lr},
                         {"max_depth", depth},
                         {"lambda", 1},
                         {"alpha", 0}}});
      }
    }
  }
  for (int depth : {5, 10, 20}) {
    for (int leaf : {1, 5}) {
      grid.push_back({"DecisionTree",
                      {{"criterion", "squared_error"},
                       {"max_depth", depth},
                       {"max_features", 1.0},
                       {"min_samples_split", 2},
                       {"min_samples_leaf", leaf}}});
    }
  }
  for (int trees : {50, 100}) {
    for (int depth : {10, 20}) {
      grid.push_back({"RandomForest",
                      {{"n_estimators", trees},
                       {"criterion", "squared_error"},
                       {"max_depth", depth},
                       {"max_features", 1.0},
                       {"min_samples_split", 2},
                       {"min_samples_leaf", 1}}});
    }
  }
  for (double c : {1.0, 10.0, 100.0}) {
    for (double gamma : {0.01, 0.1}) {
      grid.push_back(
          {"SVR",
           {{"C", c}, {"epsilon", 0.1}, {"gamma", gamma}, {"kernel", "rbf"}, {"degree", 3}}});
    }
  }

  std::printf("rows %ld train / %ld test, %ld features, %d repetitions\n", static_cast<long>(train),
              static_cast<long>(n - train), static_cast<long>(x.cols()), repetitions);
  std::printf("| technique | hyperparameters | CPU ms/fit | wall ms/fit | test MAPE %% |\n");
  std::printf("|---|---|---:|---:|---:|\n");
  for (const Point& point : grid) {
    if (!only.empty() && point.technique != only) continue;
    double mape = 0.0;
    const double cpu0 = CpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    for (int r = 0; r < repetitions; ++r) {
      std::unique_ptr<twinprof::model::Regressor> model =
          twinprof::model::MakeRegressor(point.technique, point.hp, 1);
      model->Fit(x_train, y_train);
      Eigen::VectorXd p = model->Predict(x_test);
      mape = 100.0 * ((p - y_test).array() / y_test.array()).abs().mean();
    }
    const double cpu = (CpuSeconds() - cpu0) / repetitions;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count() /
        repetitions;
    std::printf("| %s | %s | %.1f | %.1f | %.2f |\n", point.technique.c_str(),
                point.hp.dump().c_str(), 1000 * cpu, 1000 * wall, mape);
    std::fflush(stdout);
  }
  return 0;
}
