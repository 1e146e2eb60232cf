#include "report/chart_numbers.h"

#include <cmath>
#include <cstdio>

namespace twinprof::report {

std::string Figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

nlohmann::json Rounded(double value, int digits) {
  if (!std::isfinite(value)) return nullptr;
  if (value == 0) return 0;
  // Divide by (or multiply with) an exact power of ten, so the result is the double nearest the
  // rounded decimal, whose shortest form is that decimal.
  int exponent = digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(value))));
  double rounded = exponent >= 0
                       ? std::round(value * std::pow(10.0, exponent)) / std::pow(10.0, exponent)
                       : std::round(value / std::pow(10.0, -exponent)) * std::pow(10.0, -exponent);
  if (std::fabs(rounded) < 9e15 && rounded == std::floor(rounded)) {
    return static_cast<long long>(rounded);
  }
  return rounded;
}

nlohmann::json RoundedTo(double value, double step) {
  if (!std::isfinite(value)) return nullptr;
  if (step >= 1) return Rounded(std::round(value / step) * step, 17);
  double per_unit = std::round(1 / step);  // e.g. 1000 for 1e-3: dividing by it is exact enough
  double rounded = std::round(value * per_unit) / per_unit;
  if (std::fabs(rounded) < 9e15 && rounded == std::floor(rounded)) {
    return static_cast<long long>(rounded);
  }
  return rounded;
}

}  // namespace twinprof::report
