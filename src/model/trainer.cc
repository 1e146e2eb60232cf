#include "model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "core/csv_table.h"
#include "core/error.h"
#include "core/parallel_for.h"
#include "model/data/feature_plan.h"
#include "model/data/scaler.h"
#include "model/data/splits.h"
#include "model/data/xgboost_feature_selection.h"
#include "model/regressor.h"
#include "model/search/hyperparameter_grid.h"
#include "model/search/tpe_search.h"

namespace twinprof::model {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The features and target as the fits on one set of training rows see them: scaled by scalers
// fitted on those rows when normalising, else unscaled (identity scalers).
struct ScaledData {
  Scaler x_scaler, y_scaler;
  std::shared_ptr<const Eigen::MatrixXd> x;
  std::shared_ptr<const Eigen::VectorXd> y;
};

// One validation split of one run, with its selection splits and (when normalising) the data
// scaled by scalers fitted on its training rows. Each selection split has its own scaled data,
// fitted on that split's training rows only, as aMLLibrary normalises inside hyperparameter
// selection: the rows a point is scored on never inform the scaling of the model that predicts
// them (scaling on the validation split's training rows would include them).
struct Outer {
  int run = 0;
  uint64_t seed = 0;
  RowSplit split;
  std::vector<RowSplit> inner;
  std::vector<ScaledData> inner_data;  // one per inner split
  Scaler x_scaler, y_scaler;
  std::shared_ptr<const Eigen::MatrixXd> x;  // scaled features
  std::shared_ptr<const Eigen::VectorXd> y;  // scaled target
  std::vector<int> columns;  // the features its techniques see (XGBoost selection keeps some)
};

// One hyperparameter-selection split: its rows and the data its fits see.
struct SelectionSplit {
  const Outer* outer = nullptr;
  const RowSplit* rows = nullptr;
  const ScaledData* data = nullptr;
};

struct Data {
  const Eigen::MatrixXd* x = nullptr;  // unscaled features
  const Eigen::VectorXd* y = nullptr;  // unscaled target
  std::vector<Outer> outers;
};

struct FitResult {
  bool ok = false;
  std::vector<Eigen::VectorXd> predictions;  // unscaled, one per requested row set
  std::vector<std::string> notes;
  std::unique_ptr<Regressor> regressor;
};

// Fits `technique` at `point` on rows `train` and columns `columns` of the (scaled) data, then
// predicts each of `targets`. A fit that throws (other than bad input) is a failed fit. With
// `reducible` (a regressor fitted on the same rows, columns and seed) that can be reduced to
// `point` (Regressor::ReduceTo), reduces it instead of fitting.
FitResult FitPredict(const std::string& technique, const nlohmann::json& point, uint64_t seed,
                     const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Scaler& y_scaler,
                     const std::vector<int>& train, const std::vector<int>& columns,
                     const std::vector<const std::vector<int>*>& targets,
                     std::unique_ptr<Regressor> reducible = nullptr) {
  FitResult result;
  const bool reduce = reducible != nullptr && reducible->CanReduceTo(point);
  std::unique_ptr<Regressor> regressor =
      reduce ? std::move(reducible) : MakeRegressor(technique, point, seed);
  try {
    if (reduce) {
      regressor->ReduceTo(point);
    } else {
      Eigen::MatrixXd x_train = x(train, columns);
      Eigen::VectorXd y_train = y(train);
      regressor->Fit(x_train, y_train);
    }
    for (const std::vector<int>* rows : targets) {
      Eigen::MatrixXd x_rows = x(*rows, columns);
      result.predictions.push_back(y_scaler.InvertVector(regressor->Predict(x_rows)));
    }
    result.ok = true;
    for (const Eigen::VectorXd& p : result.predictions) {
      if (!p.allFinite()) {
        result.ok = false;
        result.notes.push_back("a fit predicted NaN or infinity");
        break;
      }
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    result.ok = false;
    result.notes.push_back(std::string("fit failed: ") + e.what());
  }
  for (const std::string& note : regressor->notes()) result.notes.push_back(note);
  result.regressor = std::move(regressor);
  return result;
}

struct SplitScore {
  bool ok = false;
  Metrics metrics;
  std::vector<std::string> notes;
};

// The selection score of one (outer, inner) split.
SplitScore ScoreSplit(const std::string& technique, const nlohmann::json& point,
                      const std::vector<int>& columns, const Data& data,
                      const SelectionSplit& split) {
  const ScaledData& scaled = *split.data;
  FitResult fit = FitPredict(technique, point, split.outer->seed, *scaled.x, *scaled.y,
                             scaled.y_scaler, split.rows->train, columns, {&split.rows->test});
  SplitScore score;
  score.ok = fit.ok;
  score.notes = std::move(fit.notes);
  if (fit.ok) score.metrics = ComputeMetrics((*data.y)(split.rows->test), fit.predictions[0]);
  return score;
}

// The selection scores of a family of points (Families()) on one split: one fit at the first
// point, reduced to each following one in turn (a fresh fit where that is not possible).
std::vector<SplitScore> ScoreFamily(const std::string& technique,
                                    const std::vector<const nlohmann::json*>& family,
                                    const std::vector<int>& columns, const Data& data,
                                    const SelectionSplit& split) {
  const ScaledData& scaled = *split.data;
  const RowSplit& inner = *split.rows;
  std::vector<SplitScore> scores;
  std::unique_ptr<Regressor> previous;
  for (const nlohmann::json* point : family) {
    FitResult fit =
        FitPredict(technique, *point, split.outer->seed, *scaled.x, *scaled.y, scaled.y_scaler,
                   inner.train, columns, {&inner.test}, std::move(previous));
    SplitScore score;
    score.ok = fit.ok;
    score.notes = std::move(fit.notes);
    if (fit.ok) {
      score.metrics = ComputeMetrics((*data.y)(inner.test), fit.predictions[0]);
      previous = std::move(fit.regressor);
    }
    scores.push_back(std::move(score));
  }
  return scores;
}

// SVR's family (points that differ only in C, epsilon, tol, shrinking or max_seconds) in the
// order its warm starts cost least: C ascending, and at each C the larger epsilon first. Each
// reduction starts from the kept solution at the largest C no larger, at the nearest epsilon
// (libsvm_model.h), so each C's largest epsilon starts from the previous C's, and its smaller
// epsilons from it. On the issue 17 grid the costliest point (C 100, epsilon 0.01, gamma 0.1)
// then starts from C 100, epsilon 0.1 (about 20% fewer seconds than from C 10, epsilon 0.01, for
// as many iterations); the SVR grid's CPU time fell 7%. Every solve stops at libsvm's own
// criterion on the same problem; only the path (and the last digits it leaves open) changes.
void OrderForWarmStarts(const std::string& technique, const std::vector<nlohmann::json>& points,
                        std::vector<size_t>& family) {
  if (technique != "SVR") return;
  const auto number = [&](size_t g, const char* key, double fallback) {
    const nlohmann::json& p = points[g];
    return p.contains(key) && p.at(key).is_number() ? p.at(key).get<double>() : fallback;
  };
  // scikit-learn's defaults (svr.cc) where the point leaves C or epsilon out.
  std::stable_sort(family.begin(), family.end(), [&](size_t a, size_t b) {
    const double ca = number(a, "C", 1.0), cb = number(b, "C", 1.0);
    if (ca != cb) return ca < cb;
    return number(a, "epsilon", 0.1) > number(b, "epsilon", 0.1);
  });
}

// The points of one technique grouped so that a fit at each group's first point can be reduced
// to the others in order (Regressor::CanReduceTo: for trees, the same point at smaller
// max_depth, deepest first; for SVR, OrderForWarmStarts); a point no other serves is a group of
// its own.
std::vector<std::vector<size_t>> Families(const std::string& technique,
                                          const std::vector<nlohmann::json>& points,
                                          uint64_t seed) {
  const size_t n = points.size();
  std::vector<std::vector<bool>> reaches(n, std::vector<bool>(n, false));
  std::vector<size_t> reach_count(n, 0);
  for (size_t a = 0; a < n; ++a) {
    std::unique_ptr<Regressor> r = MakeRegressor(technique, points[a], seed);
    for (size_t b = 0; b < n; ++b) {
      reaches[a][b] = a != b && r->CanReduceTo(points[b]);
      reach_count[a] += reaches[a][b] ? 1 : 0;
    }
  }
  std::vector<size_t> order(n);
  for (size_t g = 0; g < n; ++g) order[g] = g;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return reach_count[a] > reach_count[b]; });
  std::vector<bool> assigned(n, false);
  std::vector<std::vector<size_t>> families;
  for (size_t a : order) {
    if (assigned[a]) continue;
    std::vector<size_t> family = {a};
    assigned[a] = true;
    for (size_t b : order) {
      if (!assigned[b] && reaches[a][b]) {
        family.push_back(b);
        assigned[b] = true;
      }
    }
    OrderForWarmStarts(technique, points, family);
    families.push_back(std::move(family));
  }
  return families;
}

// A rough relative cost of fitting `technique` at `point` on `rows` rows of `columns` features,
// to start the expensive fits first when `jobs` threads share them (longest first, so that the
// threads finish together instead of one running the last long fit alone). It only orders work:
// every fit's result is the same whatever the order. SVR's solver works on a rows x rows kernel
// matrix, and needs more iterations at larger C (on stereomatch's selection folds, tenths of a
// second per fit at C 1, up to about 5 s at C 100); the others make passes over the rows, once
// per tree for ensembles.
double FitCostEstimate(const std::string& technique, const nlohmann::json& point, double rows,
                       double columns) {
  if (technique == "SVR") {
    const nlohmann::json* c = point.contains("C") ? &point.at("C") : nullptr;
    const double c_value = c != nullptr && c->is_number() ? c->get<double>() : 1.0;
    return rows * rows * (1.0 + std::log10(std::max(1.0, c_value)));
  }
  const nlohmann::json* trees =
      point.contains("n_estimators") ? &point.at("n_estimators") : nullptr;
  return rows * columns * (trees != nullptr && trees->is_number() ? trees->get<double>() : 1.0);
}

// The order in which to run tasks of estimated costs `cost`: the most expensive first, ties in
// their given order.
std::vector<size_t> LongestFirst(const std::vector<double>& cost) {
  std::vector<size_t> order(cost.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return cost[a] > cost[b]; });
  return order;
}

struct PointScore {
  double mape = kInfinity;  // mean selection MAPE; infinity when a fit failed
  Metrics selection;
  std::vector<int> columns;
  size_t fits = 0;
  std::vector<std::string> notes;
};

PointScore Aggregate(const std::vector<SplitScore>& splits, std::vector<int> columns) {
  PointScore score;
  score.columns = std::move(columns);
  score.fits = splits.size();
  std::vector<Metrics> all;
  bool ok = true;
  for (const SplitScore& s : splits) {
    ok = ok && s.ok;
    all.push_back(s.metrics);
    score.notes.insert(score.notes.end(), s.notes.begin(), s.notes.end());
  }
  if (ok && !all.empty()) {
    score.selection = MeanMetrics(all);
    score.mape = std::isfinite(score.selection.mape) ? score.selection.mape : kInfinity;
  }
  return score;
}

std::vector<SelectionSplit> AllSplits(const Data& data) {
  std::vector<SelectionSplit> out;
  for (const Outer& outer : data.outers) {
    for (size_t i = 0; i < outer.inner.size(); ++i) {
      out.push_back({&outer, &outer.inner[i], &outer.inner_data[i]});
    }
  }
  return out;
}

// Sequential forward selection: grows the feature set one feature at a time (the one that lowers
// the selection MAPE most), up to max_features, and keeps the best set seen among those of at
// least min_features (fewer when there are not that many features).
PointScore ForwardSelection(const std::string& technique, const nlohmann::json& point,
                            size_t feature_count, int min_features, int max_features,
                            const Data& data) {
  const size_t smallest = std::min<size_t>(
      {static_cast<size_t>(min_features), static_cast<size_t>(max_features), feature_count});
  auto splits = AllSplits(data);
  PointScore best;
  std::vector<int> chosen;
  size_t fits = 0;
  std::vector<std::string> notes;
  for (int step = 0; step < max_features && chosen.size() < feature_count; ++step) {
    PointScore step_best;
    int step_feature = -1;
    for (size_t f = 0; f < feature_count; ++f) {
      if (std::find(chosen.begin(), chosen.end(), static_cast<int>(f)) != chosen.end()) continue;
      std::vector<int> columns = chosen;
      columns.push_back(static_cast<int>(f));
      std::sort(columns.begin(), columns.end());
      std::vector<SplitScore> scores;
      for (const SelectionSplit& split : splits) {
        scores.push_back(ScoreSplit(technique, point, columns, data, split));
      }
      PointScore score = Aggregate(scores, columns);
      fits += score.fits;
      notes.insert(notes.end(), score.notes.begin(), score.notes.end());
      if (step_feature < 0 || score.mape < step_best.mape) {
        step_best = std::move(score);
        step_feature = static_cast<int>(f);
      }
    }
    if (step_feature < 0 || !std::isfinite(step_best.mape)) break;
    chosen.push_back(step_feature);
    if (chosen.size() < smallest) continue;
    if (best.columns.empty() || step_best.mape < best.mape) best = step_best;
  }
  best.fits = fits;
  best.notes = std::move(notes);
  return best;
}

Data PrepareSplits(const TrainConfig& config, const CsvTable& table, const Eigen::MatrixXd& x,
                   const Eigen::VectorXd& y) {
  Data data;
  data.x = &x;
  data.y = &y;
  const ScaledData unscaled{Scaler(), Scaler(), std::make_shared<const Eigen::MatrixXd>(x),
                            std::make_shared<const Eigen::VectorXd>(y)};
  auto scale = [&](const std::vector<int>& rows) {
    if (!config.normalization) return unscaled;
    ScaledData scaled;
    scaled.x_scaler = Scaler::Fit(x, rows);
    scaled.y_scaler = Scaler::FitVector(y, rows);
    scaled.x = std::make_shared<const Eigen::MatrixXd>(scaled.x_scaler.Apply(x));
    scaled.y = std::make_shared<const Eigen::VectorXd>(scaled.y_scaler.ApplyVector(y));
    return scaled;
  };
  for (int run = 0; run < config.run_num; ++run) {
    uint64_t seed = config.seed + static_cast<uint64_t>(run);
    std::mt19937_64 rng(seed);
    for (RowSplit& split : ValidationSplits(config, table, rng)) {
      Outer outer;
      outer.run = run;
      outer.seed = seed;
      outer.inner = SelectionSplits(config, split.train, rng);
      ScaledData scaled = scale(split.train);
      outer.x_scaler = scaled.x_scaler;
      outer.y_scaler = scaled.y_scaler;
      outer.x = scaled.x;
      outer.y = scaled.y;
      for (const RowSplit& inner : outer.inner) {
        // hp_selection All trains on the validation split's training rows: the same scaling.
        outer.inner_data.push_back(inner.train == split.train ? scaled : scale(inner.train));
      }
      outer.split = std::move(split);
      outer.columns.resize(static_cast<size_t>(x.cols()));
      std::iota(outer.columns.begin(), outer.columns.end(), 0);
      data.outers.push_back(std::move(outer));
    }
  }
  return data;
}

// XGBoost feature selection ([FeatureSelection] method = 'XGBoost'): keeps, in each validation
// split, the features XGBoost ranks highest on its training rows (Outer::columns), and returns
// those kept on all rows, for the final refit. Reports what it did in `report`.
std::vector<int> SelectXgboostFeatures(const TrainConfig& config, const Eigen::MatrixXd& x,
                                       const Eigen::VectorXd& y,
                                       const std::vector<std::string>& names, Data* data, int jobs,
                                       nlohmann::json* report) {
  std::vector<XgboostSelectionTask> tasks;
  for (const Outer& outer : data->outers) {
    tasks.push_back({outer.x.get(), outer.y.get(), &y, &outer.y_scaler, &outer.split.train,
                     &outer.inner, outer.seed});
  }
  // All rows, as the refit sees them; a validation split that trains on every row (All) of the
  // first run is that selection already.
  std::vector<int> all_rows(static_cast<size_t>(x.rows()));
  std::iota(all_rows.begin(), all_rows.end(), 0);
  size_t final_task = tasks.size();
  for (size_t o = 0; o < data->outers.size(); ++o) {
    if (data->outers[o].run == 0 && data->outers[o].split.train == all_rows) {
      final_task = o;
      break;
    }
  }
  Scaler x_scaler, y_scaler;
  Eigen::MatrixXd x_all;
  Eigen::VectorXd y_all;
  std::vector<RowSplit> all_inner;
  if (final_task == tasks.size()) {
    std::mt19937_64 rng(config.seed);
    all_inner = SelectionSplits(config, all_rows, rng);
    if (config.normalization) {
      x_scaler = Scaler::Fit(x, all_rows);
      y_scaler = Scaler::FitVector(y, all_rows);
    }
    x_all = x_scaler.Apply(x);
    y_all = y_scaler.ApplyVector(y);
    tasks.push_back({&x_all, &y_all, &y, &y_scaler, &all_rows, &all_inner, config.seed});
  }
  std::vector<XgboostSelection> selections = SelectFeaturesWithXgboost(config, tasks, jobs);

  auto names_of = [&](const std::vector<int>& columns) {
    std::vector<std::string> out;
    for (int c : columns) out.push_back(names[c]);
    return out;
  };
  nlohmann::json splits = nlohmann::json::array();
  size_t fits = 0;
  std::map<std::string, int> notes;
  for (size_t t = 0; t < selections.size(); ++t) {
    fits += selections[t].fits;
    for (const std::string& note : selections[t].notes) ++notes[note];
    if (t < data->outers.size()) {
      data->outers[t].columns = selections[t].columns;
      splits.push_back(
          {{"run", data->outers[t].run}, {"features", names_of(selections[t].columns)}});
    }
  }
  const XgboostSelection& final_selection = selections[final_task];
  nlohmann::json weights = nlohmann::json::object();
  for (size_t f = 0; f < final_selection.weights.size(); ++f) {
    if (final_selection.weights[f] > 0) weights[names[f]] = final_selection.weights[f];
  }
  *report = {{"method", "XGBoost"},
             {"tolerance", config.xgboost_tolerance},
             {"features", names_of(final_selection.columns)},
             {"weights", weights},
             {"hyperparameters", final_selection.hyperparameters},
             {"per_validation_split", splits},
             {"fits", fits}};
  (*report)["notes"] = nlohmann::json::array();
  for (const auto& [note, count] : notes) {
    (*report)["notes"].push_back({{"note", note}, {"count", count}});
  }
  return final_selection.columns;
}

std::string Describe(SplitMethod method, const TrainConfig& config) {
  std::string name = SplitMethodName(method);
  switch (method) {
    case SplitMethod::kHoldOut:
      return name + "(" + nlohmann::json(config.hold_out_ratio).dump() + ")";
    case SplitMethod::kKFold:
      return name + "(" + std::to_string(config.folds) + ")";
    case SplitMethod::kExtrapolation: {
      std::string s;
      for (const auto& [c, b] : config.extrapolation_columns) {
        std::ostringstream bound;
        bound << b;
        s += (s.empty() ? "" : ", ") + c + " > " + bound.str();
      }
      return name + "(" + s + ")";
    }
    default:
      return name;
  }
}

// hyperparameter_tuning = 'Hyperopt': Bayesian search (model/search/tpe_search.h) of one
// technique's hyperparameters on one set of feature columns; every evaluation is kept like a grid
// point.
struct BayesianRun {
  size_t technique = 0;
  std::vector<int> columns;
  TpeSearch tpe;
  std::vector<nlohmann::json> points;          // each evaluation's hyperparameters
  std::vector<PointScore> scores;              // its score over all selection splits
  std::vector<std::vector<PointScore>> outer;  // its score within each validation split
};

// Runs `runs` side by side for max_evals rounds: in each round every run proposes one point
// (sequentially, so the proposals do not depend on the thread count), then all their (point,
// split) fits share `jobs` threads. A point proposed again is not refitted (it keeps its score
// and costs no fits); a point the technique rejects scores +infinity.
void RunBayesian(const TrainConfig& config, const Data& data, int jobs,
                 std::vector<BayesianRun>& runs) {
  auto splits = AllSplits(data);
  struct Task {
    size_t run, split;
  };
  for (int round = 0; round < config.max_evals; ++round) {
    std::vector<std::vector<double>> proposals(runs.size());
    std::vector<int> repeat(runs.size(), -1);
    std::vector<std::string> rejected(runs.size());
    std::vector<Task> tasks;
    for (size_t r = 0; r < runs.size(); ++r) {
      BayesianRun& run = runs[r];
      proposals[r] = run.tpe.Suggest();
      nlohmann::json point = BayesianPoint(config.spaces[run.technique], proposals[r]);
      for (size_t e = 0; e < run.points.size() && repeat[r] < 0; ++e) {
        if (run.points[e] == point) repeat[r] = static_cast<int>(e);
      }
      run.points.push_back(point);
      if (repeat[r] >= 0) continue;
      try {
        MakeRegressor(config.techniques[run.technique], point, config.seed);
      } catch (const InputError& e) {
        rejected[r] = "a proposed point was rejected: " + e.message();
        continue;
      }
      for (size_t s = 0; s < splits.size(); ++s) tasks.push_back({r, s});
    }
    std::vector<SplitScore> results(tasks.size());
    ParallelFor(tasks.size(), jobs, [&](size_t i) {
      const BayesianRun& run = runs[tasks[i].run];
      const SelectionSplit& split = splits[tasks[i].split];
      // Without SFS, each validation split's own features (all, unless XGBoost selected some).
      results[i] =
          ScoreSplit(config.techniques[run.technique], run.points.back(),
                     config.feature_selection ? run.columns : split.outer->columns, data, split);
    });
    size_t next = 0;
    for (size_t r = 0; r < runs.size(); ++r) {
      BayesianRun& run = runs[r];
      PointScore score;
      std::vector<PointScore> per_outer(data.outers.size());
      if (repeat[r] >= 0) {
        score = run.scores[repeat[r]];
        score.fits = 0;
        score.notes.clear();
        per_outer = run.outer[repeat[r]];
      } else if (!rejected[r].empty()) {
        score.columns = run.columns;
        score.notes.push_back(rejected[r]);
      } else {
        std::vector<SplitScore> group(results.begin() + next,
                                      results.begin() + next + splits.size());
        next += splits.size();
        score = Aggregate(group, run.columns);
        size_t s = 0;
        for (size_t o = 0; o < data.outers.size(); ++o) {
          size_t n = data.outers[o].inner.size();
          std::vector<SplitScore> inner(group.begin() + s, group.begin() + s + n);
          s += n;
          per_outer[o] = Aggregate(inner, run.columns);
          per_outer[o].notes.clear();
        }
      }
      run.tpe.Tell(proposals[r], score.mape);
      run.scores.push_back(std::move(score));
      run.outer.push_back(std::move(per_outer));
    }
  }
}

// Fills each technique's points and scores (and, without feature selection, the scores within
// each validation split) with the evaluations of its Bayesian searches: one search per technique
// on every feature or, with SFS, one per candidate feature set of each forward step (aMLLibrary's
// HyperoptSFS), the step keeping the set whose search found the lowest selection MAPE.
void BayesianSearch(const TrainConfig& config, const Data& data, size_t feature_count, int jobs,
                    std::vector<std::vector<nlohmann::json>>& points,
                    std::vector<std::vector<PointScore>>& scores,
                    std::vector<std::vector<std::vector<PointScore>>>& outer_scores) {
  auto make_run = [&](size_t t, std::vector<int> columns, uint64_t salt) {
    TpeOptions options;
    options.max_evals = config.max_evals;
    options.seed = config.seed + 7919 * t + salt;
    return BayesianRun{
        t, std::move(columns), TpeSearch(BayesianSpace(config.spaces[t]), options), {}, {}, {}};
  };
  auto keep = [&](BayesianRun& run) {
    size_t t = run.technique;
    for (size_t e = 0; e < run.points.size(); ++e) {
      points[t].push_back(std::move(run.points[e]));
      scores[t].push_back(std::move(run.scores[e]));
      if (!config.feature_selection) outer_scores[t].push_back(std::move(run.outer[e]));
    }
  };
  if (!config.feature_selection) {
    std::vector<int> all(feature_count);
    for (size_t f = 0; f < feature_count; ++f) all[f] = static_cast<int>(f);
    std::vector<BayesianRun> runs;
    for (size_t t = 0; t < config.spaces.size(); ++t) runs.push_back(make_run(t, all, 0));
    RunBayesian(config, data, jobs, runs);
    for (BayesianRun& run : runs) keep(run);
    return;
  }
  for (size_t t = 0; t < config.spaces.size(); ++t) {
    std::vector<int> chosen;
    for (int step = 0; step < config.max_features && chosen.size() < feature_count; ++step) {
      std::vector<BayesianRun> runs;
      for (size_t f = 0; f < feature_count; ++f) {
        if (std::find(chosen.begin(), chosen.end(), static_cast<int>(f)) != chosen.end()) continue;
        std::vector<int> columns = chosen;
        columns.push_back(static_cast<int>(f));
        std::sort(columns.begin(), columns.end());
        runs.push_back(make_run(t, std::move(columns), 104729 * (step + 1) + 31 * f));
      }
      RunBayesian(config, data, jobs, runs);
      int step_feature = -1;
      double step_mape = kInfinity;
      for (size_t r = 0; r < runs.size(); ++r) {
        int b = runs[r].tpe.best();
        if (b >= 0 && runs[r].scores[b].mape < step_mape) {
          step_mape = runs[r].scores[b].mape;
          step_feature = static_cast<int>(r);
        }
      }
      if (step_feature >= 0) {
        // The feature the winning run added to `chosen`.
        for (int c : runs[step_feature].columns) {
          if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) {
            chosen.push_back(c);
            break;
          }
        }
      }
      // Sets smaller than min_features are searched (SFS grows through them) but never chosen.
      const size_t smallest =
          std::min<size_t>({static_cast<size_t>(config.min_features),
                            static_cast<size_t>(config.max_features), feature_count});
      if (static_cast<size_t>(step) + 1 < smallest) {
        for (BayesianRun& run : runs) {
          for (PointScore& score : run.scores) score.mape = kInfinity;
        }
      }
      for (BayesianRun& run : runs) keep(run);
      if (step_feature < 0) break;
    }
  }
}

// How the hyperparameters were searched (results.txt and results.json).
nlohmann::json SearchDescription(const TrainConfig& config) {
  if (config.bayesian_search) {
    // Each technique's searched dimensions: "loguniform(0.01, 1)" or "choice of [1, 3, 5]".
    nlohmann::json space = nlohmann::json::object();
    for (const TechniqueSpace& t : config.spaces) {
      nlohmann::json dimensions = nlohmann::json::object();
      for (const HyperparameterValues& h : t.hyperparameters) {
        if (h.prior) dimensions[h.name] = h.prior->ToString();
        if (!h.prior && h.values.size() > 1) {
          dimensions[h.name] = "choice of " + nlohmann::json(h.values).dump();
        }
      }
      space[t.technique] = dimensions;
    }
    return {{"method", "Hyperopt"},
            {"algorithm", "TPE (Bayesian, as Hyperopt's tpe.suggest)"},
            {"max_evals", config.max_evals},
            {"budget_per",
             config.feature_selection ? "technique and candidate feature set" : "technique"},
            {"space", space}};
  }
  if (config.random_search) {
    return {{"method", "Random"}, {"max_evals", config.max_evals}, {"budget_per", "technique"}};
  }
  return {{"method", "Grid"}};
}

// One call of Train(): the prepared data, the points of each technique and their scores, filled
// in phase by phase, one method per phase (LevelDB's DBImpl is the model). Used once.
class TrainingRun {
 public:
  TrainingRun(const TrainConfig& config, const TrainOptions& options)
      : config_(config), options_(options) {}
  TrainingRun(const TrainingRun&) = delete;  // data_ points into x_ and y_
  TrainingRun& operator=(const TrainingRun&) = delete;

  TrainSummary Run() {
    auto start = std::chrono::steady_clock::now();
    DescribeConfiguration();
    PrepareData();
    ChoosePoints();
    SelectHyperparameters();
    SummariseSelection();
    MeasureAndRefitBestPoints();
    PickWinner();
    summary_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(summary_);
  }

 private:
  // What the configuration asks for, as the reports say it.
  void DescribeConfiguration() {
    summary_.config_path = config_.path;
    summary_.input_path = config_.input_path;
    summary_.runs = config_.run_num;
    summary_.jobs = options_.jobs;
    summary_.validation = Describe(config_.validation, config_);
    summary_.hp_selection = Describe(config_.hp_selection, config_);
    summary_.search = SearchDescription(config_);
  }

  // Data preparation, in aMLLibrary's order; then the validation and selection splits.
  void PrepareData() {
    table_ = LoadCsv(config_.input_path);
    FeaturePlan::RenameColumns(config_.rename_columns, &table_, &config_);
    SkipRows(config_, &table_);
    plan_ = FeaturePlan::Fit(config_, table_);
    y_ = TargetColumn(table_, config_.y, &config_);
    // MAPE, by which every point and technique is chosen, divides by |y|: one zero target makes
    // it infinite on every split that scores that row, and every technique would fail for no
    // reason a user could see. aMLLibrary divides by machine epsilon instead, which ranks the
    // techniques by that one row.
    for (Eigen::Index r = 0; r < y_.size(); ++r) {
      if (y_(r) == 0) {
        throw InputError(table_.RowWhere(static_cast<size_t>(r)),
                         "the target " + config_.y +
                             " is 0, and MAPE (the selection metric) divides by it: remove such "
                             "rows from the data");
      }
    }
    x_ = plan_.Build(table_);
    summary_.rows = table_.rows();
    summary_.feature_names = plan_.names();
    data_ = PrepareSplits(config_, table_, x_, y_);
    feature_count_ = plan_.names().size();
    all_columns_.resize(feature_count_);
    for (size_t i = 0; i < feature_count_; ++i) all_columns_[i] = static_cast<int>(i);
    // The features of the final refit (each validation split has its own in Outer::columns).
    final_columns_ = all_columns_;
    if (config_.xgboost_selection) {
      final_columns_ = SelectXgboostFeatures(config_, x_, y_, plan_.names(), &data_, options_.jobs,
                                             &summary_.xgboost_selection);
    }
  }

  // The points each technique tries.
  void ChoosePoints() {
    for (size_t t = 0; t < config_.spaces.size(); ++t) {
      std::vector<nlohmann::json> grid =
          config_.bayesian_search ? std::vector<nlohmann::json>{} : ExpandGrid(config_.spaces[t]);
      if (config_.random_search) {
        grid = SampleGrid(grid, static_cast<size_t>(config_.max_evals), config_.seed + 7919 * t);
      }
      points_.push_back(std::move(grid));
    }
  }

  // 1. Hyperparameter (and feature) selection: the score of every point.
  void SelectHyperparameters() {
    scores_.resize(points_.size());
    for (size_t t = 0; t < points_.size(); ++t) scores_[t].resize(points_[t].size());
    outer_scores_.resize(points_.size());
    if (config_.bayesian_search) {
      BayesianSearch(config_, data_, feature_count_, options_.jobs, points_, scores_,
                     outer_scores_);
    } else if (config_.feature_selection) {
      ForwardSelectionSearch();
    } else {
      GridSearch();
    }
    // With XGBoost feature selection every point is refitted on the features kept on all rows.
    if (config_.xgboost_selection) {
      for (std::vector<PointScore>& technique_scores : scores_) {
        for (PointScore& score : technique_scores) score.columns = final_columns_;
      }
    }
  }

  // Sequential forward selection of each point's features (scores only on all splits).
  void ForwardSelectionSearch() {
    std::vector<std::pair<size_t, size_t>> tasks;
    for (size_t t = 0; t < points_.size(); ++t) {
      for (size_t g = 0; g < points_[t].size(); ++g) tasks.emplace_back(t, g);
    }
    ParallelFor(tasks.size(), options_.jobs, [&](size_t i) {
      auto [t, g] = tasks[i];
      scores_[t][g] = ForwardSelection(config_.techniques[t], points_[t][g], feature_count_,
                                       config_.min_features, config_.max_features, data_);
    });
  }

  // Every point on every (validation, selection) split; also scored within each validation split
  // (aMLLibrary chooses the hyperparameters of each validation fold on that fold's own selection
  // splits).
  void GridSearch() {
    auto splits = AllSplits(data_);
    struct Task {
      size_t t, g, s;
    };
    std::vector<Task> tasks;
    for (size_t t = 0; t < points_.size(); ++t) {
      for (size_t g = 0; g < points_[t].size(); ++g) {
        for (size_t s = 0; s < splits.size(); ++s) tasks.push_back({t, g, s});
      }
    }
    std::vector<SplitScore> results(tasks.size());
    // The fits actually run: one per family of points (Families()) and split. tasks[i] for
    // point g of technique t and split s is at first_task[t] + g * splits.size() + s.
    struct FamilyTask {
      size_t t, s;
      std::vector<size_t> family;
    };
    std::vector<FamilyTask> family_tasks;
    std::vector<size_t> first_task(points_.size(), 0);
    for (size_t t = 0, first = 0; t < points_.size(); ++t) {
      first_task[t] = first;
      first += points_[t].size() * splits.size();
      for (std::vector<size_t>& family :
           Families(config_.techniques[t], points_[t], config_.seed)) {
        for (size_t s = 0; s < splits.size(); ++s) family_tasks.push_back({t, s, family});
      }
    }
    // The families' fits, longest first (FitCostEstimate): each writes only its own results.
    std::vector<double> cost(family_tasks.size(), 0.0);
    for (size_t i = 0; i < family_tasks.size(); ++i) {
      const FamilyTask& task = family_tasks[i];
      const double rows = static_cast<double>(splits[task.s].rows->train.size());
      const double columns = static_cast<double>(splits[task.s].outer->columns.size());
      for (size_t g : task.family) {
        cost[i] += FitCostEstimate(config_.techniques[task.t], points_[task.t][g], rows, columns);
      }
    }
    const std::vector<size_t> order = LongestFirst(cost);
    ParallelFor(family_tasks.size(), options_.jobs, [&](size_t k) {
      const FamilyTask& task = family_tasks[order[k]];
      std::vector<const nlohmann::json*> family;
      for (size_t g : task.family) family.push_back(&points_[task.t][g]);
      std::vector<SplitScore> scores = ScoreFamily(
          config_.techniques[task.t], family, splits[task.s].outer->columns, data_, splits[task.s]);
      for (size_t k = 0; k < task.family.size(); ++k) {
        results[first_task[task.t] + task.family[k] * splits.size() + task.s] =
            std::move(scores[k]);
      }
    });
    for (size_t begin = 0; begin < tasks.size(); begin += splits.size()) {
      std::vector<SplitScore> group(results.begin() + begin,
                                    results.begin() + begin + splits.size());
      size_t t = tasks[begin].t;
      scores_[t][tasks[begin].g] = Aggregate(group, final_columns_);
      // The same splits, grouped by validation split (AllSplits lists them outer by outer).
      std::vector<PointScore> per_outer;
      size_t s = 0;
      for (const Outer& outer : data_.outers) {
        std::vector<SplitScore> inner(group.begin() + s, group.begin() + s + outer.inner.size());
        s += outer.inner.size();
        PointScore score = Aggregate(inner, all_columns_);
        score.notes.clear();
        per_outer.push_back(std::move(score));
      }
      outer_scores_[t].push_back(std::move(per_outer));
    }
  }

  // Each technique's best point, overall and within each validation split (the overall best
  // with SFS), and its selection figures.
  void SummariseSelection() {
    summary_.techniques.resize(points_.size());
    best_point_.assign(points_.size(), 0);
    outer_point_.resize(points_.size());
    for (size_t t = 0; t < points_.size(); ++t) {
      TechniqueResult& result = summary_.techniques[t];
      result.technique = config_.techniques[t];
      result.points = points_[t].size();
      for (size_t g = 0; g < points_[t].size(); ++g) {
        result.fits += scores_[t][g].fits;
        for (const std::string& note : scores_[t][g].notes) ++result.notes[note];
        if (scores_[t][g].mape < scores_[t][best_point_[t]].mape) best_point_[t] = g;
      }
      const PointScore& best = scores_[t][best_point_[t]];
      result.ok = std::isfinite(best.mape);
      result.hyperparameters = points_[t][best_point_[t]];
      result.selection = best.selection;
      for (int c : best.columns) result.features.push_back(plan_.names()[c]);
      outer_point_[t].assign(data_.outers.size(), best_point_[t]);
      if (outer_scores_[t].empty()) continue;
      std::vector<Metrics> selection;
      for (size_t o = 0; o < data_.outers.size(); ++o) {
        size_t& g_best = outer_point_[t][o];
        for (size_t g = 0; g < points_[t].size(); ++g) {
          if (outer_scores_[t][g][o].mape < outer_scores_[t][g_best][o].mape) g_best = g;
        }
        selection.push_back(outer_scores_[t][g_best][o].selection);
        result.ok = result.ok && std::isfinite(outer_scores_[t][g_best][o].mape);
      }
      if (result.ok) result.selection = MeanMetrics(selection);
    }
  }

  // 2. Train and validation figures of each technique's best point, per validation split, and
  // the relative validation residuals (prediction intervals); 3. each technique's best point
  // refitted on all rows: the model that is saved. The refit needs none of the validation fits'
  // figures until the model is put together, so all these fits share the threads at once,
  // longest first (FitCostEstimate): on one core SVR's validation fit, on the other its refit,
  // rather than one core idle while the other runs each. A technique whose validation fit fails
  // drops its refit unseen, as if it had not run.
  void MeasureAndRefitBestPoints() {
    struct Measure {
      bool ok = false;
      Metrics train, validation;
      std::vector<double> residuals;
      std::vector<std::string> notes;
    };
    struct Refit {
      Scaler x_scaler, y_scaler;
      FitResult fit;
    };
    std::vector<std::pair<size_t, size_t>> measure_tasks;
    std::vector<size_t> refit_tasks;
    for (size_t t = 0; t < points_.size(); ++t) {
      if (!summary_.techniques[t].ok) continue;
      for (size_t o = 0; o < data_.outers.size(); ++o) measure_tasks.emplace_back(t, o);
      refit_tasks.push_back(t);
    }
    std::vector<Measure> measures(measure_tasks.size());
    std::vector<Refit> refits(points_.size());
    std::vector<int> all_rows(table_.rows());
    for (size_t r = 0; r < all_rows.size(); ++r) all_rows[r] = static_cast<int>(r);

    auto measure = [&](size_t i) {
      auto [t, o] = measure_tasks[i];
      const Outer& outer = data_.outers[o];
      size_t g = outer_point_[t][o];
      const PointScore& best = scores_[t][g];
      FitResult fit = FitPredict(config_.techniques[t], points_[t][g], outer.seed, *outer.x,
                                 *outer.y, outer.y_scaler, outer.split.train,
                                 config_.feature_selection ? best.columns : outer.columns,
                                 {&outer.split.train, &outer.split.test});
      Measure& m = measures[i];
      m.ok = fit.ok;
      m.notes = std::move(fit.notes);
      if (!fit.ok) return;
      m.train = ComputeMetrics(y_(outer.split.train), fit.predictions[0]);
      Eigen::VectorXd real = y_(outer.split.test);
      m.validation = ComputeMetrics(real, fit.predictions[1]);
      for (Eigen::Index r = 0; r < real.size(); ++r) {
        double p = fit.predictions[1](r);
        if (p != 0) m.residuals.push_back((real(r) - p) / p);
      }
    };
    auto refit = [&](size_t t) {
      const TechniqueResult& result = summary_.techniques[t];
      const std::vector<int>& columns = scores_[t][best_point_[t]].columns;
      Refit& r = refits[t];
      Eigen::MatrixXd x_all = x_;
      Eigen::VectorXd y_all = y_;
      if (config_.normalization) {
        r.x_scaler = Scaler::Fit(x_, all_rows);
        r.y_scaler = Scaler::FitVector(y_, all_rows);
        x_all = r.x_scaler.Apply(x_);
        y_all = r.y_scaler.ApplyVector(y_);
      }
      r.fit = FitPredict(result.technique, result.hyperparameters, config_.seed, x_all, y_all,
                         r.y_scaler, all_rows, columns, {&all_rows});
      // The saved model never reduces: free its kernel matrix, trees.
      if (r.fit.regressor) r.fit.regressor->ReleaseFitData();
    };
    std::vector<double> cost;
    const double features = static_cast<double>(feature_count_);
    for (auto [t, o] : measure_tasks) {
      cost.push_back(FitCostEstimate(config_.techniques[t], points_[t][outer_point_[t][o]],
                                     static_cast<double>(data_.outers[o].split.train.size()),
                                     features));
    }
    for (size_t t : refit_tasks) {
      cost.push_back(FitCostEstimate(config_.techniques[t], points_[t][best_point_[t]],
                                     static_cast<double>(all_rows.size()), features));
    }
    const std::vector<size_t> order = LongestFirst(cost);
    ParallelFor(order.size(), options_.jobs, [&](size_t k) {
      const size_t i = order[k];
      if (i < measure_tasks.size()) {
        measure(i);
      } else {
        refit(refit_tasks[i - measure_tasks.size()]);
      }
    });

    residuals_.resize(points_.size());
    for (size_t t = 0; t < points_.size(); ++t) {
      std::vector<Metrics> train, validation;
      for (size_t i = 0; i < measure_tasks.size(); ++i) {
        if (measure_tasks[i].first != t) continue;
        const Measure& m = measures[i];
        summary_.techniques[t].fits += 1;
        for (const std::string& note : m.notes) ++summary_.techniques[t].notes[note];
        if (!m.ok) {
          summary_.techniques[t].ok = false;
          continue;
        }
        train.push_back(m.train);
        validation.push_back(m.validation);
        residuals_[t].insert(residuals_[t].end(), m.residuals.begin(), m.residuals.end());
      }
      if (summary_.techniques[t].ok && !train.empty()) {
        summary_.techniques[t].train = MeanMetrics(train);
        summary_.techniques[t].validation = MeanMetrics(validation);
      }
    }
    for (size_t t : refit_tasks)
      SaveRefit(t, refits[t].x_scaler, refits[t].y_scaler, std::move(refits[t].fit));
  }

  // The model of technique t from its refit on all rows (MeasureAndRefitBestPoints), when the
  // technique is still ok.
  void SaveRefit(size_t t, const Scaler& x_scaler, const Scaler& y_scaler, FitResult fit) {
    TechniqueResult& result = summary_.techniques[t];
    if (!result.ok) return;
    const std::vector<int>& columns = scores_[t][best_point_[t]].columns;
    result.fits += 1;
    for (const std::string& note : fit.notes) ++result.notes[note];
    if (!fit.ok) {
      result.ok = false;
      return;
    }
    result.refit = ComputeMetrics(y_, fit.predictions[0]);
    for (int c : fit.regressor->SelectedFeatures()) {
      if (c >= 0 && static_cast<size_t>(c) < columns.size()) {
        result.model_features.push_back(plan_.names()[columns[c]]);
      }
    }
    nlohmann::json metrics = {{"train", result.train.ToJson()},
                              {"selection", result.selection.ToJson()},
                              {"validation", result.validation.ToJson()}};
    result.model = std::make_shared<ModelFile>(result.technique, config_.y, result.hyperparameters,
                                               plan_, columns, x_scaler.Select(columns), y_scaler,
                                               std::move(fit.regressor), residuals_[t], metrics);
    result.model->set_input_ranges(plan_.InputRanges(table_));
  }

  // The winner: the lowest selection MAPE.
  void PickWinner() {
    for (size_t t = 0; t < summary_.techniques.size(); ++t) {
      const TechniqueResult& result = summary_.techniques[t];
      if (!result.ok) continue;
      if (summary_.best < 0 ||
          result.selection.mape < summary_.techniques[summary_.best].selection.mape) {
        summary_.best = static_cast<int>(t);
      }
    }
  }

  const TrainConfig& config_;
  const TrainOptions& options_;
  TrainSummary summary_;
  // The prepared data.
  CsvTable table_;
  FeaturePlan plan_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Data data_;  // points into x_ and y_
  size_t feature_count_ = 0;
  std::vector<int> all_columns_;
  std::vector<int> final_columns_;  // the features of the final refit
  // Per technique t: its points, their scores (and per validation split, empty with SFS), its best
  // point overall and per validation split, its validation residuals.
  std::vector<std::vector<nlohmann::json>> points_;
  std::vector<std::vector<PointScore>> scores_;
  std::vector<std::vector<std::vector<PointScore>>> outer_scores_;
  std::vector<size_t> best_point_;
  std::vector<std::vector<size_t>> outer_point_;
  std::vector<std::vector<double>> residuals_;
};

}  // namespace

TrainSummary Train(const TrainConfig& config, const TrainOptions& options) {
  return TrainingRun(config, options).Run();
}

}  // namespace twinprof::model
