#include "sim/service_time.h"

#include <cmath>
#include <numeric>
#include <string>

namespace twinprof::sim {

double ServiceTime::Mean() const {
  switch (kind) {
    case Kind::kModel:
      return 0;
    case Kind::kDeterministic:
    case Kind::kExponential:
    case Kind::kLogNormal:
      return mean_s;
    case Kind::kEmpirical:
      return values_s.empty() ? 0
                              : std::accumulate(values_s.begin(), values_s.end(), 0.0) /
                                    static_cast<double>(values_s.size());
  }
  return 0;
}

namespace {

// A duration that must be > 0 (or >= 0 when `zero_allowed`); `key` names the distribution.
double Seconds(const YamlFile& file, const YAML::Node& node, const std::string& key,
               const std::string& what, bool zero_allowed) {
  const double seconds = file.Duration(node, key + " " + what);
  if (zero_allowed ? !(seconds >= 0) : !(seconds > 0)) {
    file.Fail(node, key + " " + what + " must be a duration " + (zero_allowed ? ">= 0" : "> 0") +
                        ", not '" + node.Scalar() + "'");
  }
  return seconds;
}

}  // namespace

ServiceTime ParseServiceTime(const YamlFile& file, const YAML::Node& node, const std::string& key) {
  ServiceTime time;
  if (node.IsScalar()) {
    const std::string name = node.Scalar();
    if (name != "model") {
      file.Fail(node, key + " must be 'model' or a distribution map, not '" + name + "'");
    }
    return time;
  }
  file.ExpectMap(node, key + " ('model', {distribution: ...} or {values: [...]})");
  if (YAML::Node values = YamlFile::Optional(node, "values"); values) {
    file.CheckKeys(node, {"values"}, key, nullptr);
    file.ExpectSequence(values, key + " values (a list of durations)");
    time.kind = ServiceTime::Kind::kEmpirical;
    for (const YAML::Node& value : values) {
      time.values_s.push_back(Seconds(file, value, key, "value", /*zero_allowed=*/true));
    }
    if (time.values_s.empty()) file.Fail(values, key + " values: the list is empty");
    return time;
  }
  const YAML::Node kind = file.Required(node, "distribution");
  const std::string name = file.String(kind, key + " distribution");
  if (name == "deterministic" || name == "fixed") {
    file.CheckKeys(node, {"distribution", "value"}, key, nullptr);
    time.kind = ServiceTime::Kind::kDeterministic;
    time.mean_s = Seconds(file, file.Required(node, "value"), key, "value", /*zero_allowed=*/true);
  } else if (name == "exponential") {
    file.CheckKeys(node, {"distribution", "mean"}, key, nullptr);
    time.kind = ServiceTime::Kind::kExponential;
    time.mean_s = Seconds(file, file.Required(node, "mean"), key, "mean", /*zero_allowed=*/false);
  } else if (name == "lognormal" || name == "log-normal") {
    file.CheckKeys(node, {"distribution", "mean", "stddev"}, key, nullptr);
    time.kind = ServiceTime::Kind::kLogNormal;
    time.mean_s = Seconds(file, file.Required(node, "mean"), key, "mean", /*zero_allowed=*/false);
    time.stddev_s =
        Seconds(file, file.Required(node, "stddev"), key, "stddev", /*zero_allowed=*/true);
  } else {
    file.Fail(kind, key + " distribution '" + name +
                        "' is not one of deterministic, exponential, lognormal (or give "
                        "values: [...], or 'model')");
  }
  return time;
}

double ServiceTimeSampler::Uniform01() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

double ServiceTimeSampler::Draw(const ServiceTime& time) {
  switch (time.kind) {
    case ServiceTime::Kind::kModel:
    case ServiceTime::Kind::kDeterministic:
      return time.mean_s;
    case ServiceTime::Kind::kExponential:
      return -time.mean_s * std::log1p(-Uniform01());
    case ServiceTime::Kind::kLogNormal: {
      // ln t ~ N(mu, sigma^2) with E[t] = mean and sd[t] = stddev.
      const double ratio = time.stddev_s / time.mean_s;
      const double sigma2 = std::log1p(ratio * ratio);
      const double mu = std::log(time.mean_s) - sigma2 / 2;
      // Box-Muller (one of the pair): 1 - U in (0, 1], so the log is finite.
      const double radius = std::sqrt(-2 * std::log(1 - Uniform01()));
      const double normal = radius * std::cos(2 * M_PI * Uniform01());
      return std::exp(mu + std::sqrt(sigma2) * normal);
    }
    case ServiceTime::Kind::kEmpirical: {
      const auto i = static_cast<size_t>(Uniform01() * static_cast<double>(time.values_s.size()));
      return time.values_s[i];
    }
  }
  return time.mean_s;
}

}  // namespace twinprof::sim
