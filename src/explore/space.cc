#include "explore/space.h"

#include "core/job_record.h"

namespace twinprof::explore {

std::string PlacementChoice::Label() const {
  return node_type.empty() ? cluster : cluster + "/" + node_type;
}

size_t Axis::size() const {
  switch (kind) {
    case Kind::kNodeType:
      return names.size();
    case Kind::kPlacement:
      return placements.size();
    default:
      return numbers.size();
  }
}

std::string Axis::Label(size_t value) const {
  switch (kind) {
    case Kind::kNodeType:
      return names.at(value);
    case Kind::kPlacement:
      return placements.at(value).Label();
    default:
      return FormatDouble(numbers.at(value));
  }
}

std::string Constraint::Name() const {
  switch (kind) {
    case Kind::kMakespan:
      return "makespan";
    case Kind::kP95:
      return component + " p95";
    case Kind::kCost:
      return "cost";
    case Kind::kRejectionRate:
      return component + " rejection rate";
  }
  return "";
}

std::string Objective::Column() const {
  return component.empty() ? "makespan_s" : component + ".p95_s";
}

uint64_t Space::size() const {
  uint64_t size = 1;
  for (const Axis& axis : axes) size *= axis.size();
  return size;
}

}  // namespace twinprof::explore
