#include "model/regressors/tree_booster.h"

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "core/base64.h"
#include "core/error.h"
#include "model/regressors/split_columns.h"
#include "model/regressors/xgboost_model_check.h"

namespace twinprof::model::regressors {

namespace {

// The columns of `x` the booster needs to see: all of them when the plan samples columns (the
// sampling draws from the column count) or uses the approx updater; otherwise those that offer a
// split no earlier column offers (split_columns.h). Same trees: a tie between two columns with
// the same partitions goes to the first (XGBoost prefers the lower index; only rounding of sums
// taken in another order could have picked the later one).
std::vector<Eigen::Index> ColumnsToTrain(
    const Eigen::MatrixXd& x, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string method = "exact";
  Eigen::Index max_bin = 256;
  bool samples_columns = false;
  for (const auto& [name, value] : params) {
    if (name == "tree_method") method = value;
    if (name == "max_bin") max_bin = std::stol(value);
    if (name.rfind("colsample_", 0) == 0 && std::stod(value) != 1.0) samples_columns = true;
  }
  std::vector<Eigen::Index> all(static_cast<size_t>(x.cols()));
  for (Eigen::Index j = 0; j < x.cols(); ++j) all[static_cast<size_t>(j)] = j;
  if (samples_columns || (method != "exact" && method != "hist")) return all;
  SplitColumnsOptions options;
  if (method == "hist") options.max_distinct = max_bin;
  return SplitDistinctColumns(x, options);
}

}  // namespace

std::string TreeBoosterRegressor::Num(double v) { return nlohmann::json(v).dump(); }

namespace {

// The trees of each chunk of a forest of `trees` (Plan::forest_trees); {0} when not a forest.
std::vector<int> ForestChunks(int trees, int chunk) {
  if (trees <= 0) return {0};
  std::vector<int> chunks(static_cast<size_t>(trees / chunk), chunk);
  if (trees % chunk != 0) chunks.push_back(trees % chunk);
  return chunks;
}

// max_depth of tree hyperparameters; None (no limit) as the largest value.
int64_t DepthLimit(const nlohmann::json& hp) {
  const nlohmann::json& d = hp.at("max_depth");
  return d.is_null() ? std::numeric_limits<int64_t>::max() : d.get<int64_t>();
}

// Chunk k of a forest gets its own seed (XGBoost's seed is a non-negative int).
std::string ChunkSeed(uint64_t seed, size_t k) {
  return std::to_string((seed + 1000003ull * k) % 2147483647u);
}

// The value of XGBoost parameter `name` in `params` (the last one set), or `fallback`.
std::string ParamValue(const std::vector<std::pair<std::string, std::string>>& params,
                       const std::string& name, const std::string& fallback) {
  std::string value = fallback;
  for (const auto& [n, v] : params) {
    if (n == name) value = v;
  }
  return value;
}

// Whether merging equal rows (row_groups.h) grows the same trees under `params`: no row sampling
// by XGBoost, and the exact updater, or hist with a bin for every value of every column.
bool RowsMergeable(const Eigen::MatrixXd& features,
                   const std::vector<std::pair<std::string, std::string>>& params) {
  if (std::stod(ParamValue(params, "subsample", "1")) != 1.0) return false;
  const std::string method = ParamValue(params, "tree_method", "exact");
  if (method == "exact") return true;
  return method == "hist" &&
         ColumnsHaveAtMostDistinct(features, std::stol(ParamValue(params, "max_bin", "256")));
}

// A uniform integer in [0, n), by rejection (no modulo bias).
Eigen::Index UniformBelow(Eigen::Index n, std::mt19937_64& rng) {
  const uint64_t range = static_cast<uint64_t>(n);
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % range;
  uint64_t r = rng();
  while (r >= limit) r = rng();
  return static_cast<Eigen::Index>(r % range);
}

// A uniform double in [0, 1), from the top 53 bits.
double UniformUnit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace

void TreeBoosterRegressor::Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  CheckFitInput(x, y);
  notes_.clear();
  Plan plan = MakePlan(x);
  std::vector<Eigen::Index> used = ColumnsToTrain(x, plan.params);
  if (static_cast<Eigen::Index>(used.size()) == x.cols()) used.clear();
  const Eigen::MatrixXd features = used.empty() ? x : Eigen::MatrixXd(x(Eigen::all, used));
  const bool forest = plan.forest_trees > 0;
  if (forest && ParamValue(plan.params, "tree_method", "exact") != "exact") {
    throw std::logic_error(technique() + ": forests are grown with the exact updater");
  }
  std::optional<RowGroups> groups;
  if (forest || RowsMergeable(features, plan.params)) groups.emplace(features);
  if (groups && !forest && groups->size() == features.rows()) groups.reset();  // nothing to merge
  if (groups) {
    const Eigen::VectorXd counts = groups->Counts();
    const Eigen::VectorXd means = (groups->Sums(y).array() / counts.array()).matrix();
    train_ = std::make_unique<XgbDMatrix>(
        Eigen::MatrixXd(features(groups->first_rows(), Eigen::all)), means, counts);
  } else {
    train_ = std::make_unique<XgbDMatrix>(features, y);
  }
  groups_ = std::move(groups);
  const float base = static_cast<float>(y.mean());
  base_score_ = base;
  std::vector<Part> grown;
  if (forest) {
    for (int k = 0; const int trees : ForestChunks(plan.forest_trees, kForestChunk)) {
      grown.push_back(Part{GrowForestChunk(plan, trees, ChunkSeed(seed(), k++), y, base), trees,
                           trees, Num(1.0 / trees)});
    }
  } else {
    auto booster = std::make_shared<XgbBooster>(*train_);
    SetCommonParams(*booster, plan, ChunkSeed(seed(), 0), base);
    for (int i = 0; i < plan.rounds; ++i) booster->UpdateOneIter(i, *train_);
    grown.push_back(
        Part{std::move(booster), 0, plan.rounds,
             ParamValue(plan.params, "eta", ParamValue(plan.params, "learning_rate", "0.3"))});
  }
  grown_ = grown;
  parts_ = std::move(grown);
  grown_hyperparameters_ = hyperparameters();
  smallest_loss_change_.reset();
  columns_ = x.cols();
  used_columns_ = std::move(used);
}

void TreeBoosterRegressor::SetCommonParams(XgbBooster& booster, const Plan& plan,
                                           const std::string& seed, float base) {
  booster.SetParam("objective", "reg:squarederror");
  booster.SetParam("nthread", "1");
  booster.SetParam("verbosity", "0");
  booster.SetParam("seed", seed);
  booster.SetParam("base_score", Num(base));
  for (const auto& [name, value] : plan.params) booster.SetParam(name, value);
}

std::shared_ptr<XgbBooster> TreeBoosterRegressor::GrowForestChunk(const Plan& plan, int trees,
                                                                  const std::string& seed,
                                                                  const Eigen::VectorXd& y,
                                                                  double base) const {
  auto booster = std::make_shared<XgbBooster>(*train_);
  SetCommonParams(*booster, plan, seed, static_cast<float>(base));
  // One tree per round, each round's gradients given against base_score: the booster predicts
  // base_score + (sum of its trees) / trees.
  booster->SetParam("num_parallel_tree", "1");
  booster->SetParam("eta", Num(1.0 / trees));
  booster->SetParam("subsample", "1");  // rows are drawn here
  const Eigen::Index n = y.size();
  const Eigen::Index group_count = groups_->size();
  Eigen::VectorXd count(group_count);
  Eigen::VectorXd sum(group_count);
  auto add = [&](Eigen::Index row) {
    const Eigen::Index g = groups_->group(row);
    count(g) += 1.0;
    sum(g) += y(row);
  };
  std::mt19937_64 rng(std::stoull(seed) * 0x9E3779B97F4A7C15ull + 1);
  std::vector<int> drawn;
  std::vector<float> gradients;
  std::vector<float> hessians;
  for (int t = 0; t < trees; ++t) {
    count.setZero();
    sum.setZero();
    switch (plan.rows.kind) {
      case Plan::RowDraw::Kind::kAll:
        for (Eigen::Index r = 0; r < n; ++r) add(r);
        break;
      case Plan::RowDraw::Kind::kBootstrap:
        for (int64_t d = 0; d < plan.rows.draws; ++d) add(UniformBelow(n, rng));
        break;
      case Plan::RowDraw::Kind::kFraction:
        for (Eigen::Index r = 0; r < n; ++r) {
          if (UniformUnit(rng) < plan.rows.fraction) add(r);
        }
        break;
    }
    if (count.sum() == 0.0) add(UniformBelow(n, rng));  // a tree needs a row
    drawn.clear();
    gradients.clear();
    hessians.clear();
    for (Eigen::Index g = 0; g < group_count; ++g) {
      if (count(g) == 0.0) continue;
      drawn.push_back(static_cast<int>(g));
      // Squared error at the prediction base_score, summed over the drawn copies of the group.
      gradients.push_back(static_cast<float>(count(g) * base - sum(g)));
      hessians.push_back(static_cast<float>(count(g)));
    }
    if (static_cast<Eigen::Index>(drawn.size()) == group_count) {
      booster->BoostOneIter(*train_, gradients, hessians);  // every row: no copy to sort again
    } else {
      XgbDMatrix rows = train_->Slice(drawn);
      booster->BoostOneIter(rows, gradients, hessians);
    }
  }
  return booster;
}

Eigen::VectorXd TreeBoosterRegressor::Predict(const Eigen::MatrixXd& x) const {
  RequireFitted(!parts_.empty());
  CheckPredictInput(x, columns_);
  if (x.rows() == 0) return Eigen::VectorXd();
  XgbDMatrix data(used_columns_.empty() ? x : Eigen::MatrixXd(x(Eigen::all, used_columns_)));
  if (parts_.size() == 1) return parts_[0].booster->Predict(data);
  // Each chunk predicts base + the mean of its trees; the forest, base + the mean of all trees.
  double total = 0.0;
  for (const Part& part : parts_) total += part.trees;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(x.rows());
  for (const Part& part : parts_) {
    sum += (part.trees / total) * (part.booster->Predict(data).array() - base_score_).matrix();
  }
  return (sum.array() + base_score_).matrix();
}

bool TreeBoosterRegressor::CanReduceTo(const nlohmann::json& point) const {
  const Reduction reduction = Reducible();
  if (reduction == Reduction::kNone) return false;
  if (!parts_.empty() && grown_.empty()) return false;  // reloaded, or ReleaseFitData()
  std::unique_ptr<Regressor> other;
  try {
    other = MakeRegressor(technique(), point, seed());
  } catch (const InputError&) {
    return false;
  }
  nlohmann::json to = dynamic_cast<const TechniqueRegressor&>(*other).hyperparameters();
  nlohmann::json from = grown_.empty() ? hyperparameters() : grown_hyperparameters_;
  bool reachable = false;
  if (reduction == Reduction::kDepth || reduction == Reduction::kForest) {
    reachable = DepthLimit(to) <= DepthLimit(from);
    from.erase("max_depth");
    to.erase("max_depth");
    if (reduction == Reduction::kForest) {
      std::vector<int> have = ForestChunks(from.at("n_estimators").get<int>(), kForestChunk);
      std::vector<int> want = ForestChunks(to.at("n_estimators").get<int>(), kForestChunk);
      reachable = reachable && want.size() <= have.size() &&
                  std::equal(want.begin(), want.end(), have.begin());
      from.erase("n_estimators");
      to.erase("n_estimators");
    }
  } else {
    // XGBoost compares a split's loss change with gamma in float32.
    const double gamma = to.at("gamma").get<double>();
    reachable =
        gamma >= from.at("gamma").get<double>() &&
        (grown_.empty() || static_cast<float>(SmallestLossChange()) >= static_cast<float>(gamma));
    from.erase("gamma");
    to.erase("gamma");
  }
  return reachable && from == to;
}

namespace {

// Collects, from XGBoost's UBJSON model, every tree's "left_children" and "loss_changes" (in tree
// order, so the two lists align node for node), without building the document: a boosting
// model has thousands of nodes and a dozen arrays each.
class SplitLossReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<int64_t> left_children;
  std::vector<double> loss_changes;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return Add(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Add(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Add(v); }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t& name) override {
    key_ = name;
    return true;
  }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override {
    collecting_ = key_ == "left_children"  ? Collecting::kLeft
                  : key_ == "loss_changes" ? Collecting::kLoss
                                           : Collecting::kNone;
    key_.clear();
    return true;
  }
  bool end_array() override {
    collecting_ = Collecting::kNone;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error(std::string("XGBoost model: ") + e.what());
  }

 private:
  enum class Collecting { kNone, kLeft, kLoss };
  bool Add(double v) {
    if (collecting_ == Collecting::kLeft) left_children.push_back(static_cast<int64_t>(v));
    if (collecting_ == Collecting::kLoss) loss_changes.push_back(v);
    return true;
  }
  Collecting collecting_ = Collecting::kNone;
  string_t key_;
};

}  // namespace

double TreeBoosterRegressor::SmallestLossChange() const {
  if (!smallest_loss_change_) {
    double smallest = std::numeric_limits<double>::infinity();
    for (const Part& part : grown_) {
      SplitLossReader reader;
      const std::string model = part.booster->SaveModel("ubj");
      nlohmann::json::sax_parse(model.begin(), model.end(), &reader,
                                nlohmann::json::input_format_t::ubjson);
      if (reader.left_children.size() != reader.loss_changes.size()) {
        throw std::runtime_error("XGBoost model: trees with unequal node arrays");
      }
      for (size_t i = 0; i < reader.left_children.size(); ++i) {
        // A node with a left child is a split.
        if (reader.left_children[i] >= 0) smallest = std::min(smallest, reader.loss_changes[i]);
      }
    }
    smallest_loss_change_ = smallest;
  }
  return *smallest_loss_change_;
}

void TreeBoosterRegressor::ReduceTo(const nlohmann::json& point) {
  if (grown_.empty() || train_ == nullptr || !CanReduceTo(point)) {
    throw std::logic_error(technique() + ": cannot be reduced to " + point.dump());
  }
  nlohmann::json to =
      dynamic_cast<const TechniqueRegressor&>(*MakeRegressor(technique(), point, seed()))
          .hyperparameters();
  size_t keep = grown_.size();
  if (Reducible() == Reduction::kForest) {
    keep = ForestChunks(to.at("n_estimators").get<int>(), kForestChunk).size();
  }
  const bool prune =
      Reducible() != Reduction::kGamma && DepthLimit(to) < DepthLimit(grown_hyperparameters_);
  std::vector<Part> parts(grown_.begin(), grown_.begin() + static_cast<std::ptrdiff_t>(keep));
  if (!prune) {
    parts_ = std::move(parts);
    set_hyperparameters(std::move(to));
    return;
  }
  // The prune updater reads only the trees, but a round needs data with labels: one training
  // row spares each round predicting every tree on every row.
  const XgbDMatrix one_row = train_->Slice({0});
  for (size_t k = 0; k < keep; ++k) {
    // XGBoost updates each tree once per booster: prune a copy, keeping the fit whole.
    auto copy = std::make_shared<XgbBooster>(one_row);
    copy->Unserialize(grown_[k].booster->Serialize());
    copy->SetParam("process_type", "update");
    copy->SetParam("updater", "prune");
    copy->SetParam("max_depth", std::to_string(DepthLimit(to)));
    copy->SetParam("learning_rate", grown_[k].eta);
    for (int i = 0; i < grown_[k].rounds; ++i) copy->UpdateOneIter(i, one_row);
    parts[k].booster = std::move(copy);
  }
  parts_ = std::move(parts);
  set_hyperparameters(std::move(to));
}

void TreeBoosterRegressor::ReleaseFitData() {
  grown_.clear();  // parts_ keeps the boosters that predict
  train_.reset();
  groups_.reset();
}

nlohmann::json TreeBoosterRegressor::SaveState() const {
  RequireFitted(!parts_.empty());
  nlohmann::json state = {{"columns", columns_}};
  if (parts_.size() == 1) {
    state["booster_ubj_base64"] = Base64Encode(parts_[0].booster->SaveModel("ubj"));
  } else {
    state["base_score"] = base_score_;
    state["forest"] = nlohmann::json::array();
    for (const Part& part : parts_) {
      state["forest"].push_back(
          {{"trees", part.trees},
           {"booster_ubj_base64", Base64Encode(part.booster->SaveModel("ubj"))}});
    }
  }
  if (!used_columns_.empty()) state["used_columns"] = used_columns_;
  return state;
}

void TreeBoosterRegressor::LoadState(const nlohmann::json& state) {
  std::vector<std::pair<int, std::string>> boosters;  // trees, model bytes
  double base = 0.0;
  try {
    columns_ = state.at("columns").get<Eigen::Index>();
    if (state.contains("forest")) {
      base = state.at("base_score").get<double>();
      for (const nlohmann::json& part : state.at("forest")) {
        int trees = part.at("trees").get<int>();
        if (trees < 1) throw std::invalid_argument("a forest chunk needs trees >= 1");
        boosters.emplace_back(trees,
                              Base64Decode(part.at("booster_ubj_base64").get<std::string>()));
      }
      if (boosters.size() < 2) throw std::invalid_argument("a forest has two chunks or more");
    } else {
      boosters.emplace_back(0, Base64Decode(state.at("booster_ubj_base64").get<std::string>()));
    }
    used_columns_.clear();
    if (state.contains("used_columns")) {
      used_columns_ = state.at("used_columns").get<std::vector<Eigen::Index>>();
    }
  } catch (const std::exception& e) {
    BadState(std::string("expected {\"columns\": n, \"booster_ubj_base64\": text, or ") +
             "\"base_score\": x and \"forest\": [{\"trees\": n, \"booster_ubj_base64\": text}, "
             "...]; optional \"used_columns\": [index, ...]}: " +
             e.what());
  }
  for (size_t k = 0; k < used_columns_.size(); ++k) {
    if (used_columns_[k] < 0 || used_columns_[k] >= columns_ ||
        (k > 0 && used_columns_[k] <= used_columns_[k - 1])) {
      BadState("used_columns must be ascending column indices below " + std::to_string(columns_));
    }
  }
  std::vector<Part> parts;
  for (const auto& [trees, bytes] : boosters) {
    auto booster = std::make_shared<XgbBooster>();
    try {
      const Eigen::Index features =
          used_columns_.empty() ? columns_ : static_cast<Eigen::Index>(used_columns_.size());
      CheckXgboostModel(bytes, static_cast<long>(features), trees > 0 ? trees : -1);
      booster->LoadModel(bytes);
    } catch (const std::exception& e) {
      BadState(e.what());
    }
    booster->SetParam("nthread", "1");
    parts.push_back(Part{std::move(booster), trees});
  }
  parts_ = std::move(parts);
  grown_.clear();
  base_score_ = base;
  train_.reset();
  groups_.reset();
  smallest_loss_change_.reset();
}

namespace {

void CheckCount(HyperparameterReader& reader, const std::string& key, const nlohmann::json& v,
                int64_t min_int, double max_fraction, bool fraction_inclusive) {
  std::string what = "must be an integer >= " + std::to_string(min_int) + " or a fraction in (0, " +
                     nlohmann::json(max_fraction).dump() + "]";
  if (v.is_number_integer()) {
    if (v.get<int64_t>() < min_int) reader.Fail(key, what);
  } else if (v.is_number_float()) {
    double f = v.get<double>();
    if (!(f > 0.0) || f > max_fraction || (!fraction_inclusive && f == max_fraction)) {
      reader.Fail(key, what);
    }
  } else {
    reader.Fail(key, what);
  }
}

}  // namespace

SklearnTreeParams SklearnTreeParams::Read(HyperparameterReader& reader) {
  reader.Choice("criterion", "squared_error", {"squared_error", "mse", "friedman_mse"});
  SklearnTreeParams p;
  p.max_depth = reader.OptionalInteger("max_depth", std::nullopt, 1, 100000);
  p.min_samples_split = reader.Raw("min_samples_split", 2);
  CheckCount(reader, "min_samples_split", p.min_samples_split, 2, 1.0, true);
  p.min_samples_leaf = reader.Raw("min_samples_leaf", 1);
  CheckCount(reader, "min_samples_leaf", p.min_samples_leaf, 1, 0.5, true);
  p.max_features = reader.Raw("max_features", nullptr);
  const nlohmann::json& mf = p.max_features;
  bool ok = mf.is_null() || (mf.is_string() && (mf == "auto" || mf == "sqrt" || mf == "log2")) ||
            (mf.is_number_integer() && mf.get<int64_t>() >= 1) ||
            (mf.is_number_float() && mf.get<double>() > 0.0 && mf.get<double>() <= 1.0);
  if (!ok) {
    reader.Fail("max_features",
                "must be None, 'auto', 'sqrt', 'log2', an integer >= 1 or a fraction in (0, 1]");
  }
  p.min_impurity_decrease = reader.Number("min_impurity_decrease", 0.0, 0.0);
  return p;
}

SklearnTreeParams SklearnTreeParams::FromJson(const nlohmann::json& hp) {
  SklearnTreeParams p;
  if (!hp.at("max_depth").is_null()) p.max_depth = hp.at("max_depth").get<int64_t>();
  p.min_samples_split = hp.at("min_samples_split");
  p.min_samples_leaf = hp.at("min_samples_leaf");
  p.max_features = hp.at("max_features");
  p.min_impurity_decrease = hp.at("min_impurity_decrease").get<double>();
  return p;
}

std::vector<std::pair<std::string, std::string>> SklearnTreeParams::ToXgboost(
    Eigen::Index rows, Eigen::Index columns, std::vector<std::string>& notes,
    const std::string& technique) const {
  const double n = static_cast<double>(rows);
  const double p = static_cast<double>(columns);
  auto count = [n](const nlohmann::json& v) {
    return v.is_number_integer() ? static_cast<double>(v.get<int64_t>())
                                 : std::ceil(v.get<double>() * n);
  };
  double leaf = std::max(1.0, count(min_samples_leaf));
  double split = std::max(2.0, count(min_samples_split));
  double child_weight = leaf;
  if (split > 2.0 * leaf) {
    child_weight = std::ceil(split / 2.0);
    notes.push_back(technique + ": XGBoost has no min_samples_split; approximated " +
                    nlohmann::json(min_samples_split).dump() +
                    " by min_child_weight = " + nlohmann::json(child_weight).dump());
  }
  // Fraction of the features sampled per split; counts get half a feature of slack because
  // XGBoost keeps floor(fraction * p) of them.
  double fraction = 1.0;
  if (max_features.is_string() && max_features == "sqrt") {
    fraction = (std::max(1.0, std::floor(std::sqrt(p))) + 0.5) / p;
  } else if (max_features.is_string() && max_features == "log2") {
    fraction = (std::max(1.0, std::floor(std::log2(p))) + 0.5) / p;
  } else if (max_features.is_number_integer()) {
    fraction = (static_cast<double>(max_features.get<int64_t>()) + 0.5) / p;
  } else if (max_features.is_number_float()) {
    fraction = max_features.get<double>();
  }
  fraction = std::min(1.0, fraction);
  // Unlimited depth: no tree on n rows is deeper than n - 1.
  int64_t depth = max_depth ? *max_depth : std::max<int64_t>(1, rows);
  return {{"tree_method", "exact"},
          {"max_depth", std::to_string(depth)},
          {"min_child_weight", nlohmann::json(child_weight).dump()},
          {"colsample_bynode", nlohmann::json(fraction).dump()},
          {"gamma", nlohmann::json(0.5 * n * min_impurity_decrease).dump()},
          {"eta", "1"},
          {"lambda", "0"},
          {"alpha", "0"}};
}

}  // namespace twinprof::model::regressors
