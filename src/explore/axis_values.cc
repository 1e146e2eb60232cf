#include "explore/axis_values.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "core/job_record.h"
#include "core/units.h"

namespace twinprof::explore {

namespace {

constexpr size_t kMaxValues = 100000;

// One value written as text; throws InputError at `node`.
double ParseValue(const YamlFile& file, const YAML::Node& node, const std::string& text,
                  Quantity quantity, const std::string& what) {
  try {
    switch (quantity) {
      case Quantity::kCount: {
        errno = 0;
        char* end = nullptr;
        long long value = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE ||
            value > 1000000000LL) {
          file.Fail(node, what + ": '" + text + "' is not an integer");
        }
        return static_cast<double>(value);
      }
      case Quantity::kCpu:
        return std::round(ParseCpu(text) * 1000) / 1000;  // millicores, as Kubernetes keeps them
      case Quantity::kSize:
        return std::round(ParseSize(text));
    }
  } catch (const UnitError& e) {
    file.Fail(node, what + ": " + e.what());
  }
  return 0;
}

// The step a range takes when none is given; 0 = one must be given.
double DefaultStep(Quantity quantity) { return quantity == Quantity::kSize ? 0 : 1; }

void AddRange(const YamlFile& file, const YAML::Node& node, double from, double to, double step,
              Quantity quantity, const std::string& what, AxisValues& values) {
  if (from > to) {
    file.Fail(node, what + ": the range is upside down (from " + FormatDouble(from) +
                        " is above to " + FormatDouble(to) + ")");
  }
  if (!(step > 0)) file.Fail(node, what + ": the range's step must be > 0");
  double count = std::floor((to - from) / step + 1e-9) + 1;
  if (count > static_cast<double>(kMaxValues)) {
    file.Fail(node, what + ": the range has more than " + std::to_string(kMaxValues) + " values");
  }
  for (size_t k = 0; k < static_cast<size_t>(count); ++k) {
    double value = from + static_cast<double>(k) * step;
    value = quantity == Quantity::kCpu ? std::round(value * 1000) / 1000 : std::round(value);
    values.numbers.push_back(value);
    values.value_where.push_back(file.Where(node));
  }
}

}  // namespace

AxisValues ParseAxisValues(const YamlFile& file, const YAML::Node& node, Quantity quantity,
                           double min, const std::string& what) {
  AxisValues values;
  if (node.IsSequence()) {
    if (node.size() == 0) file.Fail(node, what + ": the list of values is empty");
    for (const YAML::Node& item : node) {
      file.ExpectScalar(item, what + " value");
      values.numbers.push_back(ParseValue(file, item, item.Scalar(), quantity, what));
      values.value_where.push_back(file.Where(item));
    }
  } else if (node.IsMap()) {
    file.CheckKeys(node, {"from", "to", "step"}, what + " range", nullptr);
    YAML::Node from_node = file.Required(node, "from");
    YAML::Node to_node = file.Required(node, "to");
    file.ExpectScalar(from_node, what + " from");
    file.ExpectScalar(to_node, what + " to");
    double from = ParseValue(file, from_node, from_node.Scalar(), quantity, what);
    double to = ParseValue(file, to_node, to_node.Scalar(), quantity, what);
    double step = DefaultStep(quantity);
    if (YAML::Node step_node = YamlFile::Optional(node, "step"); step_node) {
      file.ExpectScalar(step_node, what + " step");
      step = ParseValue(file, step_node, step_node.Scalar(), quantity, what);
    } else if (step == 0) {
      file.Fail(node, what + ": a range of sizes needs a step");
    }
    if (quantity == Quantity::kCount && step != std::round(step)) {
      file.Fail(node, what + ": the step must be an integer");
    }
    AddRange(file, node, from, to, step, quantity, what, values);
  } else {
    file.ExpectScalar(node, what + " (a value, a list, a range A..B or {from, to, step})");
    const std::string& text = node.Scalar();
    if (size_t dots = text.find(".."); dots != std::string::npos) {
      if (quantity == Quantity::kSize) {
        file.Fail(node, what + ": a range of sizes needs a step: {from: ..., to: ..., step: ...}");
      }
      double from = ParseValue(file, node, text.substr(0, dots), quantity, what);
      double to = ParseValue(file, node, text.substr(dots + 2), quantity, what);
      AddRange(file, node, from, to, DefaultStep(quantity), quantity, what, values);
    } else {
      values.numbers.push_back(ParseValue(file, node, text, quantity, what));
      values.value_where.push_back(file.Where(node));
    }
  }
  if (values.numbers.empty()) file.Fail(node, what + ": no values");
  if (values.numbers.size() > kMaxValues) {
    file.Fail(node, what + ": more than " + std::to_string(kMaxValues) + " values");
  }

  // Ascending, so the search can step to the next larger or smaller value.
  std::vector<size_t> order(values.numbers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values.numbers[a] < values.numbers[b]; });
  AxisValues sorted;
  for (size_t i : order) {
    const SourceLocation& where = values.value_where[i];
    if (values.numbers[i] < min) {
      throw InputError(
          where, what + ": " + FormatDouble(values.numbers[i]) + " is below " + FormatDouble(min));
    }
    if (!sorted.numbers.empty() && sorted.numbers.back() == values.numbers[i]) {
      throw InputError(
          where, what + ": the value " + FormatDouble(values.numbers[i]) + " is listed twice");
    }
    sorted.numbers.push_back(values.numbers[i]);
    sorted.value_where.push_back(where);
  }
  return sorted;
}

}  // namespace twinprof::explore
