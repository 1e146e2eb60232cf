// DescribePlan: what `twinprof profile --dry-run` prints (profiler.h).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/units.h"
#include "profile/profiler.h"
#include "profile/progress.h"
#include "profile/results_store.h"

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;

std::string Fixed(double value, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// What the store already measured of this plan, per mode.
struct Measured {
  std::set<int> finished;                                 // run ids
  std::map<std::string, std::pair<int, double>> by_mode;  // mode -> (runs, summed wall_s)
};

}  // namespace

std::string DescribePlan(const Campaign& campaign, const Plan& plan,
                         const std::string& output_dir) {
  std::ostringstream out;
  int sources = static_cast<int>(campaign.workflow.Sources().size());
  int files = campaign.arrival.files();
  std::vector<double> times = campaign.arrival.UploadTimes(1);
  double last_upload = times.empty() ? 0 : times.back();
  out << "campaign " << campaign.name << ": workflow " << campaign.workflow.name() << " ("
      << campaign.workflow.size() << " components), backend " << campaign.backend.name << "\n";
  out << "runs: " << plan.runs.size() << " (" << plan.workflow_runs() << " whole-workflow, "
      << plan.runs.size() - static_cast<size_t>(plan.workflow_runs()) << " single-component), "
      << campaign.inputs.size() << " input" << (campaign.inputs.size() == 1 ? "" : "s") << ", "
      << campaign.repetitions << " repetition" << (campaign.repetitions == 1 ? "" : "s") << "\n";
  out << "jobs: each whole-workflow run uploads " << files << " file" << (files == 1 ? "" : "s")
      << " to each of " << sources << " source component" << (sources == 1 ? "" : "s") << " ("
      << files * sources << " jobs; downstream jobs follow from their outputs), last upload at "
      << Fixed(last_upload, 1) << " s\n";

  Measured measured;
  if (fs::exists(fs::path(output_dir) / "results.sqlite")) {
    ResultsStore store = ResultsStore::OpenExisting(output_dir);
    if (store.GetMeta("plan") == plan.fingerprint) {
      for (const RunRow& run : store.Runs()) {
        if (run.status != "finished") continue;
        measured.finished.insert(run.run_id);
        auto& [runs, wall] = measured.by_mode[run.mode];
        ++runs;
        wall += run.wall_s;
      }
    } else {
      out << "note: " << output_dir << " holds results of another plan; they are not used\n";
    }
  }

  // The runs to go, per mode, in plan order.
  std::vector<std::pair<std::string, int>> to_go;
  for (const PlannedRun& run : plan.runs) {
    if (measured.finished.count(run.run_id)) continue;
    auto it = std::find_if(to_go.begin(), to_go.end(),
                           [&](const auto& entry) { return entry.first == run.mode; });
    if (it == to_go.end()) {
      to_go.emplace_back(run.mode, 1);
    } else {
      ++it->second;
    }
  }
  size_t remaining = plan.runs.size() - measured.finished.size();
  double estimate = 0, lower_bound = 0;
  int unmeasured = 0;
  std::ostringstream lines;
  for (const auto& [mode, count] : to_go) {
    auto it = measured.by_mode.find(mode);
    if (it != measured.by_mode.end()) {
      double mean = it->second.second / it->second.first;
      estimate += mean * count;
      lines << "  " << mode << ": " << count << " to go x " << Fixed(mean, 2)
            << " s (mean wall time of " << Plural(static_cast<size_t>(it->second.first), "run")
            << " measured)\n";
    } else {
      // A whole-workflow run lasts at least until its last upload; single-component runs upload
      // everything at once.
      double bound = mode == "workflow" ? last_upload : 0;
      lower_bound += bound * count;
      unmeasured += count;
      lines << "  " << mode << ": " << count << " to go, not measured yet: at least "
            << Fixed(bound, 1) << " s each ("
            << (mode == "workflow" ? "the upload schedule" : "its inputs are uploaded at once")
            << "; the jobs' own time is unknown)\n";
    }
  }
  if (remaining == 0) {
    out << "time: all " << Plural(plan.runs.size(), "run") << " finished in " << output_dir
        << ", 0 to go\n";
  } else if (unmeasured == 0) {
    out << "time: about " << FormatElapsed(estimate) << " for " << remaining
        << " runs to go, from the runs measured in " << output_dir << ":\n"
        << lines.str();
  } else if (measured.finished.empty()) {
    out << "time: unknown until runs are measured; at least " << FormatElapsed(lower_bound)
        << ", which counts only the upload schedule (last "
        << "upload at " << Fixed(last_upload, 1) << " s) of each of the "
        << Plural(static_cast<size_t>(plan.workflow_runs()), "whole-workflow run")
        << ", not the jobs. For an estimate, profile a few runs (--max-runs N, then --resume) and "
           "run --dry-run again\n";
  } else {
    out << "time: about " << FormatElapsed(estimate) << " for the "
        << (remaining - static_cast<size_t>(unmeasured))
        << " runs of measured modes, plus at least " << FormatElapsed(lower_bound) << " for "
        << Plural(static_cast<size_t>(unmeasured), "run")
        << " of modes not measured yet (their jobs' time is unknown); " << remaining << " to go:\n"
        << lines.str();
  }
  out << "measured: " << Plural(measured.finished.size(), "finished run") << " in " << output_dir
      << "\n";
  for (const PlannedRun& run : plan.runs) {
    out << "  run " << run.run_id << (measured.finished.count(run.run_id) ? " (done)" : "") << ": "
        << run.mode << " rep " << run.repetition << " | " << DescribeParameters(run.parameters)
        << "\n";
  }
  return out.str();
}

}  // namespace twinprof::profile
