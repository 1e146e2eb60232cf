#include "model/xgboost_feature_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "model/hyperparameter_grid.h"
#include "model/metrics.h"
#include "model/parallel_for.h"
#include "model/regressor.h"
#include "model/regressors/xgboost_importance.h"

namespace twinprof {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Fit {
  double mape = kInfinity;  // infinity when the fit failed
  std::vector<double> weights;
  std::vector<std::string> notes;
};

// Fits XGBoost at `point` on `train` (every column), then either measures the MAPE on `test` or,
// when `test` is null, counts the splits of each feature.
Fit FitXgboost(const XgboostSelectionTask& task, const nlohmann::json& point,
               const std::vector<int>& train, const std::vector<int>* test) {
  Fit fit;
  std::unique_ptr<Regressor> regressor = MakeRegressor("XGBoost", point, task.seed);
  const Eigen::MatrixXd& x = *task.x;
  try {
    Eigen::MatrixXd x_train = x(train, Eigen::all);
    Eigen::VectorXd y_train = (*task.y)(train);
    regressor->Fit(x_train, y_train);
    if (test) {
      Eigen::MatrixXd x_test = x(*test, Eigen::all);
      Eigen::VectorXd predicted = task.y_scaler->InvertVector(regressor->Predict(x_test));
      if (predicted.allFinite()) {
        double mape = ComputeMetrics((*task.y_real)(*test), predicted).mape;
        if (std::isfinite(mape)) fit.mape = mape;
      } else {
        fit.notes.push_back("XGBoost feature selection: a fit predicted NaN or infinity");
      }
    } else {
      fit.weights = XgboostFeatureImportance(*regressor, static_cast<size_t>(x.cols()));
      fit.mape = 0;
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    fit.mape = kInfinity;
    fit.notes.push_back(std::string("XGBoost feature selection: fit failed: ") + e.what());
  }
  for (const std::string& note : regressor->notes()) {
    fit.notes.push_back("XGBoost feature selection: " + note);
  }
  return fit;
}

}  // namespace

std::vector<int> KeepTopFeatures(const std::vector<double>& weights, double tolerance) {
  std::vector<int> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return weights[a] > weights[b]; });
  std::vector<int> kept;
  double cumulative = 0;
  for (int f : order) {
    if (!(weights[f] > 0) || cumulative >= tolerance) break;
    kept.push_back(f);
    cumulative += weights[f];
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

std::vector<XgboostSelection> SelectFeaturesWithXgboost(
    const TrainConfig& config, const std::vector<XgboostSelectionTask>& tasks, int jobs) {
  const std::vector<nlohmann::json> points = ExpandGrid(config.xgboost_selection_space);
  std::vector<XgboostSelection> out(tasks.size());

  // 1. Score every point on every hp_selection split of every task (skipped for one point).
  struct Score {
    size_t task, point, split;
  };
  std::vector<Score> scores;
  if (points.size() > 1) {
    for (size_t t = 0; t < tasks.size(); ++t) {
      for (size_t g = 0; g < points.size(); ++g) {
        for (size_t s = 0; s < tasks[t].selection->size(); ++s) scores.push_back({t, g, s});
      }
    }
  }
  std::vector<Fit> score_fits(scores.size());
  ParallelFor(scores.size(), jobs, [&](size_t i) {
    const Score& score = scores[i];
    const XgboostSelectionTask& task = tasks[score.task];
    const RowSplit& split = (*task.selection)[score.split];
    score_fits[i] = FitXgboost(task, points[score.point], split.train, &split.test);
  });
  std::vector<size_t> best(tasks.size(), 0);
  std::vector<std::vector<double>> mean(tasks.size(), std::vector<double>(points.size(), 0.0));
  for (size_t i = 0; i < scores.size(); ++i) {
    const Score& score = scores[i];
    XgboostSelection& selection = out[score.task];
    selection.fits += 1;
    const Fit& fit = score_fits[i];
    selection.notes.insert(selection.notes.end(), fit.notes.begin(), fit.notes.end());
    mean[score.task][score.point] += fit.mape / tasks[score.task].selection->size();
  }
  for (size_t t = 0; t < tasks.size(); ++t) {
    for (size_t g = 1; g < points.size(); ++g) {
      if (mean[t][g] < mean[t][best[t]]) best[t] = g;
    }
  }

  // 2. Fit each task's best point on all its rows and count the splits.
  std::vector<Fit> final_fits(tasks.size());
  ParallelFor(tasks.size(), jobs, [&](size_t t) {
    final_fits[t] = FitXgboost(tasks[t], points[best[t]], *tasks[t].rows, nullptr);
  });
  for (size_t t = 0; t < tasks.size(); ++t) {
    XgboostSelection& selection = out[t];
    const Fit& fit = final_fits[t];
    const size_t features = static_cast<size_t>(tasks[t].x->cols());
    selection.fits += 1;
    selection.notes.insert(selection.notes.end(), fit.notes.begin(), fit.notes.end());
    selection.hyperparameters = points[best[t]];
    selection.weights.assign(features, 0.0);
    double total = 0;
    for (double w : fit.weights) total += w;
    if (std::isfinite(fit.mape) && total > 0) {
      for (size_t f = 0; f < features; ++f) selection.weights[f] = fit.weights[f] / total;
      selection.columns = KeepTopFeatures(selection.weights, config.xgboost_tolerance);
      selection.ok = true;
    } else {
      if (std::isfinite(fit.mape)) {
        selection.notes.push_back(
            "XGBoost feature selection: XGBoost split on no feature (constant target?); every "
            "feature kept");
      }
      selection.columns.resize(features);
      std::iota(selection.columns.begin(), selection.columns.end(), 0);
    }
  }
  return out;
}

}  // namespace twinprof
