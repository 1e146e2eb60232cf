#include "model/regressors/cart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace twinprof {

namespace {

// scikit-learn's tolerances: features closer than this are not split apart; impurities below
// machine epsilon count as pure.
constexpr double kFeatureThreshold = 1e-7;
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

void CheckCount(HyperparameterReader& reader, const std::string& key, const nlohmann::json& v,
                int64_t min_int, double max_fraction) {
  std::string what = "must be an integer >= " + std::to_string(min_int) + " or a fraction in (0, " +
                     nlohmann::json(max_fraction).dump() + "]";
  if (v.is_number_integer()) {
    if (v.get<int64_t>() < min_int) reader.Fail(key, what);
  } else if (v.is_number_float()) {
    double f = v.get<double>();
    if (!(f > 0.0) || f > max_fraction) reader.Fail(key, what);
  } else {
    reader.Fail(key, what);
  }
}

}  // namespace

void SklearnTreeHyperparameters::Read(HyperparameterReader& reader,
                                      const nlohmann::json& max_features_default) {
  reader.Choice("criterion", "squared_error", {"squared_error", "mse", "friedman_mse"});
  reader.OptionalInteger("max_depth", std::nullopt, 1, 100000);
  CheckCount(reader, "min_samples_split", reader.Raw("min_samples_split", 2), 2, 1.0);
  CheckCount(reader, "min_samples_leaf", reader.Raw("min_samples_leaf", 1), 1, 0.5);
  nlohmann::json mf = reader.Raw("max_features", max_features_default);
  bool ok = mf.is_null() || (mf.is_string() && (mf == "auto" || mf == "sqrt" || mf == "log2")) ||
            (mf.is_number_integer() && mf.get<int64_t>() >= 1) ||
            (mf.is_number_float() && mf.get<double>() > 0.0 && mf.get<double>() <= 1.0);
  if (!ok) {
    reader.Fail("max_features",
                "must be None, 'auto', 'sqrt', 'log2', an integer >= 1 or a fraction in (0, 1]");
  }
  reader.Number("min_impurity_decrease", 0.0, 0.0);
}

CartOptions SklearnTreeHyperparameters::Resolve(const nlohmann::json& hp, Eigen::Index rows,
                                                Eigen::Index columns) {
  const double n = static_cast<double>(rows);
  const int64_t p = std::max<int64_t>(1, columns);
  auto count = [n](const nlohmann::json& v) {
    return v.is_number_integer() ? v.get<int64_t>()
                                 : static_cast<int64_t>(std::ceil(v.get<double>() * n));
  };
  CartOptions o;
  o.max_depth = hp.at("max_depth").is_null() ? -1 : hp.at("max_depth").get<int64_t>();
  o.min_samples_leaf = std::max<int64_t>(1, count(hp.at("min_samples_leaf")));
  o.min_samples_split =
      std::max({int64_t{2}, count(hp.at("min_samples_split")), 2 * o.min_samples_leaf});
  const nlohmann::json& mf = hp.at("max_features");
  if (mf.is_null() || mf == "auto") {
    o.max_features = p;
  } else if (mf == "sqrt") {
    o.max_features = std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(static_cast<double>(p))));
  } else if (mf == "log2") {
    o.max_features = std::max<int64_t>(1, static_cast<int64_t>(std::log2(static_cast<double>(p))));
  } else if (mf.is_number_integer()) {
    o.max_features = std::min<int64_t>(p, mf.get<int64_t>());
  } else {
    o.max_features =
        std::max<int64_t>(1, static_cast<int64_t>(mf.get<double>() * static_cast<double>(p)));
  }
  o.min_impurity_decrease = hp.at("min_impurity_decrease").get<double>();
  return o;
}

PresortedColumns::PresortedColumns(const Eigen::MatrixXd& x)
    : order(static_cast<size_t>(x.cols())) {
  for (Eigen::Index f = 0; f < x.cols(); ++f) {
    std::vector<std::pair<double, int32_t>> keyed(static_cast<size_t>(x.rows()));
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      keyed[static_cast<size_t>(r)] = {x(r, f), static_cast<int32_t>(r)};
    }
    std::sort(keyed.begin(), keyed.end());  // ties by row index: a stable order
    std::vector<int32_t>& o = order[static_cast<size_t>(f)];
    o.resize(keyed.size());
    for (size_t i = 0; i < keyed.size(); ++i) o[i] = keyed[i].second;
  }
}

class CartBuilder {
 public:
  CartBuilder(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<double>& w,
              const PresortedColumns& presorted, const CartOptions& options, std::mt19937_64& rng)
      : x_(x), y_(y), options_(options), rng_(rng), weights_(w) {
    if (weights_.empty()) weights_.assign(static_cast<size_t>(x.rows()), 1.0);
    weighted_y_.resize(weights_.size());
    for (size_t r = 0; r < weights_.size(); ++r) {
      weighted_y_[r] = weights_[r] * y(static_cast<Eigen::Index>(r));
    }
    order_.resize(presorted.order.size());
    for (size_t f = 0; f < order_.size(); ++f) {
      order_[f].reserve(presorted.order[f].size());
      for (int32_t r : presorted.order[f]) {
        if (weights_[static_cast<size_t>(r)] > 0.0) {
          order_[f].push_back(Entry{x(r, static_cast<Eigen::Index>(f)), r});
        }
      }
    }
    goes_left_.assign(static_cast<size_t>(x.rows()), 0);
    for (size_t i = 0; i < weights_.size(); ++i) total_weight_ += weights_[i];
  }

  CartTree Build() {
    CartTree tree;
    const int32_t m = order_.empty() ? 0 : static_cast<int32_t>(order_[0].size());
    if (m == 0) throw std::invalid_argument("CART: no rows with positive weight");
    struct Pending {
      int32_t begin, end, depth, node;
    };
    std::vector<Pending> stack = {{0, m, 0, NewNode(tree)}};
    std::vector<int32_t> features(order_.size());
    std::iota(features.begin(), features.end(), 0);
    while (!stack.empty()) {
      Pending p = stack.back();
      stack.pop_back();
      const std::vector<Entry>& rows = order_[0];
      double w_sum = 0.0, s_sum = 0.0;
      for (int32_t i = p.begin; i < p.end; ++i) {
        const size_t r = static_cast<size_t>(rows[static_cast<size_t>(i)].row);
        w_sum += weights_[r];
        s_sum += weighted_y_[r];
      }
      const double mean = s_sum / w_sum;
      tree.value_[static_cast<size_t>(p.node)] = mean;
      const int64_t n = p.end - p.begin;
      if ((options_.max_depth >= 0 && p.depth >= options_.max_depth) ||
          n < options_.min_samples_split || n < 2 * options_.min_samples_leaf) {
        continue;
      }
      double sse = 0.0;
      for (int32_t i = p.begin; i < p.end; ++i) {
        const size_t r = static_cast<size_t>(rows[static_cast<size_t>(i)].row);
        const double d = y_(static_cast<Eigen::Index>(r)) - mean;
        sse += weights_[r] * d * d;
      }
      if (sse / w_sum <= kEpsilon) continue;  // pure

      Split best = FindSplit(p.begin, p.end, w_sum, s_sum, features);
      if (best.feature < 0) continue;
      const double decrease = best.proxy - s_sum * s_sum / w_sum;  // drop in weighted SSE
      if (decrease / total_weight_ + kEpsilon < options_.min_impurity_decrease) continue;

      Partition(p.begin, p.end, best);
      const int32_t left = NewNode(tree);
      const int32_t right = NewNode(tree);
      const size_t node = static_cast<size_t>(p.node);
      tree.feature_[node] = best.feature;
      tree.threshold_[node] = best.threshold;
      tree.left_[node] = left;
      tree.right_[node] = right;
      stack.push_back({best.position, p.end, p.depth + 1, right});
      stack.push_back({p.begin, best.position, p.depth + 1, left});
    }
    return tree;
  }

 private:
  struct Entry {
    double value;  // x(row, feature)
    int32_t row;
  };

  struct Split {
    int32_t feature = -1;
    int32_t position = 0;  // rows [begin, position) go left in the feature's order
    double threshold = 0.0;
    double proxy = -std::numeric_limits<double>::infinity();  // sL²/wL + sR²/wR
  };

  static int32_t NewNode(CartTree& tree) {
    tree.feature_.push_back(-1);
    tree.threshold_.push_back(0.0);
    tree.left_.push_back(-1);
    tree.right_.push_back(-1);
    tree.value_.push_back(0.0);
    return static_cast<int32_t>(tree.value_.size() - 1);
  }

  Split FindSplit(int32_t begin, int32_t end, double w_sum, double s_sum,
                  std::vector<int32_t>& features) {
    Split best;
    const int64_t p = static_cast<int64_t>(features.size());
    const bool sample = options_.max_features >= 0 && options_.max_features < p;
    int64_t tried = 0;
    for (int64_t k = 0; k < p && tried < (sample ? options_.max_features : p); ++k) {
      if (sample) {
        std::uniform_int_distribution<int64_t> pick(k, p - 1);
        std::swap(features[static_cast<size_t>(k)], features[static_cast<size_t>(pick(rng_))]);
      }
      const int32_t f = features[static_cast<size_t>(k)];
      const std::vector<Entry>& o = order_[static_cast<size_t>(f)];
      if (o[static_cast<size_t>(end - 1)].value <=
          o[static_cast<size_t>(begin)].value + kFeatureThreshold) {
        continue;  // constant in this node: does not count as tried
      }
      ++tried;
      double w_left = 0.0, s_left = 0.0;
      const int64_t n = end - begin;
      for (int32_t i = begin; i + 1 < end; ++i) {
        const size_t r = static_cast<size_t>(o[static_cast<size_t>(i)].row);
        w_left += weights_[r];
        s_left += weighted_y_[r];
        const int64_t n_left = i - begin + 1;
        if (n_left < options_.min_samples_leaf) continue;
        if (n - n_left < options_.min_samples_leaf) break;
        const double a = o[static_cast<size_t>(i)].value;
        const double b = o[static_cast<size_t>(i + 1)].value;
        if (b <= a + kFeatureThreshold) continue;
        const double w_right = w_sum - w_left, s_right = s_sum - s_left;
        const double proxy = s_left * s_left / w_left + s_right * s_right / w_right;
        if (proxy > best.proxy) {
          best.feature = f;
          best.position = i + 1;
          best.threshold = a / 2.0 + b / 2.0;
          if (best.threshold == b || !std::isfinite(best.threshold)) best.threshold = a;
          best.proxy = proxy;
        }
      }
    }
    return best;
  }

  // Splits every feature's segment [begin, end) stably into the rows going left, then right.
  void Partition(int32_t begin, int32_t end, const Split& split) {
    const std::vector<Entry>& chosen = order_[static_cast<size_t>(split.feature)];
    for (int32_t i = begin; i < end; ++i) {
      goes_left_[static_cast<size_t>(chosen[static_cast<size_t>(i)].row)] = i < split.position;
    }
    buffer_.resize(static_cast<size_t>(end - begin));
    for (std::vector<Entry>& o : order_) {
      size_t l = static_cast<size_t>(begin), r = 0;
      for (int32_t i = begin; i < end; ++i) {
        const Entry e = o[static_cast<size_t>(i)];
        if (goes_left_[static_cast<size_t>(e.row)]) {
          o[l++] = e;
        } else {
          buffer_[r++] = e;
        }
      }
      std::copy(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(r),
                o.begin() + static_cast<std::ptrdiff_t>(l));
    }
  }

  const Eigen::MatrixXd& x_;
  const Eigen::VectorXd& y_;
  const CartOptions& options_;
  std::mt19937_64& rng_;
  std::vector<double> weights_;
  double total_weight_ = 0.0;
  std::vector<double> weighted_y_;         // weight * y per row
  std::vector<std::vector<Entry>> order_;  // per feature: the rows of each node, sorted
  std::vector<char> goes_left_;
  std::vector<Entry> buffer_;
};

CartTree CartTree::Grow(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                        const std::vector<double>& weights, const PresortedColumns& presorted,
                        const CartOptions& options, std::mt19937_64& rng) {
  return CartBuilder(x, y, weights, presorted, options, rng).Build();
}

double CartTree::PredictRow(const Eigen::MatrixXd& x, Eigen::Index row) const {
  size_t node = 0;
  while (feature_[node] >= 0) {
    node = static_cast<size_t>(x(row, feature_[node]) <= threshold_[node] ? left_[node]
                                                                          : right_[node]);
  }
  return value_[node];
}

int CartTree::depth() const {
  std::vector<int> d(value_.size(), 0);
  int deepest = 0;
  for (size_t i = 0; i < value_.size(); ++i) {  // children always follow their parent
    if (feature_[i] >= 0) {
      d[static_cast<size_t>(left_[i])] = d[static_cast<size_t>(right_[i])] = d[i] + 1;
      deepest = std::max(deepest, d[i] + 1);
    }
  }
  return deepest;
}

nlohmann::json CartTree::ToJson() const {
  return {{"feature", feature_},
          {"threshold", threshold_},
          {"left", left_},
          {"right", right_},
          {"value", value_}};
}

CartTree CartTree::FromJson(const nlohmann::json& j, Eigen::Index columns) {
  CartTree t;
  t.feature_ = j.at("feature").get<std::vector<int32_t>>();
  t.threshold_ = j.at("threshold").get<std::vector<double>>();
  t.left_ = j.at("left").get<std::vector<int32_t>>();
  t.right_ = j.at("right").get<std::vector<int32_t>>();
  t.value_ = j.at("value").get<std::vector<double>>();
  const size_t n = t.value_.size();
  if (n == 0 || t.feature_.size() != n || t.threshold_.size() != n || t.left_.size() != n ||
      t.right_.size() != n) {
    throw std::runtime_error("tree arrays of different lengths");
  }
  for (size_t i = 0; i < n; ++i) {
    if (t.feature_[i] < 0) continue;
    const int32_t node = static_cast<int32_t>(i);
    if (t.feature_[i] >= columns || t.left_[i] <= node || t.right_[i] <= node ||
        static_cast<size_t>(t.left_[i]) >= n || static_cast<size_t>(t.right_[i]) >= n) {
      throw std::runtime_error("malformed tree node " + std::to_string(i));
    }
  }
  return t;
}

}  // namespace twinprof
