#include "explore/hardware_findings.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "explore/configuration.h"

namespace twinprof::explore {

namespace {

std::string AxisName(const Axis& axis) {
  switch (axis.kind) {
    case Axis::Kind::kNodeType:
      return "node type of " + axis.cluster;
    case Axis::Kind::kNodeCount:
      return axis.node_type.empty() ? "nodes of " + axis.cluster
                                    : "hardware.nodes." + axis.cluster + "." + axis.node_type;
    case Axis::Kind::kPlacement:
      return "placement." + axis.component;
    case Axis::Kind::kCpu:
      return "resources." + axis.component + ".cpu";
    case Axis::Kind::kMemory:
      return "resources." + axis.component + ".memory";
    case Axis::Kind::kParallelism:
      return "resources." + axis.component + ".parallelism";
  }
  return "";
}

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Findings about one ordered axis whose steps up cost more (see HardwareFindings).
void AxisFindings(const Space& space, size_t axis_index, const std::vector<Candidate>& candidates,
                  const std::unordered_map<uint64_t, size_t>& by_number,
                  const std::string& time_name, std::vector<std::string>& findings) {
  const Axis& axis = space.axes[axis_index];
  struct Pair {
    Choices lower;
    bool gained;
    double cost_ratio;
  };
  std::map<size_t, std::vector<Pair>> steps;  // by the lower value
  for (const Candidate& low : candidates) {
    if (!low.score.simulated) continue;
    Choices choices = Decode(space, low.number);
    if (choices[axis_index] + 1 >= axis.size()) continue;
    Choices up = choices;
    ++up[axis_index];
    auto found = by_number.find(Encode(space, up));
    if (found == by_number.end()) continue;
    const Candidate& high = candidates[found->second];
    if (!high.score.simulated || !(low.score.cost > 0)) continue;
    double cost_ratio = high.score.cost / low.score.cost;
    if (cost_ratio <= 1.05) continue;  // a step that costs little more is no waste
    bool gained = high.score.times.front() < 0.99 * low.score.times.front();
    steps[choices[axis_index]].push_back({choices, gained, cost_ratio});
  }
  for (const auto& [value, pairs] : steps) {
    std::vector<double> ratios;
    size_t no_gain = 0;
    for (const Pair& pair : pairs) {
      if (!pair.gained) {
        ++no_gain;
        ratios.push_back(pair.cost_ratio);
      }
    }
    if (no_gain == 0 || no_gain * 2 < pairs.size()) continue;
    std::string finding = AxisName(axis) + " " + axis.Label(value) + " -> " +
                          axis.Label(value + 1) + ": " + time_name + " within 1% in " +
                          std::to_string(no_gain) + " of " + std::to_string(pairs.size()) +
                          " comparisons, cost x" + Format("%.3g", Median(ratios)) + " (median)";
    // Another ordered axis below which the step never helps and above which it always does.
    if (no_gain < pairs.size()) {
      for (size_t other = 0; other < space.axes.size(); ++other) {
        if (other == axis_index || !space.axes[other].ordered()) continue;
        size_t most_without = 0, least_with = SIZE_MAX;
        for (const Pair& pair : pairs) {
          size_t v = pair.lower[other];
          if (pair.gained) {
            least_with = std::min(least_with, v);
          } else {
            most_without = std::max(most_without, v);
          }
        }
        if (most_without < least_with) {
          finding += ", when " + AxisName(space.axes[other]) +
                     " <= " + space.axes[other].Label(most_without) + " (above, it helps)";
          break;
        }
      }
    }
    findings.push_back(finding);
  }
}

}  // namespace

std::vector<std::string> HardwareFindings(const Space& space,
                                          const std::vector<Candidate>& candidates) {
  std::unordered_map<uint64_t, size_t> by_number;
  for (size_t i = 0; i < candidates.size(); ++i) by_number[candidates[i].number] = i;
  std::vector<std::string> findings;
  const std::string time_name = space.objectives.front().component.empty()
                                    ? "makespan"
                                    : space.objectives.front().component + " p95";
  for (size_t axis = 0; axis < space.axes.size(); ++axis) {
    if (space.axes[axis].kind != Axis::Kind::kNodeCount) continue;
    AxisFindings(space, axis, candidates, by_number, time_name, findings);
  }
  return findings;
}

}  // namespace twinprof::explore
