#include "model/data/xgboost_feature_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/parallel_for.h"
#include "model/metrics.h"
#include "model/regressor.h"
#include "model/regressors/xgboost_importance.h"
#include "model/search/hyperparameter_grid.h"
#include "model/search/tpe_search.h"

namespace twinprof::model {

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
      fit.weights = regressors::XgboostFeatureImportance(*regressor, static_cast<size_t>(x.cols()));
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
  const TechniqueSpace& space = config.xgboost_selection_space;
  std::vector<XgboostSelection> out(tasks.size());

  // Mean hp_selection MAPE of candidates[t][k] on every split of task t (all fits of a round
  // share the threads).
  auto score = [&](const std::vector<std::vector<nlohmann::json>>& candidates) {
    struct Job {
      size_t task, candidate, split;
    };
    std::vector<Job> jobs_list;
    for (size_t t = 0; t < tasks.size(); ++t) {
      for (size_t k = 0; k < candidates[t].size(); ++k) {
        for (size_t s = 0; s < tasks[t].selection->size(); ++s) jobs_list.push_back({t, k, s});
      }
    }
    std::vector<Fit> fits(jobs_list.size());
    ParallelFor(jobs_list.size(), jobs, [&](size_t i) {
      const Job& job = jobs_list[i];
      const XgboostSelectionTask& task = tasks[job.task];
      const RowSplit& split = (*task.selection)[job.split];
      fits[i] = FitXgboost(task, candidates[job.task][job.candidate], split.train, &split.test);
    });
    std::vector<std::vector<double>> mean(tasks.size());
    for (size_t t = 0; t < tasks.size(); ++t) mean[t].assign(candidates[t].size(), 0.0);
    for (size_t i = 0; i < jobs_list.size(); ++i) {
      const Job& job = jobs_list[i];
      XgboostSelection& selection = out[job.task];
      selection.fits += 1;
      selection.notes.insert(selection.notes.end(), fits[i].notes.begin(), fits[i].notes.end());
      mean[job.task][job.candidate] += fits[i].mape / tasks[job.task].selection->size();
    }
    return mean;
  };

  // 1. The XGBoost point of each task: the best of the grid, or of a Bayesian search of
  // max_evals points (hyperparameter_tuning = 'Hyperopt', as aMLLibrary's inner campaign runs
  // with the campaign's tuning). A single point needs no scoring.
  std::vector<nlohmann::json> best(tasks.size());
  if (config.bayesian_search && !BayesianSpace(space).empty()) {
    std::vector<TpeSearch> searches;
    std::vector<double> best_mape(tasks.size(), kInfinity);
    for (size_t t = 0; t < tasks.size(); ++t) {
      TpeOptions options;
      options.max_evals = config.max_evals;
      options.seed = tasks[t].seed + 6151;
      searches.emplace_back(BayesianSpace(space), options);
    }
    for (int round = 0; round < config.max_evals; ++round) {
      std::vector<std::vector<double>> proposals(tasks.size());
      std::vector<std::vector<nlohmann::json>> candidates(tasks.size());
      for (size_t t = 0; t < tasks.size(); ++t) {
        proposals[t] = searches[t].Suggest();
        candidates[t].push_back(BayesianPoint(space, proposals[t]));
      }
      std::vector<std::vector<double>> mean = score(candidates);
      for (size_t t = 0; t < tasks.size(); ++t) {
        searches[t].Tell(proposals[t], mean[t][0]);
        if (round == 0 || mean[t][0] < best_mape[t]) {
          best_mape[t] = mean[t][0];
          best[t] = candidates[t][0];
        }
      }
    }
  } else {
    const std::vector<nlohmann::json> points = ExpandGrid(space);
    std::vector<std::vector<nlohmann::json>> candidates(tasks.size());
    if (points.size() > 1) candidates.assign(tasks.size(), points);
    std::vector<std::vector<double>> mean = score(candidates);
    for (size_t t = 0; t < tasks.size(); ++t) {
      size_t b = 0;
      for (size_t k = 1; k < candidates[t].size(); ++k) {
        if (mean[t][k] < mean[t][b]) b = k;
      }
      best[t] = points[b];
    }
  }

  // 2. Fit each task's best point on all its rows and count the splits.
  std::vector<Fit> final_fits(tasks.size());
  ParallelFor(tasks.size(), jobs, [&](size_t t) {
    final_fits[t] = FitXgboost(tasks[t], best[t], *tasks[t].rows, nullptr);
  });
  for (size_t t = 0; t < tasks.size(); ++t) {
    XgboostSelection& selection = out[t];
    const Fit& fit = final_fits[t];
    const size_t features = static_cast<size_t>(tasks[t].x->cols());
    selection.fits += 1;
    selection.notes.insert(selection.notes.end(), fit.notes.begin(), fit.notes.end());
    selection.hyperparameters = best[t];
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

}  // namespace twinprof::model
