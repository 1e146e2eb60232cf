// SVR's cost per fit on stereomatch-sized data (experiments/BENCHMARKS.md, "SVR: precomputed
// kernel"): libsvm evaluating its own kernel and predicting with svm_predict (the old path) against
// a precomputed Eigen kernel matrix and Eigen predictions (the new path), interleaved in one run so
// both see the same machine load. Same features as regressor_fit_benchmark (the four columns,
// 1/nThreads, products up to degree 2 without nThreads * 1/nThreads: 19, unnormalised), the SVR
// grid of the issue (rbf, C in {1, 10, 100}, gamma in {0.01, 0.1}, epsilon 0.1), training sets of
// the sizes the pipeline fits (1934 rows: a selection fold; 2417: a validation fold; 3021: the
// refit), drawn from the shuffled file, and predictions on every row of the file. Also the cost of
// the forked, time-bounded fit (the SVR regressor with max_seconds) against the same fit in
// process.
//
//   build/tests/model/svr_fit_benchmark [CSV] [REPETITIONS]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "model/regressor.h"
#include "model/regressors/libsvm_model.h"
#include "stereomatch_features.h"

namespace {

using twinprof::model::regressors::LibsvmModel;
using twinprof::model::regressors::LibsvmParams;

struct Clock {
  double cpu = 0.0, wall = 0.0;
  static Clock Now() {
    Clock c;
    for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
      rusage u{};
      getrusage(who, &u);
      c.cpu += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
               1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    }
    c.wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    return c;
  }
  Clock operator-(const Clock& o) const { return {cpu - o.cpu, wall - o.wall}; }
};

double MaxRelativeDifference(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return ((a - b).array().abs() / a.array().abs().max(1e-300)).maxCoeff();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : TWINPROF_DATA_DIR "/datasets/amllibrary/stereomatch_itr_100.csv";
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 1;
  Eigen::MatrixXd x_all;
  Eigen::VectorXd y_all;
  if (!twinprof::LoadStereomatchFeatures(path, x_all, y_all)) return 2;
  std::vector<int> order(static_cast<size_t>(x_all.rows()));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(1));
  Eigen::MatrixXd x = x_all(order, Eigen::all);
  Eigen::VectorXd y = y_all(order);

  std::printf("%ld rows, %ld features, %d repetitions; CPU ms per fit (train | predict all rows)\n",
              static_cast<long>(x.rows()), static_cast<long>(x.cols()), repetitions);
  std::printf(
      "| rows | C | gamma | SVs | libsvm kernel: train | svm_predict | precomputed: train | Eigen "
      "predict | ratio | max rel. diff |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  double old_total = 0.0, new_total = 0.0;
  for (Eigen::Index rows : {Eigen::Index{1934}, Eigen::Index{2417}, x.rows()}) {
    rows = std::min(rows, x.rows());
    Eigen::MatrixXd x_train = x.topRows(rows);
    Eigen::VectorXd y_train = y.head(rows);
    for (double c : {1.0, 10.0, 100.0}) {
      for (double gamma : {0.01, 0.1}) {
        LibsvmParams params;
        params.c = c;
        params.gamma = gamma;
        params.epsilon = 0.1;
        double cpu[4] = {0, 0, 0, 0};
        Eigen::VectorXd p_old, p_new;
        long svs = 0;
        for (int r = 0; r < repetitions; ++r) {
          for (bool precompute : {false, true}) {
            params.precompute = precompute;
            const Clock t0 = Clock::Now();
            auto model = LibsvmModel::FromBytes(
                params, twinprof::model::regressors::TrainLibsvm(params, x_train, y_train));
            const Clock t1 = Clock::Now();
            Eigen::VectorXd p = precompute ? model->Predict(x) : model->PredictWithLibsvm(x);
            const Clock t2 = Clock::Now();
            cpu[precompute ? 2 : 0] += (t1 - t0).cpu;
            cpu[precompute ? 3 : 1] += (t2 - t1).cpu;
            (precompute ? p_new : p_old) = p;
            svs = model->support_vectors().rows();
          }
        }
        for (double& v : cpu) v *= 1000.0 / repetitions;
        old_total += cpu[0] + cpu[1];
        new_total += cpu[2] + cpu[3];
        std::printf("| %ld | %g | %g | %ld | %.1f | %.1f | %.1f | %.1f | %.2f | %.1e |\n",
                    static_cast<long>(rows), c, gamma, svs, cpu[0], cpu[1], cpu[2], cpu[3],
                    (cpu[0] + cpu[1]) / (cpu[2] + cpu[3]), MaxRelativeDifference(p_old, p_new));
        std::fflush(stdout);
      }
    }
  }
  std::printf("all points: old %.0f ms, new %.0f ms, ratio %.2f\n", old_total, new_total,
              old_total / new_total);

  // The forked, time-bounded fit (max_seconds, the default) against the same fit in process.
  const Eigen::Index rows = std::min<Eigen::Index>(1934, x.rows());
  Eigen::MatrixXd x_train = x.topRows(rows);
  Eigen::VectorXd y_train = y.head(rows);
  std::printf("\nSVR regressor, %ld rows, C 100, gamma 0.01: fit + predict %ld rows\n",
              static_cast<long>(rows), static_cast<long>(x.rows()));
  for (double max_seconds : {0.0, 60.0}) {
    const nlohmann::json hp = {{"C", 100}, {"gamma", 0.01}, {"max_seconds", max_seconds}};
    const Clock t0 = Clock::Now();
    for (int r = 0; r < repetitions; ++r) {
      auto model = twinprof::model::MakeRegressor("SVR", hp, 1);
      model->Fit(x_train, y_train);
      model->Predict(x);
    }
    const Clock t = Clock::Now() - t0;
    std::printf("  max_seconds %g (%s): CPU %.1f ms, wall %.1f ms per fit\n", max_seconds,
                max_seconds > 0 ? "forked child" : "in process", 1000 * t.cpu / repetitions,
                1000 * t.wall / repetitions);
  }

  // The three C values of one gamma as the grid search runs them on one split: three fresh fits,
  // or one fit at C 1 reduced to C 10 and C 100 (Regressor::ReduceTo: libsvm's solver again on
  // the kept kernel matrix). Forked fits (max_seconds 60), no predictions; the predictions of
  // both ways are compared bit for bit.
  std::printf("\nSVR regressor, %ld rows, C 1, 10, 100 at one gamma: CPU ms for the three fits\n",
              static_cast<long>(rows));
  for (double gamma : {0.01, 0.1}) {
    std::vector<nlohmann::json> points;
    for (double c : {1.0, 10.0, 100.0}) points.push_back({{"C", c}, {"gamma", gamma}});
    double fresh_cpu = 0.0, reduced_cpu = 0.0;
    bool same = true;
    for (int r = 0; r < repetitions; ++r) {
      std::vector<Eigen::VectorXd> fresh_predictions;
      Clock t0 = Clock::Now();
      for (const nlohmann::json& point : points) {
        auto model = twinprof::model::MakeRegressor("SVR", point, 1);
        model->Fit(x_train, y_train);
        const Clock t1 = Clock::Now();
        fresh_cpu += (t1 - t0).cpu;
        fresh_predictions.push_back(model->Predict(x));
        t0 = Clock::Now();
      }
      t0 = Clock::Now();
      auto model = twinprof::model::MakeRegressor("SVR", points[0], 1);
      model->Fit(x_train, y_train);
      for (size_t k = 0; k < points.size(); ++k) {
        if (k > 0) model->ReduceTo(points[k]);
        const Clock t1 = Clock::Now();
        reduced_cpu += (t1 - t0).cpu;
        same = same && model->Predict(x) == fresh_predictions[k];
        t0 = Clock::Now();
      }
    }
    std::printf("  gamma %g: fresh fits %.1f ms, fit + 2 reductions %.1f ms (%.2fx), %s\n", gamma,
                1000 * fresh_cpu / repetitions, 1000 * reduced_cpu / repetitions,
                fresh_cpu / reduced_cpu, same ? "identical predictions" : "PREDICTIONS DIFFER");
  }
  return 0;
}
