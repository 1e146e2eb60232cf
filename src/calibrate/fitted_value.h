// FittedValue: one calibrated parameter as the calibration file's `fit.parameters` reports it.
#pragma once

#include <limits>
#include <string>
#include <utility>

namespace twinprof::calibrate {

struct FittedValue {
  FittedValue() = default;
  FittedValue(std::string name_, double value_,
              double standard_error_ = std::numeric_limits<double>::quiet_NaN())
      : name(std::move(name_)), value(value_), standard_error(standard_error_) {}

  std::string name;  // the calibration file's key path, e.g. "behaviour.burn.work.base"
  double value = 0;  // in the file's units (flops, bytes, seconds, bytes per second)
  // Standard error in the same units; NaN when not identified or not available.
  double standard_error = std::numeric_limits<double>::quiet_NaN();
  bool identified = true;
  std::string why;  // why it is not identified (the value is then the prior, kept)
};

}  // namespace twinprof::calibrate
