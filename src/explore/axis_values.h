// ParseAxisValues: the values of one axis of an explore space, as written in the file — a single
// value, a list, a range "1..8", or {from, to, step} — checked and sorted.
#pragma once

#include <vector>

#include "core/error.h"
#include "core/yaml_file.h"

namespace twinprof::explore {

// What the values are: integers (node counts, parallelism), CPU amounts ("500m", 2) or sizes
// ("512Mi", "2Gi").
enum class Quantity { kCount, kCpu, kSize };

struct AxisValues {
  std::vector<double> numbers;              // ascending, distinct
  std::vector<SourceLocation> value_where;  // where each was written
};

// Reads `node`: a scalar value, a range "A..B" (integers only, step 1), {from: A, to: B,
// step: S} (step defaults to 1, or 1 core, or is required for sizes), or a list of values. Values
// must be >= `min`. Throws InputError at the offending node: an empty list, a range upside down
// (from > to), a step <= 0, duplicates, values below `min`, more than 100000 values.
AxisValues ParseAxisValues(const YamlFile& file, const YAML::Node& node, Quantity quantity,
                           double min, const std::string& what);

}  // namespace twinprof::explore
