#include "pipeline/pipeline_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/csv_table.h"
#include "core/error.h"
#include "core/units.h"
#include "pipeline/child_process.h"
#include "pipeline/pipeline_file.h"
#include "pipeline/step_plans.h"
#include "pipeline/step_stamp.h"
#include "profile/campaign.h"

namespace twinprof::pipeline {

namespace fs = std::filesystem;

namespace {

RunSummary::Step Outcome(std::string name, std::string status, std::string detail = "",
                         double seconds = 0) {
  return RunSummary::Step{std::move(name), std::move(status), std::move(detail), seconds};
}

std::string Now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::ostringstream out;
  out << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
  return out.str();
}

class Pipeline {
 public:
  Pipeline(const RunOptions& options, PipelineFile file) : options_(options) {
    context_.file = std::move(file);
    context_.output = options.output_dir.empty() ? "run-" + context_.file.name : options.output_dir;
    context_.output = fs::absolute(context_.output).lexically_normal().string();
    profile::Campaign campaign = profile::LoadCampaign(context_.file.campaign);
    context_.campaign_files = {campaign.file, campaign.workflow.source_file()};
    for (workflow::ComponentId id : campaign.workflow.components()) {
      context_.campaign_files.push_back(campaign.workflow.component(id).script_path);
      context_.components.push_back(campaign.workflow.component(id).name);
    }
    context_.jobs = context_.file.jobs > 0
                        ? context_.file.jobs
                        : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (const std::string& text : context_.file.train_where) {
      context_.conditions.push_back(Condition::Parse(text, context_.file.train_where_location));
    }
  }

  RunSummary Run();

 private:
  std::string Dir(const std::string& step) const { return context_.Dir(step); }
  std::string Digest(const PlannedStep& step) const;
  // Clears what an unfinished or stale step left, so that its commands start afresh.
  void PrepareFolder(const PlannedStep& step, bool stale) const;
  RunSummary::Step Execute(const PlannedStep& step, const std::string& digest);
  void ReadOutcomes(RunSummary& summary) const;
  bool StepIsFinished(const std::string& name) const {
    StepStamp stamp;
    return StepStamp::Read(Dir(name) + "/step.json", &stamp);
  }

  RunOptions options_;
  PlanContext context_;  // the plans' in-process actions read it while the pipeline runs
};

std::string Pipeline::Digest(const PlannedStep& step) const {
  StepDigest digest;
  digest.AddText("step", step.name);
  for (const Action& action : step.actions) {
    digest.AddText("action", action.label);
    for (const std::string& argument : action.arguments) digest.AddText("argument", argument);
  }
  for (const std::string& file : step.input_files) digest.AddFile(file);
  for (const std::string& upstream : step.upstream) {
    StepStamp stamp;
    digest.AddText("upstream " + upstream,
                   StepStamp::Read(Dir(upstream) + "/step.json", &stamp) ? stamp.digest : "");
  }
  return digest.Finish();
}

void Pipeline::PrepareFolder(const PlannedStep& step, bool stale) const {
  fs::path dir = Dir(step.name);
  if (step.name == "profile") {
    // Measurements are never deleted: an unfinished campaign is resumed; a finished one whose
    // inputs changed is moved aside.
    if (stale) {
      fs::path aside;
      for (int i = 1;; ++i) {
        aside = context_.output + "/profile.previous-" + std::to_string(i);
        if (!fs::exists(aside)) break;
      }
      fs::rename(dir, aside);
      std::cout << "run: the campaign changed; the earlier measurements are kept in "
                << aside.string() << '\n';
    }
    return;
  }
  fs::remove_all(dir);
}

RunSummary::Step Pipeline::Execute(const PlannedStep& step, const std::string& digest) {
  RunSummary::Step result = Outcome(step.name, "ran");
  auto start = std::chrono::steady_clock::now();
  fs::create_directories(Dir(step.name));
  std::ofstream commands(Dir(step.name) + "/commands.txt", std::ios::app);
  std::string self = SelfExecutable();
  for (const Action& action : step.actions) {
    if (action.function) {
      commands << "# " << action.label << " (done by twinprof run)\n" << std::flush;
      action.function();
      continue;
    }
    std::vector<std::string> arguments = action.arguments;
    if (step.name == "profile" && fs::exists(Dir("profile") + "/results.sqlite")) {
      arguments.push_back("--resume");
    }
    std::string line = QuoteCommand("twinprof", arguments);
    commands << line << '\n' << std::flush;
    std::cout << "== " << step.name << ": " << line << '\n' << std::flush;
    ChildResult child = RunChild(self, arguments);
    if (child.interrupted || child.exit_status == 130) {
      result.status = "interrupted";
      result.detail = "rerun the same command to resume";
      break;
    }
    if (child.exit_status != 0) {
      result.status = "failed";
      result.detail = line + " exited with status " + std::to_string(child.exit_status);
      break;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result.status == "ran") {
    StepStamp stamp;
    stamp.step = step.name;
    stamp.digest = digest;
    stamp.finished = Now();
    stamp.seconds = result.seconds;
    stamp.Write(Dir(step.name) + "/step.json");
  }
  return result;
}

RunSummary Pipeline::Run() {
  const std::vector<std::string>& names = StepNames();
  for (const std::string* flag : {&options_.from, &options_.only}) {
    if (!flag->empty() && std::find(names.begin(), names.end(), *flag) == names.end()) {
      std::string list;
      for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
      throw InputError(std::string(flag == &options_.from ? "--from" : "--only") + " " + *flag +
                       ": no such step (the steps: " + list + ")");
    }
  }
  RunSummary summary;
  summary.pipeline = context_.file.file;
  summary.output_dir = context_.output;
  fs::create_directories(context_.output);
  auto start = std::chrono::steady_clock::now();
  std::vector<PlannedStep> steps = PlanSteps(context_);
  // --from S: every step runs, S and the later ones even when up to date. --only S: S alone, even
  // when up to date. Either way the steps before S must have finished: their outputs are read.
  size_t first_forced = steps.size();
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].name == options_.from || steps[i].name == options_.only) first_forced = i;
  }
  bool stopped = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    const PlannedStep& step = steps[i];
    if (stopped) {
      summary.steps.push_back(Outcome(step.name, "not reached"));
      continue;
    }
    if (!step.not_configured.empty()) {
      summary.steps.push_back(Outcome(step.name, "not configured", step.not_configured));
      continue;
    }
    bool selected = options_.only.empty() || i == first_forced;
    bool forced = selected && i >= first_forced;
    if (forced) {
      for (const PlannedStep& earlier : steps) {
        if (&earlier == &step) break;
        bool read = std::find(step.upstream.begin(), step.upstream.end(), earlier.name) !=
                    step.upstream.end();
        if (read && earlier.not_configured.empty() && !StepIsFinished(earlier.name) &&
            (!options_.only.empty() || &earlier < &steps[first_forced])) {
          throw InputError("step " + step.name + " reads the outputs of step " + earlier.name +
                           ", which has not finished in " + context_.output +
                           ": run the pipeline without --from/--only first");
        }
      }
    }
    std::string digest = Digest(step);
    StepStamp stamp;
    bool has_stamp = StepStamp::Read(Dir(step.name) + "/step.json", &stamp);
    bool up_to_date = has_stamp && stamp.digest == digest;
    if (!selected || (up_to_date && !forced)) {
      summary.steps.push_back(Outcome(step.name, selected ? "up to date" : "not selected", "",
                                      has_stamp ? stamp.seconds : 0));
      continue;
    }
    PrepareFolder(step, /*stale=*/has_stamp);
    RunSummary::Step result = Execute(step, digest);
    summary.steps.push_back(result);
    if (result.status != "ran") {
      stopped = true;
      summary.exit_status = result.status == "interrupted" ? 130 : 1;
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (summary.exit_status == 0) ReadOutcomes(summary);
  return summary;
}

void Pipeline::ReadOutcomes(RunSummary& summary) const {
  // The validation MAPE of every predictor on the held-out configurations (validate.csv rows
  // other than the training split).
  std::string validate = Dir("validate") + "/validate.csv";
  if (fs::exists(validate)) {
    CsvTable table = LoadCsv(validate);
    int predictor = table.Find("predictor"), metric = table.Find("metric"),
        component = table.Find("component"), split = table.Find("split"),
        cells = table.Find("cells"), mape = table.Find("mape_pct");
    if (predictor >= 0 && metric >= 0 && component >= 0 && split >= 0 && cells >= 0 && mape >= 0 &&
        table.columns[mape].numeric && table.columns[cells].numeric) {
      std::ostringstream out;
      out << "  " << std::left << std::setw(10) << "predictor" << std::setw(16) << "metric"
          << std::setw(14) << "component" << std::setw(15) << "split" << std::right << std::setw(6)
          << "cells" << std::setw(9) << "MAPE %" << '\n';
      for (size_t row = 0; row < table.rows(); ++row) {
        const std::string& which = table.columns[split].strings[row];
        if (which == "training" || which == "all") continue;
        out << "  " << std::left << std::setw(10) << table.columns[predictor].strings[row]
            << std::setw(16) << table.columns[metric].strings[row] << std::setw(14)
            << table.columns[component].strings[row] << std::setw(15) << which << std::right
            << std::setw(6) << static_cast<int>(table.columns[cells].numbers[row]) << std::setw(9)
            << std::fixed << std::setprecision(1) << table.columns[mape].numbers[row] << '\n';
        out.unsetf(std::ios::fixed);
      }
      summary.validation_table = out.str();
    }
  }
  // The cheapest mix that meets the space's constraints (explore's summary.json).
  std::ifstream explore(Dir("explore") + "/summary.json");
  if (explore) {
    nlohmann::json json = nlohmann::json::parse(explore, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.contains("workloads") && json["workloads"].is_array() &&
        !json["workloads"].empty()) {
      const nlohmann::json& best =
          json["workloads"][0].value("cheapest_feasible", nlohmann::json());
      std::ostringstream out;
      if (best.is_object() && best.contains("configuration")) {
        out << "cheapest mix meeting the constraints: candidate " << best.value("candidate", 0)
            << ", cost " << best.value("cost", 0.0) << ", makespan " << std::fixed
            << std::setprecision(1) << best.value("makespan_s", 0.0) / 60 << " min\n ";
        for (const auto& [key, value] : best["configuration"].items()) {
          out << " " << key << "=" << (value.is_string() ? value.get<std::string>() : value.dump());
        }
      } else {
        out << "no explored mix meets the constraints (see " << Dir("explore") << "/summary.json)";
      }
      summary.decision = out.str();
    }
  }
  std::string report = Dir("report") + "/report.html";
  if (fs::exists(report)) summary.report_path = report;
}

}  // namespace

const std::vector<std::string>& StepNames() {
  static const std::vector<std::string> kNames = {"profile",  "export",   "train",   "calibrate",
                                                  "validate", "simulate", "explore", "report"};
  return kNames;
}

RunSummary RunPipeline(const RunOptions& options) {
  Pipeline pipeline(options, LoadPipelineFile(options.pipeline_path));
  return pipeline.Run();
}

std::string RunSummary::BriefReport() const {
  std::ostringstream out;
  out << "pipeline " << pipeline << " -> " << output_dir << " (" << FormatElapsed(seconds) << ")\n";
  for (const Step& step : steps) {
    out << "  " << std::left << std::setw(10) << step.name << std::setw(15) << step.status;
    if (step.status == "ran" || step.status == "up to date") out << FormatElapsed(step.seconds);
    if (!step.detail.empty()) out << "  " << step.detail;
    out << '\n';
  }
  if (!validation_table.empty()) out << "\nvalidation (MAPE %):\n" << validation_table;
  if (!decision.empty()) out << '\n' << decision << '\n';
  if (!report_path.empty()) out << "\nreport: " << report_path << '\n';
  return out.str();
}

std::string RunSummary::FullReport() const { return BriefReport(); }

}  // namespace twinprof::pipeline
