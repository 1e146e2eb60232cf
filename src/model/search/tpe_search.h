// A Bayesian minimiser of a black-box function: the Tree-structured Parzen Estimator (Bergstra et
// al., "Algorithms for Hyper-Parameter Optimization", NIPS 2011) as Hyperopt's tpe.suggest runs it.
//
// The space is a list of independent priors (uniform, normal, their log and quantised forms, and
// choices among options). The first `startup_trials` points are drawn from the priors; after that
// each dimension is proposed on its own: the trials are split into the best
// min(ceil(gamma * sqrt(n)), 25) ("good") and the rest, each group's values (in the prior's
// space: log for the log kinds) make an adaptive Parzen mixture with the prior as one more
// component, `ei_candidates` values are drawn from the good mixture and the one maximising
// log l(x) - log g(x) (expected improvement) is proposed. Failed trials (infinite or NaN loss)
// count as the worst.
//
// Everything is deterministic for a seed: the only randomness is a std::mt19937_64 turned into
// uniforms and inverse normal CDFs (Boost.Math), so results do not depend on the standard
// library's distributions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace twinprof::model {

// One dimension of a search space. A value is a number: for kChoice the index of the option.
struct Prior {
  enum class Shape { kUniform, kNormal, kChoice };
  Shape shape = Shape::kUniform;
  bool log = false;    // the distribution is over log(value) (loguniform, lognormal, ...)
  double a = 0;        // uniform: low; normal: mu (both in log space when `log`)
  double b = 0;        // uniform: high (> low); normal: sigma (> 0)
  double q = 0;        // > 0: values are rounded to multiples of q (in value space)
  size_t options = 0;  // kChoice: the number of options (> 0)

  // Hyperopt's name of the kind: "uniform", "qloguniform", "normal", ..., "choice".
  std::string Kind() const;
  // The kind with its arguments in value space, e.g. "loguniform(0.01, 1)".
  std::string ToString() const;
};

struct TpeOptions {
  int max_evals = 100;  // evaluations of the objective
  uint64_t seed = 0;
  int startup_trials = 20;     // Hyperopt's n_startup_jobs: trials drawn from the priors
  double gamma = 0.25;         // the good group is the best ceil(gamma * sqrt(n)) trials...
  int good_cap = 25;           // ... at most this many
  int ei_candidates = 24;      // draws from the good density per proposal
  double prior_weight = 1.0;   // weight of the prior among the Parzen components
  int linear_forgetting = 25;  // older trials beyond this many get linearly smaller weights
};

struct TpeTrial {
  std::vector<double> point;  // one value per dimension
  double loss = 0;            // +infinity when the evaluation failed
};

// The search state: ask for a point, evaluate it, tell the loss. Not thread-safe; one proposal
// at a time (that is what makes it deterministic).
class TpeSearch {
 public:
  // Throws std::invalid_argument when a prior is malformed (low >= high, sigma <= 0, q < 0, no
  // options).
  TpeSearch(std::vector<Prior> space, TpeOptions options);

  // The next point to evaluate: from the priors during start-up, then by TPE.
  std::vector<double> Suggest();
  // Records the loss of `point` (NaN counts as +infinity).
  void Tell(std::vector<double> point, double loss);

  const std::vector<Prior>& space() const { return space_; }
  const std::vector<TpeTrial>& trials() const { return trials_; }
  // Index of the lowest loss (the first one on ties); -1 before any trial.
  int best() const;

 private:
  std::vector<Prior> space_;
  TpeOptions options_;
  std::mt19937_64 rng_;
  std::vector<TpeTrial> trials_;
};

struct TpeSummary {
  std::vector<TpeTrial> trials;     // in evaluation order
  int best = -1;                    // index into trials
  std::string BriefReport() const;  // "best loss 1.23 at trial 17 of 50"
};

// Minimises `objective` over `space` with max_evals evaluations (one at a time, in order).
TpeSummary TpeMinimize(const std::vector<Prior>& space,
                       const std::function<double(const std::vector<double>&)>& objective,
                       const TpeOptions& options);

// The same budget spent on points drawn from the priors only (Hyperopt's rand.suggest): the
// baseline TPE must beat.
TpeSummary RandomMinimize(const std::vector<Prior>& space,
                          const std::function<double(const std::vector<double>&)>& objective,
                          const TpeOptions& options);

}  // namespace twinprof::model
