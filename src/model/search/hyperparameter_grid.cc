#include "model/search/hyperparameter_grid.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace twinprof::model {

std::vector<nlohmann::json> ExpandGrid(const TechniqueSpace& space) {
  std::vector<nlohmann::json> grid = {nlohmann::json::object()};
  for (const HyperparameterValues& h : space.hyperparameters) {
    std::vector<nlohmann::json> next;
    next.reserve(grid.size() * h.values.size());
    for (const nlohmann::json& point : grid) {
      for (const nlohmann::json& value : h.values) {
        nlohmann::json p = point;
        p[h.name] = value;
        next.push_back(std::move(p));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::vector<nlohmann::json> SampleGrid(const std::vector<nlohmann::json>& grid, size_t budget,
                                       uint64_t seed) {
  if (budget >= grid.size()) return grid;
  std::vector<size_t> order(grid.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  order.resize(budget);
  std::sort(order.begin(), order.end());
  std::vector<nlohmann::json> out;
  for (size_t i : order) out.push_back(grid[i]);
  return out;
}

}  // namespace twinprof::model

namespace twinprof::model {

namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::optional<Prior> ParsePrior(const std::string& text) {
  std::string t = Trim(text);
  size_t open = t.find('(');
  if (open == std::string::npos || open == 0 || t.back() != ')') return std::nullopt;
  std::string kind = Trim(t.substr(0, open));
  for (char c : kind) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  }
  if (std::isdigit(static_cast<unsigned char>(kind[0]))) return std::nullopt;
  static const char* kKinds[] = {"uniform", "quniform", "loguniform", "qloguniform",
                                 "normal",  "qnormal",  "lognormal",  "qlognormal"};
  if (std::find(std::begin(kKinds), std::end(kKinds), kind) == std::end(kKinds)) {
    std::string known;
    for (const char* k : kKinds) known += (known.empty() ? "" : ", ") + std::string(k);
    throw std::invalid_argument("unknown prior kind '" + kind + "' (known: " + known + ")");
  }
  Prior p;
  p.q = kind[0] == 'q' ? 1 : 0;  // placeholder: the argument comes below
  p.log = kind.find("log") != std::string::npos;
  p.shape =
      kind.find("uniform") != std::string::npos ? Prior::Shape::kUniform : Prior::Shape::kNormal;
  const bool uniform = p.shape == Prior::Shape::kUniform;
  const size_t expected = p.q > 0 ? 3 : 2;
  std::vector<double> args;
  std::string inner = t.substr(open + 1, t.size() - open - 2);
  size_t start = 0;
  while (true) {
    size_t comma = inner.find(',', start);
    std::string arg =
        Trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    char* end = nullptr;
    double value = arg.empty() ? 0 : std::strtod(arg.c_str(), &end);
    if (arg.empty() || *end != '\0' || !std::isfinite(value)) {
      throw std::invalid_argument("bad prior '" + t + "': '" + arg + "' is not a number");
    }
    args.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  const std::string names =
      uniform ? (p.q > 0 ? "low, high, q" : "low, high") : (p.q > 0 ? "mu, sigma, q" : "mu, sigma");
  if (args.size() != expected) {
    throw std::invalid_argument("bad prior '" + t + "': " + kind + " takes " +
                                std::to_string(expected) + " numbers (" + names + "), found " +
                                std::to_string(args.size()));
  }
  if (p.q > 0) {
    p.q = args[2];
    if (!(p.q > 0)) throw std::invalid_argument("bad prior '" + t + "': q must be > 0");
  }
  if (uniform && !(args[0] < args[1])) {
    throw std::invalid_argument("bad prior '" + t + "': low must be < high");
  }
  if (!uniform && !(args[1] > 0)) {
    throw std::invalid_argument("bad prior '" + t + "': sigma must be > 0");
  }
  if (p.log && !(args[0] > 0)) {
    throw std::invalid_argument("bad prior '" + t +
                                "': " + (uniform ? "the bounds" : "the median") +
                                " of a log prior must be > 0 (they are values, not logs)");
  }
  p.a = p.log ? std::log(args[0]) : args[0];
  p.b = p.log && uniform ? std::log(args[1]) : args[1];
  return p;
}

nlohmann::json PriorValue(const Prior& prior, double value) {
  if (prior.q > 0) return static_cast<int64_t>(std::trunc(value));
  return value;
}

std::vector<nlohmann::json> PriorCheckValues(const Prior& prior) {
  auto value = [&](double sampling) {
    double v = prior.log ? std::exp(sampling) : sampling;
    if (prior.q > 0) v = std::nearbyint(v / prior.q) * prior.q;
    return PriorValue(prior, v);
  };
  if (prior.shape == Prior::Shape::kUniform) return {value(prior.a), value(prior.b)};
  return {value(prior.a)};
}

std::vector<Prior> BayesianSpace(const TechniqueSpace& space) {
  std::vector<Prior> out;
  for (const HyperparameterValues& h : space.hyperparameters) {
    if (h.prior) {
      out.push_back(*h.prior);
    } else if (h.values.size() > 1) {
      Prior choice;
      choice.shape = Prior::Shape::kChoice;
      choice.options = h.values.size();
      out.push_back(choice);
    }
  }
  return out;
}

nlohmann::json BayesianPoint(const TechniqueSpace& space, const std::vector<double>& point) {
  nlohmann::json out = nlohmann::json::object();
  size_t d = 0;
  for (const HyperparameterValues& h : space.hyperparameters) {
    if (h.prior) {
      out[h.name] = PriorValue(*h.prior, point.at(d++));
    } else if (h.values.size() > 1) {
      out[h.name] = h.values.at(static_cast<size_t>(point.at(d++)));
    } else {
      out[h.name] = h.values.at(0);
    }
  }
  return out;
}

}  // namespace twinprof::model
