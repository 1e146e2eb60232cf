// ExploreSummary's reports: the brief line and the full report the CLI prints.
#include <cstdio>
#include <sstream>

#include "core/units.h"
#include "explore/explore.h"

namespace twinprof::explore {

namespace {

constexpr size_t kMostFrontRows = 20;

std::string Printf(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// "hardware.nodes.cloud.vm-medium" -> "cloud.vm-medium"; "resources.x.cpu" -> "x.cpu".
std::string ShortColumn(const std::string& column) {
  for (const char* prefix : {"hardware.nodes.", "resources."}) {
    std::string p(prefix);
    if (column.compare(0, p.size(), p) == 0) return column.substr(p.size());
  }
  return column;
}

std::string Configuration(const ExploreSummary& summary, const Candidate& candidate) {
  std::string text;
  for (size_t i = 0; i < summary.configuration_columns.size(); ++i) {
    text += (text.empty() ? "" : " ") + ShortColumn(summary.configuration_columns[i]) + "=" +
            candidate.configuration[i];
  }
  return text;
}

std::string TimeName(const std::string& column) {
  return column == "makespan_s" ? "makespan" : column.substr(0, column.size() - 6) + " p95";
}

std::string Describe(const ExploreSummary& summary, const Candidate& candidate) {
  std::string text =
      "#" + std::to_string(candidate.number) + "  cost " + Printf("%.4g", candidate.score.cost);
  for (size_t k = 0; k < summary.objective_columns.size(); ++k) {
    text += "  " + TimeName(summary.objective_columns[k]) + " " +
            FormatSeconds(candidate.score.times[k]);
  }
  return text + "\n      " + Configuration(summary, candidate);
}

}  // namespace

std::string ExploreSummary::BriefReport() const {
  uint64_t simulated = 0, evaluated = 0, feasible = 0;
  bool searched = false;
  for (const Workload& workload : workloads) {
    simulated += workload.simulated;
    evaluated += workload.candidates.size();
    feasible += workload.feasible;
    searched = searched || workload.searched;
  }
  std::ostringstream out;
  out << space << ": " << configurations << " configurations";
  if (workloads.size() > 1) out << " x " << workloads.size() << " workloads";
  out << ", " << simulated << " simulated ("
      << (searched ? "local search, budget " + std::to_string(budget) + " per workload"
                   : std::string("all"))
      << "), " << feasible << " feasible";
  if (evaluated > simulated) out << ", " << evaluated - simulated << " could not run";
  if (workloads.size() == 1 && workloads.front().analysis.cheapest) {
    const Workload& workload = workloads.front();
    const Candidate& best = workload.candidates[*workload.analysis.cheapest];
    out << "; cheapest feasible #" << best.number << " cost " << Printf("%.4g", best.score.cost);
  }
  out << "; " << FormatSeconds(wall_seconds) << " wall -> " << output_dir;
  return out.str();
}

std::string ExploreSummary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << "\n";
  for (const Workload& workload : workloads) {
    out << "\nworkload " << workload.name << ": " << workload.candidates.size() << " evaluated, "
        << workload.simulated << " simulated, " << workload.invalid << " could not run, "
        << workload.failed << " failed, " << workload.feasible << " feasible\n";
    if (workload.searched) {
      out << "  search: " << workload.rounds << " rounds, " << workload.restarts
          << " restarts, stopped: " << workload.stopped << " (" << workload.simulated << " of "
          << configurations << " configurations simulated, "
          << Printf("%.3g", 100.0 * static_cast<double>(workload.simulated) /
                                static_cast<double>(configurations))
          << "%)\n";
    }
    const Analysis& analysis = workload.analysis;
    if (analysis.cheapest) {
      out << "  cheapest feasible: " << Describe(*this, workload.candidates[*analysis.cheapest])
          << "\n";
    } else {
      out << "  cheapest feasible: none (no candidate meets the constraints)\n";
    }
    if (analysis.fastest) {
      out << "  fastest" << (analysis.fastest_feasible ? ": " : " (infeasible): ")
          << Describe(*this, workload.candidates[*analysis.fastest]) << "\n";
    }
    for (size_t k = 0; k < objective_columns.size(); ++k) {
      const std::vector<size_t>& front = analysis.fronts[k];
      out << "  Pareto front, " << TimeName(objective_columns[k])
          << " against cost: " << front.size() << " points\n";
      if (front.empty()) continue;
      char header[128];
      std::snprintf(header, sizeof header, "    %5s %10s %12s %10s  %s\n", "point", "candidate",
                    TimeName(objective_columns[k]).c_str(), "cost", "configuration");
      out << header;
      for (size_t point = 0; point < front.size() && point < kMostFrontRows; ++point) {
        const Candidate& candidate = workload.candidates[front[point]];
        char row[128];
        std::snprintf(row, sizeof row, "    %5zu %10llu %12s %10.4g  ", point + 1,
                      static_cast<unsigned long long>(candidate.number),
                      FormatSeconds(candidate.score.times[k]).c_str(), candidate.score.cost);
        out << row << Configuration(*this, candidate) << "\n";
      }
      if (front.size() > kMostFrontRows) {
        out << "    ... " << front.size() - kMostFrontRows << " more in pareto.csv\n";
      }
    }
    if (!analysis.findings.empty()) {
      out << "  findings:\n";
      for (const std::string& finding : analysis.findings) out << "    - " << finding << "\n";
    }
  }
  return out.str();
}

}  // namespace twinprof::explore
