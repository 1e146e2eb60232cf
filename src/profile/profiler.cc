#include "profile/profiler.h"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "profile/progress.h"
#include "profile/results_store.h"

namespace twinprof {
namespace {

namespace fs = std::filesystem;

std::string Describe(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string text;
  for (const auto& [name, value] : parameters) {
    if (name.rfind("input.", 0) == 0) continue;  // implied by `input`
    text += (text.empty() ? "" : " ") + name + "=" + value;
  }
  return text;
}

// User + system CPU seconds of this process (not of its children).
double OwnCpuSeconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

std::string Fixed(double value, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

}  // namespace

std::string ProfileSummary::BriefReport() const {
  std::ostringstream out;
  out << "profiled " << runs_done << " run" << (runs_done == 1 ? "" : "s") << " (" << jobs
      << " jobs, " << failed_jobs << " failed) in " << Fixed(wall_s, 1) << " s";
  if (runs_already_finished > 0) out << "; " << runs_already_finished << " already done";
  out << " -> " << (fs::path(output_dir) / "results.sqlite").string();
  return out.str();
}

std::string ProfileSummary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << '\n';
  out << "  runs planned:           " << runs_planned << '\n';
  out << "  finished before:        " << runs_already_finished << '\n';
  out << "  unfinished, rerun:      " << runs_discarded << '\n';
  out << "  profiled now:           " << runs_done << '\n';
  out << "  profiler CPU per job:   " << Fixed(profiler_cpu_ms_per_job, 2) << " ms\n";
  for (const std::string& note : notes) out << "  note: " << note << '\n';
  for (const std::string& failure : failures) out << "  failed: " << failure << '\n';
  return out.str();
}

ProfileSummary Profile(Campaign& campaign, Backend& backend, const ProfileOptions& options) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = OwnCpuSeconds();
  ProfileSummary summary;
  summary.output_dir = options.output_dir;
  Plan plan = MakePlan(campaign);
  summary.runs_planned = static_cast<int>(plan.runs.size());

  ResultsStore store = ResultsStore::Open(options.output_dir);
  std::optional<std::string> fingerprint = store.GetMeta("plan");
  if (fingerprint) {
    if (!options.resume) {
      throw InputError(SourceLocation{options.output_dir},
                       "this folder already holds the results of campaign '" +
                           store.GetMeta("campaign").value_or("?") +
                           "': pass --resume to finish it, or choose another output folder");
    }
    if (*fingerprint != plan.fingerprint || store.GetMeta("campaign") != campaign.name) {
      throw InputError(SourceLocation{campaign.file},
                       "the campaign changed since its results in " + options.output_dir +
                           " were started (plan " + *fingerprint + ", now " + plan.fingerprint +
                           "): --resume needs the same campaign; use another output folder");
    }
  } else {
    store.SetMeta("campaign", campaign.name);
    store.SetMeta("campaign_file", fs::absolute(campaign.file).string());
    store.SetMeta("backend", backend.name());
    store.SetMeta("parameters", nlohmann::json(plan.parameter_names).dump());
    store.SetMeta("plan", plan.fingerprint);
  }
  summary.runs_discarded = store.DiscardUnfinishedRuns();
  std::set<int> finished;
  for (const RunRow& run : store.Runs()) finished.insert(run.run_id);
  summary.runs_already_finished = static_cast<int>(finished.size());

  PrepareInputs(campaign, options.output_dir);

  int to_do = summary.runs_planned - summary.runs_already_finished;
  if (options.max_runs > 0) to_do = std::min(to_do, options.max_runs);
  Progress progress(options.progress, options.progress_bar, to_do);
  for (const PlannedRun& run : plan.runs) {
    if (finished.count(run.run_id)) continue;
    if (options.max_runs > 0 && summary.runs_done >= options.max_runs) break;
    auto run_start = std::chrono::steady_clock::now();
    std::vector<std::string> single_inputs;
    if (run.parent_run_id >= 0) {
      std::optional<RunRow> parent = store.FindRun(run.parent_run_id);
      if (!parent || parent->status != "finished") {
        throw std::runtime_error("run " + std::to_string(run.run_id) + " needs run " +
                                 std::to_string(run.parent_run_id) + ", which is not finished");
      }
      auto it = parent->component_inputs.find(run.component);
      if (it != parent->component_inputs.end()) single_inputs = it->second;
    }
    std::string work_dir =
        (fs::path(options.output_dir) / "runs" / std::to_string(run.run_id)).string();
    fs::remove_all(work_dir);
    fs::create_directories(work_dir);
    RunRequest request = MakeRunRequest(campaign, run, single_inputs, work_dir);

    RunRow row;
    row.run_id = run.run_id;
    row.run_key = run.key;
    row.repetition = run.repetition;
    row.mode = run.mode;
    row.parameters = run.parameters;
    store.BeginRun(row);

    RunObserver observer;
    observer.job_started = [&](const std::string&, const std::string&) { progress.JobStarted(); };
    observer.job_finished = [&](const JobRecord& record, const std::string& log_tail) {
      store.CommitJob(record, log_tail);
      progress.JobFinished(!record.succeeded());
      if (!record.succeeded() && summary.failures.size() < 20) {
        summary.failures.push_back("run " + std::to_string(record.run_id) + " " + record.job_id +
                                   ": " + record.failure_reason);
      }
    };
    RunResult result = backend.Run(request, observer);
    for (const std::string& note : result.notes) {
      summary.notes.push_back(note);
      if (options.progress) {
        *options.progress << (options.progress_bar ? "\r" : "") << "twinprof: note: " << note
                          << '\n';
      }
    }
    row.jobs = result.jobs;
    row.failed_jobs = result.failed_jobs;
    row.makespan_s = result.makespan_s;
    row.component_inputs = result.component_inputs;
    row.wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
    store.FinishRun(row);

    ++summary.runs_done;
    summary.jobs += result.jobs;
    summary.failed_jobs += result.failed_jobs;
    progress.RunFinished("run " + std::to_string(run.run_id + 1) + "/" +
                         std::to_string(summary.runs_planned) + " " + run.mode + " rep " +
                         std::to_string(run.repetition) + ": " + std::to_string(result.jobs) +
                         " jobs, " + std::to_string(result.failed_jobs) + " failed, makespan " +
                         Fixed(result.makespan_s, 2) + " s [" + Describe(run.parameters) + "]");
  }
  progress.Done();
  if (summary.jobs > 0) {
    summary.profiler_cpu_ms_per_job = (OwnCpuSeconds() - cpu_start) * 1000 / summary.jobs;
  }
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

std::string DescribePlan(const Campaign& campaign, const Plan& plan,
                         const std::string& output_dir) {
  std::ostringstream out;
  int sources = static_cast<int>(campaign.workflow.Sources().size());
  int files = campaign.arrival.files();
  std::vector<double> times = campaign.arrival.UploadTimes(1);
  out << "campaign " << campaign.name << ": workflow " << campaign.workflow.name() << " ("
      << campaign.workflow.size() << " components), backend " << campaign.backend.name << "\n";
  out << "runs: " << plan.runs.size() << " (" << plan.workflow_runs() << " whole-workflow, "
      << plan.runs.size() - static_cast<size_t>(plan.workflow_runs()) << " single-component), "
      << campaign.inputs.size() << " input" << (campaign.inputs.size() == 1 ? "" : "s") << ", "
      << campaign.repetitions << " repetition" << (campaign.repetitions == 1 ? "" : "s") << "\n";
  out << "jobs: each whole-workflow run uploads " << files << " file" << (files == 1 ? "" : "s")
      << " to each of " << sources << " source component" << (sources == 1 ? "" : "s") << " ("
      << files * sources << " jobs; downstream jobs follow from their outputs), last upload at "
      << Fixed(times.empty() ? 0 : times.back(), 1) << " s\n";

  // An estimate from what the store already holds.
  std::set<int> finished;
  double wall = 0;
  int jobs = 0, measured = 0;
  if (fs::exists(fs::path(output_dir) / "results.sqlite")) {
    ResultsStore store = ResultsStore::OpenExisting(output_dir);
    if (store.GetMeta("plan") == plan.fingerprint) {
      for (const RunRow& run : store.Runs()) {
        if (run.status != "finished") continue;
        finished.insert(run.run_id);
        wall += run.wall_s;
        jobs += run.jobs;
        ++measured;
      }
    } else {
      out << "note: " << output_dir << " holds results of another plan; they are not used\n";
    }
  }
  if (measured > 0) {
    size_t remaining = plan.runs.size() - finished.size();
    out << "measured: " << measured << " finished run" << (measured == 1 ? "" : "s") << ", "
        << Fixed(static_cast<double>(jobs) / measured, 1) << " jobs and "
        << Fixed(wall / measured, 2) << " s per run; " << remaining << " to go: about "
        << Progress::FormatSeconds(wall / measured * static_cast<double>(remaining)) << "\n";
  } else {
    out << "time: no measurements in " << output_dir << " yet; at least the upload schedule, "
        << Progress::FormatSeconds((times.empty() ? 0 : times.back()) * plan.workflow_runs())
        << " for the whole-workflow runs\n";
  }
  for (const PlannedRun& run : plan.runs) {
    out << "  run " << run.run_id << (finished.count(run.run_id) ? " (done)" : "") << ": "
        << run.mode << " rep " << run.repetition << " | " << Describe(run.parameters) << "\n";
  }
  return out.str();
}

}  // namespace twinprof
