#include "profile/profiler.h"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "profile/interrupt.h"
#include "profile/progress.h"
#include "profile/results_store.h"

namespace twinprof::profile {
namespace {

namespace fs = std::filesystem;

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

// The mean wall time of the store's finished runs (0 when there is none).
double MeanRunSeconds(const ResultsStore& store) {
  double sum = 0;
  int count = 0;
  for (const RunRow& run : store.Runs()) {
    if (run.status != "finished") continue;
    sum += run.wall_s;
    ++count;
  }
  return count > 0 ? sum / count : 0;
}

}  // namespace

std::string ProfileSummary::BriefReport() const {
  std::ostringstream out;
  if (interrupted_by != 0) out << "interrupted by " << SignalName(interrupted_by) << " after ";
  out << (interrupted_by != 0 ? "" : "profiled ") << runs_done << " run"
      << (runs_done == 1 ? "" : "s") << " (" << jobs << " jobs, " << failed_jobs << " failed) in "
      << Fixed(wall_s, 1) << " s";
  if (runs_already_finished > 0) out << "; " << runs_already_finished << " already done";
  if (unfinished_run >= 0) {
    out << "; run " << unfinished_run << " unfinished (" << unfinished_run_jobs
        << " jobs committed, rerun by --resume)";
  }
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

  // Absolute: jobs run in folders of their own, and input generators in the campaign's folder.
  const std::string output_dir = fs::absolute(options.output_dir).lexically_normal().string();
  ResultsStore store = ResultsStore::Open(output_dir);
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
  }
  // Inputs before the folder is claimed: a failing generator leaves a folder that the same
  // command line (with or without --resume) takes up again.
  PrepareInputs(campaign, output_dir);
  if (!fingerprint) {
    store.SetMeta("campaign", campaign.name);
    store.SetMeta("campaign_file", fs::absolute(campaign.file).string());
    store.SetMeta("backend", backend.name());
    store.SetMeta("parameters", nlohmann::json(plan.parameter_names).dump());
    store.SetMeta("plan", plan.fingerprint);
  }
  // Every planned run's parameters, typed, once (again on --resume: the same plan, and a store
  // migrated from format 1 gets the plan's declarations instead of inferred ones).
  std::vector<std::pair<int, RunParameters>> planned;
  for (const PlannedRun& run : plan.runs) planned.emplace_back(run.run_id, run.parameters);
  store.RecordPlan(plan.parameters, planned);
  summary.runs_discarded = store.DiscardUnfinishedRuns();
  std::set<int> finished;
  for (const RunRow& run : store.Runs()) finished.insert(run.run_id);
  summary.runs_already_finished = static_cast<int>(finished.size());

  int to_do = summary.runs_planned - summary.runs_already_finished;
  if (options.max_runs > 0) to_do = std::min(to_do, options.max_runs);
  // Before the progress thread starts: it must inherit the blocked signals.
  std::optional<InterruptWatch> watch;
  if (options.stop_on_signals && backend.stops_on_interrupt()) watch.emplace();
  ProgressOptions progress_options;
  progress_options.out = options.progress;
  progress_options.terminal = options.progress_bar;
  progress_options.runs_total = to_do;
  progress_options.expected_run_s = MeanRunSeconds(store);
  Progress progress(progress_options);
  for (const PlannedRun& run : plan.runs) {
    if (finished.count(run.run_id)) continue;
    if (options.max_runs > 0 && summary.runs_done >= options.max_runs) break;
    if (watch && watch->Poll() != 0) {
      summary.interrupted_by = watch->Poll();
      break;
    }
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
    std::string work_dir = (fs::path(output_dir) / "runs" / std::to_string(run.run_id)).string();
    fs::remove_all(work_dir);
    fs::create_directories(work_dir);
    RunRequest request = MakeRunRequest(campaign, run, single_inputs, work_dir);
    request.interrupt = watch ? &*watch : nullptr;

    RunRow row;
    row.run_id = run.run_id;
    row.run_key = run.key;
    row.repetition = run.repetition;
    row.mode = run.mode;
    row.parameters = run.parameters;
    store.BeginRun(row);
    progress.RunStarted();

    int committed = 0;
    RunObserver observer;
    observer.job_started = [&](const std::string&, const std::string&) { progress.JobStarted(); };
    observer.job_finished = [&](const JobRecord& record, const std::string& log_tail) {
      store.CommitJob(record, log_tail);
      ++committed;
      progress.JobFinished(!record.succeeded());
      if (!record.succeeded() && summary.failures.size() < 20) {
        summary.failures.push_back("run " + std::to_string(record.run_id) + " " + record.job_id +
                                   ": " + record.failure_reason);
      }
    };
    RunResult result;
    try {
      result = backend.Run(request, observer);
    } catch (const Interrupted& e) {
      summary.interrupted_by = e.signal();
      summary.unfinished_run = run.run_id;
      summary.unfinished_run_jobs = committed;
      summary.jobs += committed;
      break;
    }
    for (const std::string& note : result.notes) {
      summary.notes.push_back(note);
      progress.Note("twinprof: note: " + note);
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
    progress.RunFinished(
        "run " + std::to_string(run.run_id + 1) + "/" + std::to_string(summary.runs_planned) + " " +
        run.mode + " rep " + std::to_string(run.repetition) + ": " + std::to_string(result.jobs) +
        " jobs, " + std::to_string(result.failed_jobs) + " failed, makespan " +
        Fixed(result.makespan_s, 2) + " s [" + DescribeParameters(run.parameters) + "]");
  }
  progress.Done();
  if (summary.jobs > 0) {
    summary.profiler_cpu_ms_per_job = (OwnCpuSeconds() - cpu_start) * 1000 / summary.jobs;
  }
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace twinprof::profile
