#include "model/search/tpe_search.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace twinprof::model {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-12;  // Hyperopt's EPS: floor of observations taken to log space

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

// A uniform draw in (0, 1), from the top 53 bits.
double OpenUniform(std::mt19937_64& rng) {
  return (static_cast<double>(rng() >> 11) + 0.5) * 0x1p-53;
}

// Standard normal CDF and survival function.
double Phi(double z) {
  if (z == -kInf) return 0;
  if (z == kInf) return 1;
  return 0.5 * boost::math::erfc(-z / std::sqrt(2.0));
}
double PhiUpper(double z) { return Phi(-z); }

// P(lo <= X < hi) for X ~ N(mu, sigma), accurate in both tails.
double NormalMass(double mu, double sigma, double lo, double hi) {
  if (!(hi > lo)) return 0;
  double za = (lo - mu) / sigma, zb = (hi - mu) / sigma;
  if (za > 0) return std::max(0.0, PhiUpper(za) - PhiUpper(zb));
  return std::max(0.0, Phi(zb) - Phi(za));
}

// A draw of N(mu, sigma) truncated to [lo, hi) (either may be infinite), by inverting the CDF.
double TruncatedNormal(double mu, double sigma, double lo, double hi, std::mt19937_64& rng) {
  static const boost::math::normal_distribution<double> standard;
  double u = OpenUniform(rng);
  double za = (lo - mu) / sigma, zb = (hi - mu) / sigma;
  double z;
  if (za > 0) {  // both bounds in the upper tail: invert the survival function
    double qa = PhiUpper(za), qb = PhiUpper(zb);
    double p = qb + u * (qa - qb);
    z = p > 0 && p < 1 ? boost::math::quantile(boost::math::complement(standard, p)) : za;
  } else {
    double pa = Phi(za), pb = Phi(zb);
    double p = pa + u * (pb - pa);
    z = p > 0 && p < 1 ? boost::math::quantile(standard, p) : (za > -kInf ? za : zb);
  }
  double x = mu + sigma * z;
  if (!std::isfinite(x)) x = std::isfinite(lo) ? lo : (std::isfinite(hi) ? hi : mu);
  if (x < lo) x = lo;
  if (x >= hi) x = std::nextafter(hi, -kInf);
  return x;
}

// Hyperopt's linear_forgetting_weights: the oldest n - lf trials ramp up from 1/n to 1.
std::vector<double> ForgettingWeights(size_t n, int lf) {
  std::vector<double> w(n, 1.0);
  size_t flat = static_cast<size_t>(std::max(lf, 0));
  if (lf <= 0 || n <= flat) return w;
  size_t ramp = n - flat;
  for (size_t i = 0; i < ramp; ++i) {
    w[i] = ramp == 1 ? 1.0 / static_cast<double>(n)
                     : 1.0 / static_cast<double>(n) + (1.0 - 1.0 / static_cast<double>(n)) *
                                                          static_cast<double>(i) /
                                                          static_cast<double>(ramp - 1);
  }
  return w;
}

// A 1-D Gaussian mixture in the prior's sampling space.
struct Mixture {
  std::vector<double> weight, mu, sigma;
  double accept = 1;  // the mass inside the prior's bounds (set by Truncate)
};

// Hyperopt's adaptive_parzen_normal: one component per observation (in trial order), plus the
// prior; each observation's width is the larger gap to its sorted neighbours, clipped to
// [prior_sigma / min(100, 1 + components), prior_sigma].
Mixture AdaptiveParzen(const std::vector<double>& obs, const TpeOptions& options, double prior_mu,
                       double prior_sigma) {
  const size_t n = obs.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return obs[i] < obs[j]; });
  size_t prior_pos = 0;
  while (prior_pos < n && obs[order[prior_pos]] < prior_mu) ++prior_pos;
  if (n == 1) prior_pos = prior_mu < obs[0] ? 0 : 1;  // Hyperopt's tie rule with one observation
  std::vector<double> forget = ForgettingWeights(n, options.linear_forgetting);
  Mixture m;
  for (size_t k = 0; k <= n; ++k) {
    if (k == prior_pos) {
      m.mu.push_back(prior_mu);
      m.weight.push_back(options.prior_weight);
    }
    if (k < n) {
      m.mu.push_back(obs[order[k]]);
      m.weight.push_back(forget[order[k]]);
    }
  }
  const size_t c = m.mu.size();
  m.sigma.assign(c, prior_sigma);
  if (n == 1) {
    m.sigma[1 - prior_pos] = prior_sigma * 0.5;
  } else if (n >= 2) {
    for (size_t k = 1; k + 1 < c; ++k) {
      m.sigma[k] = std::max(m.mu[k] - m.mu[k - 1], m.mu[k + 1] - m.mu[k]);
    }
    m.sigma[0] = m.mu[1] - m.mu[0];
    m.sigma[c - 1] = m.mu[c - 1] - m.mu[c - 2];
  }
  double min_sigma = prior_sigma / std::min(100.0, 1.0 + static_cast<double>(c));
  for (double& s : m.sigma) s = std::clamp(s, min_sigma, prior_sigma);
  m.sigma[prior_pos] = prior_sigma;
  double total = std::accumulate(m.weight.begin(), m.weight.end(), 0.0);
  for (double& w : m.weight) w /= total;
  return m;
}

size_t PickComponent(const std::vector<double>& weights, std::mt19937_64& rng) {
  double u = OpenUniform(rng);
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double acc = 0;
  for (size_t k = 0; k < weights.size(); ++k) {
    acc += weights[k] / total;
    if (u < acc) return k;
  }
  return weights.size() - 1;
}

// Sampling-space bounds of a continuous prior (infinite for the normal kinds).
std::pair<double, double> Bounds(const Prior& p) {
  if (p.shape == Prior::Shape::kUniform) return {p.a, p.b};
  return {-kInf, kInf};
}

// Maps a draw in sampling space to a value: exp for the log kinds, then the quantisation.
double ToValue(const Prior& p, double draw) {
  double v = p.log ? std::exp(draw) : draw;
  if (p.q > 0) v = std::nearbyint(v / p.q) * p.q;
  return v;
}

// Maps an observed value back to sampling space (Hyperopt floors it before the log).
double ToSampling(const Prior& p, double value) {
  if (!p.log) return value;
  double floor = kEps;
  if (p.shape == Prior::Shape::kUniform && p.q > 0) floor = std::max(kEps, std::exp(p.a));
  return std::log(std::max(value, floor));
}

// Sets the mixture's mass inside the prior's bounds.
void Truncate(const Prior& p, Mixture& m) {
  auto [lo, hi] = Bounds(p);
  m.accept = 0;
  for (size_t k = 0; k < m.mu.size(); ++k) {
    m.accept += m.weight[k] * NormalMass(m.mu[k], m.sigma[k], lo, hi);
  }
}

// log density (or, quantised, log probability) of `value` under the truncated mixture. For the
// log kinds the density is that of log(value) (the Jacobian cancels in the EI ratio). Every kind
// is normalised by the mass inside the bounds (Hyperopt omits that for an unquantised
// loguniform, which favours the mixture with more mass outside the bounds).
double LogLikelihood(const Prior& p, const Mixture& m, double value) {
  auto [lo, hi] = Bounds(p);
  const double accept = m.accept;
  if (!(accept > 0)) return -kInf;
  if (p.q > 0) {
    // The mass of the values that round to `value`, clipped to the bounds.
    double ub = value + p.q / 2, lb = value - p.q / 2;
    if (p.log) {
      ub = std::min(ub, std::exp(hi));
      lb = std::max({lb, std::exp(lo), 0.0});
      ub = ub > 0 ? std::log(ub) : -kInf;
      lb = lb > 0 ? std::log(lb) : -kInf;
    } else {
      ub = std::min(ub, hi);
      lb = std::max(lb, lo);
    }
    double prob = 0;
    for (size_t k = 0; k < m.mu.size(); ++k) {
      prob += m.weight[k] * NormalMass(m.mu[k], m.sigma[k], lb, ub);
    }
    return prob > 0 ? std::log(prob) - std::log(accept) : -kInf;
  }
  double x = p.log ? std::log(value) : value;
  double top = -kInf;
  std::vector<double> terms(m.mu.size());
  for (size_t k = 0; k < m.mu.size(); ++k) {
    double z = (x - m.mu[k]) / m.sigma[k];
    terms[k] = std::log(m.weight[k]) - 0.5 * z * z - std::log(m.sigma[k] * std::sqrt(2 * M_PI));
    top = std::max(top, terms[k]);
  }
  if (top == -kInf) return -kInf;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum) - std::log(accept);
}

// Hyperopt's categorical posterior: forgetting-weighted counts plus prior_weight per option.
std::vector<double> ChoiceProbabilities(const Prior& p, const std::vector<double>& obs,
                                        const TpeOptions& options) {
  std::vector<double> counts(p.options, options.prior_weight);
  std::vector<double> forget = ForgettingWeights(obs.size(), options.linear_forgetting);
  for (size_t i = 0; i < obs.size(); ++i) {
    size_t k = static_cast<size_t>(obs[i]);
    if (k < p.options) counts[k] += forget[i];
  }
  double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  for (double& c : counts) c /= total;
  return counts;
}

double DrawFromPrior(const Prior& p, std::mt19937_64& rng) {
  switch (p.shape) {
    case Prior::Shape::kChoice:
      return static_cast<double>(std::min<size_t>(
          p.options - 1, static_cast<size_t>(OpenUniform(rng) * static_cast<double>(p.options))));
    case Prior::Shape::kUniform:
      return ToValue(p, p.a + (p.b - p.a) * OpenUniform(rng));
    case Prior::Shape::kNormal:
      return ToValue(p, TruncatedNormal(p.a, p.b, -kInf, kInf, rng));
  }
  return 0;
}

// One dimension's TPE proposal from the good and bad observations (values, in trial order).
double ProposeDimension(const Prior& p, const std::vector<double>& good,
                        const std::vector<double>& bad, const TpeOptions& options,
                        std::mt19937_64& rng) {
  const int n = std::max(options.ei_candidates, 1);
  double best = 0, best_score = -kInf;
  bool have = false;
  if (p.shape == Prior::Shape::kChoice) {
    std::vector<double> pg = ChoiceProbabilities(p, good, options);
    std::vector<double> pb = ChoiceProbabilities(p, bad, options);
    for (int i = 0; i < n; ++i) {
      size_t k = PickComponent(pg, rng);
      double score = std::log(pg[k]) - std::log(pb[k]);
      if (!have || score > best_score) best = static_cast<double>(k), best_score = score;
      have = true;
    }
    return best;
  }
  double prior_mu = p.shape == Prior::Shape::kUniform ? 0.5 * (p.a + p.b) : p.a;
  double prior_sigma = p.shape == Prior::Shape::kUniform ? p.b - p.a : p.b;
  auto to_sampling = [&](const std::vector<double>& values) {
    std::vector<double> out;
    for (double v : values) out.push_back(ToSampling(p, v));
    return out;
  };
  Mixture mg = AdaptiveParzen(to_sampling(good), options, prior_mu, prior_sigma);
  Mixture mb = AdaptiveParzen(to_sampling(bad), options, prior_mu, prior_sigma);
  Truncate(p, mg);
  Truncate(p, mb);
  auto [lo, hi] = Bounds(p);
  for (int i = 0; i < n; ++i) {
    size_t k = PickComponent(mg.weight, rng);
    double value = ToValue(p, TruncatedNormal(mg.mu[k], mg.sigma[k], lo, hi, rng));
    double score = LogLikelihood(p, mg, value) - LogLikelihood(p, mb, value);
    if (std::isnan(score)) score = -kInf;
    if (!have || score > best_score) best = value, best_score = score;
    have = true;
  }
  return best;
}

}  // namespace

std::string Prior::Kind() const {
  if (shape == Shape::kChoice) return "choice";
  return std::string(q > 0 ? "q" : "") + (log ? "log" : "") +
         (shape == Shape::kUniform ? "uniform" : "normal");
}

std::string Prior::ToString() const {
  if (shape == Shape::kChoice) return "choice(" + std::to_string(options) + " options)";
  std::string first = Number(log ? std::exp(a) : a);
  std::string second = Number(log && shape == Shape::kUniform ? std::exp(b) : b);
  return Kind() + "(" + first + ", " + second + (q > 0 ? ", " + Number(q) : "") + ")";
}

TpeSearch::TpeSearch(std::vector<Prior> space, TpeOptions options)
    : space_(std::move(space)), options_(options), rng_(options.seed) {
  for (const Prior& p : space_) {
    bool ok = std::isfinite(p.a) && std::isfinite(p.b) && p.q >= 0 && std::isfinite(p.q);
    if (p.shape == Prior::Shape::kUniform) ok = ok && p.a < p.b;
    if (p.shape == Prior::Shape::kNormal) ok = ok && p.b > 0;
    if (p.shape == Prior::Shape::kChoice) ok = p.options > 0;
    if (!ok) throw std::invalid_argument("malformed prior " + p.ToString());
  }
}

std::vector<double> TpeSearch::Suggest() {
  std::vector<double> point(space_.size());
  if (trials_.size() < static_cast<size_t>(std::max(options_.startup_trials, 1))) {
    for (size_t d = 0; d < space_.size(); ++d) point[d] = DrawFromPrior(space_[d], rng_);
    return point;
  }
  // The good group: the best min(ceil(gamma * sqrt(n)), cap) trials (ties in trial order).
  const size_t n = trials_.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t i, size_t j) { return trials_[i].loss < trials_[j].loss; });
  size_t n_good = std::min<size_t>(
      static_cast<size_t>(std::ceil(options_.gamma * std::sqrt(static_cast<double>(n)))),
      static_cast<size_t>(std::max(options_.good_cap, 0)));
  std::vector<bool> is_good(n, false);
  for (size_t i = 0; i < n_good && i < n; ++i) is_good[order[i]] = true;
  for (size_t d = 0; d < space_.size(); ++d) {
    std::vector<double> good, bad;
    for (size_t i = 0; i < n; ++i) (is_good[i] ? good : bad).push_back(trials_[i].point[d]);
    point[d] = ProposeDimension(space_[d], good, bad, options_, rng_);
  }
  return point;
}

void TpeSearch::Tell(std::vector<double> point, double loss) {
  if (std::isnan(loss)) loss = kInf;
  trials_.push_back({std::move(point), loss});
}

int TpeSearch::best() const {
  int best = -1;
  for (size_t i = 0; i < trials_.size(); ++i) {
    if (best < 0 || trials_[i].loss < trials_[best].loss) best = static_cast<int>(i);
  }
  return best;
}

std::string TpeSummary::BriefReport() const {
  if (best < 0) return "no trials";
  return "best loss " + Number(trials[best].loss) + " at trial " + std::to_string(best + 1) +
         " of " + std::to_string(trials.size());
}

TpeSummary TpeMinimize(const std::vector<Prior>& space,
                       const std::function<double(const std::vector<double>&)>& objective,
                       const TpeOptions& options) {
  TpeSearch search(space, options);
  for (int i = 0; i < options.max_evals; ++i) {
    std::vector<double> point = search.Suggest();
    double loss = objective(point);
    search.Tell(std::move(point), loss);
  }
  return TpeSummary{search.trials(), search.best()};
}

TpeSummary RandomMinimize(const std::vector<Prior>& space,
                          const std::function<double(const std::vector<double>&)>& objective,
                          const TpeOptions& options) {
  TpeOptions random = options;
  random.startup_trials = std::max(options.max_evals, 1);
  return TpeMinimize(space, objective, random);
}

}  // namespace twinprof::model
