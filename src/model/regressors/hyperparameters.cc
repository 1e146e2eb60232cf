#include "model/regressors/hyperparameters.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace twinprof::model::regressors {

namespace {

std::string RangeText(double lo, double hi) {
  auto text = [](double v) { return nlohmann::json(v).dump(); };
  if (std::isinf(lo) && std::isinf(hi)) return "";
  if (std::isinf(hi)) return " >= " + text(lo);
  if (std::isinf(lo)) return " <= " + text(hi);
  return " in [" + text(lo) + ", " + text(hi) + "]";
}

}  // namespace

HyperparameterReader::HyperparameterReader(std::string technique, const nlohmann::json& given)
    : technique_(std::move(technique)), given_(given.is_null() ? nlohmann::json::object() : given) {
  if (!given_.is_object()) {
    throw InputError(technique_ + ": hyperparameters must be an object of key: value, got " +
                     given.dump());
  }
}

const nlohmann::json* HyperparameterReader::Find(const std::string& key) {
  auto it = given_.find(key);
  return it == given_.end() ? nullptr : &*it;
}

void HyperparameterReader::Fail(const std::string& key, const std::string& what) const {
  auto it = given_.find(key);
  std::string got = it == given_.end() ? "" : ", got " + it->dump();
  throw InputError(technique_ + ": hyperparameter '" + key + "' " + what + got);
}

double HyperparameterReader::Number(const std::string& key, double fallback, double lo, double hi) {
  double value = fallback;
  if (const nlohmann::json* v = Find(key)) {
    if (!v->is_number()) Fail(key, "must be a number" + RangeText(lo, hi));
    value = v->get<double>();
    if (!std::isfinite(value) || value < lo || value > hi) {
      Fail(key, "must be a number" + RangeText(lo, hi));
    }
  }
  used_[key] = value;
  return value;
}

int64_t HyperparameterReader::Integer(const std::string& key, int64_t fallback, int64_t lo,
                                      int64_t hi) {
  std::optional<int64_t> value = OptionalInteger(key, fallback, lo, hi);
  if (!value) Fail(key, "must be an integer" + RangeText(lo, hi));
  return *value;
}

std::optional<int64_t> HyperparameterReader::OptionalInteger(const std::string& key,
                                                             std::optional<int64_t> fallback,
                                                             int64_t lo, int64_t hi) {
  std::optional<int64_t> value = fallback;
  if (const nlohmann::json* v = Find(key)) {
    std::string what =
        "must be an integer" + RangeText(static_cast<double>(lo), static_cast<double>(hi));
    if (v->is_null()) {
      value.reset();
    } else if (v->is_number_integer()) {
      value = v->get<int64_t>();
    } else if (v->is_number_float()) {
      double d = v->get<double>();
      if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9e15) Fail(key, what);
      value = static_cast<int64_t>(d);
    } else {
      Fail(key, what);
    }
    if (value && (*value < lo || *value > hi)) Fail(key, what);
  }
  used_[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  return value;
}

bool HyperparameterReader::Bool(const std::string& key, bool fallback) {
  bool value = fallback;
  if (const nlohmann::json* v = Find(key)) {
    if (!v->is_boolean()) Fail(key, "must be True or False");
    value = v->get<bool>();
  }
  used_[key] = value;
  return value;
}

std::string HyperparameterReader::Choice(const std::string& key, const std::string& fallback,
                                         const std::vector<std::string>& allowed) {
  std::string value = fallback;
  if (const nlohmann::json* v = Find(key)) {
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "'" : ", '") + a + "'";
    if (!v->is_string()) Fail(key, "must be one of " + list);
    value = v->get<std::string>();
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      Fail(key, "must be one of " + list);
    }
  }
  used_[key] = value;
  return value;
}

nlohmann::json HyperparameterReader::Raw(const std::string& key, const nlohmann::json& fallback) {
  const nlohmann::json* v = Find(key);
  nlohmann::json value = v ? *v : fallback;
  used_[key] = value;
  return value;
}

void HyperparameterReader::Finish() const {
  for (const auto& [key, value] : given_.items()) {
    if (!used_.contains(key)) {
      std::string known;
      for (const auto& [k, unused] : used_.items()) known += (known.empty() ? "" : ", ") + k;
      throw InputError(technique_ + ": unknown hyperparameter '" + key +
                       "' (known: " + (known.empty() ? "none" : known) + ")");
    }
  }
}

}  // namespace twinprof::model::regressors
