#include "pipeline/pipeline_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/error.h"
#include "core/yaml_file.h"
#include "pipeline/child_process.h"
#include "pipeline/pipeline_file.h"
#include "pipeline/step_stamp.h"
#include "pipeline/training_filter.h"
#include "profile/campaign.h"

namespace twinprof::pipeline {

namespace fs = std::filesystem;

namespace {

// One thing a step does: a twinprof subcommand in a child process, or work done in this process
// (filtering a CSV, writing a configuration). Its label enters the step's digest.
struct Action {
  std::string label;
  std::vector<std::string> arguments;  // twinprof's arguments; empty for a function
  std::function<void()> function;
};

// A step as planned: what it reads, what it does.
struct PlannedStep {
  PlannedStep(std::string step_name, std::vector<std::string> reads = {})
      : name(std::move(step_name)), upstream(std::move(reads)) {}

  std::string name;
  std::string not_configured;  // non-empty: the step is not run, and this says why
  std::vector<std::string> upstream;
  std::vector<std::string> input_files;
  std::vector<Action> actions;
};

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

std::string FormatSeconds(double seconds) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(seconds < 10 ? 1 : 0) << seconds << " s";
  return out.str();
}

// Replaces, in an aMLLibrary .ini, the value of `key` in `section` (adding it when absent).
std::string SetIniValue(const std::string& ini, const std::string& section, const std::string& key,
                        const std::string& value) {
  std::istringstream in(ini);
  std::ostringstream out;
  std::string current;
  bool done = false;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t\r"));
    s.erase(s.find_last_not_of(" \t\r") + 1);
    return s;
  };
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trim(lines[i]);
    if (!line.empty() && line.front() == '[') {
      if (current == section && !done) {
        out << key << " = " << value << '\n';
        done = true;
      }
      current = line.substr(1, line.find(']') - 1);
    } else if (current == section && !done && !line.empty() && line[0] != '#' && line[0] != ';') {
      size_t equals = line.find_first_of("=:");
      if (equals != std::string::npos && trim(line.substr(0, equals)) == key) {
        out << key << " = " << value << '\n';
        done = true;
        continue;
      }
    }
    out << lines[i] << '\n';
  }
  if (!done) {
    if (current != section) out << '[' << section << "]\n";
    out << key << " = " << value << '\n';
  }
  return out.str();
}

class Pipeline {
 public:
  Pipeline(const RunOptions& options, PipelineFile file)
      : options_(options), file_(std::move(file)) {
    output_ = options.output_dir.empty() ? "run-" + file_.name : options.output_dir;
    output_ = fs::absolute(output_).lexically_normal().string();
    campaign_ = profile::LoadCampaign(file_.campaign);
    for (workflow::ComponentId id : campaign_.workflow.components()) {
      components_.push_back(campaign_.workflow.component(id).name);
    }
    jobs_ = file_.jobs > 0 ? file_.jobs
                           : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (const std::string& text : file_.train_where) {
      conditions_.push_back(Condition::Parse(text, file_.train_where_location));
    }
  }

  RunSummary Run();

 private:
  std::string Dir(const std::string& step) const { return output_ + "/" + step; }
  std::vector<PlannedStep> Plan() const;
  PlannedStep PlanProfile() const;
  PlannedStep PlanExport() const;
  PlannedStep PlanTrain() const;
  PlannedStep PlanCalibrate() const;
  PlannedStep PlanValidate() const;
  PlannedStep PlanSimulate() const;
  PlannedStep PlanExplore() const;
  PlannedStep PlanReport() const;
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
  PipelineFile file_;
  std::string output_;
  profile::Campaign campaign_;
  std::vector<std::string> components_;
  std::vector<Condition> conditions_;
  int jobs_ = 1;
};

PlannedStep Pipeline::PlanProfile() const {
  PlannedStep step("profile");
  step.input_files = {campaign_.file, campaign_.workflow.source_file()};
  for (workflow::ComponentId id : campaign_.workflow.components()) {
    step.input_files.push_back(campaign_.workflow.component(id).script_path);
  }
  std::vector<std::string> arguments = {"profile", file_.campaign, "-o", Dir("profile")};
  step.actions.push_back({"profile CAMPAIGN", arguments, nullptr});
  return step;
}

PlannedStep Pipeline::PlanExport() const {
  PlannedStep step("export", {"profile"});
  std::string profile = Dir("profile");
  std::string out = Dir("export");
  step.actions.push_back(
      {"export jobs", {"export", profile, "--jobs", "-o", out + "/jobs.csv"}, nullptr});
  std::string conditions;
  for (const std::string& condition : file_.train_where) conditions += condition + ";";
  step.actions.push_back({"training jobs where " + conditions, {}, [this, out] {
                            FilterCsvRows(out + "/jobs.csv", out + "/training-jobs.csv",
                                          conditions_, file_.train_where_location);
                          }});
  for (const std::string& component : components_) {
    std::string all = out + "/" + component + ".compute_s.all.csv";
    step.actions.push_back({"export " + component,
                            {"export", profile, "--jobs", "--component", component, "--target",
                             "compute_s", "-o", all},
                            nullptr});
    step.actions.push_back(
        {"training rows of " + component + " where " + conditions, {}, [this, all, out, component] {
           FilterCsvRows(all, out + "/" + component + ".compute_s.csv", conditions_,
                         file_.train_where_location);
         }});
  }
  return step;
}

PlannedStep Pipeline::PlanTrain() const {
  PlannedStep step("train", {"export"});
  if (file_.models_config.empty()) {
    step.not_configured = "no `models:` section";
    return step;
  }
  step.input_files = {file_.models_config};
  std::string out = Dir("train");
  for (const std::string& component : components_) {
    std::string config = out + "/" + component + ".ini";
    std::string data = Dir("export") + "/" + component + ".compute_s.csv";
    step.actions.push_back({"configure " + component, {}, [this, config, data] {
                              std::string ini = ReadTextFile(file_.models_config);
                              ini = SetIniValue(ini, "General", "y", "\"compute_s\"");
                              ini = SetIniValue(ini, "DataPreparation", "input_path",
                                                "\"" + data + "\"");
                              WriteFileAtomically(config, ini);
                            }});
    step.actions.push_back(
        {"train " + component,
         {"train", "-c", config, "-o", out + "/" + component, "-j", std::to_string(jobs_)},
         nullptr});
  }
  return step;
}

PlannedStep Pipeline::PlanCalibrate() const {
  PlannedStep step("calibrate", {"export"});
  if (file_.scenario.empty()) {
    step.not_configured = "no `scenario:`";
    return step;
  }
  step.input_files = {file_.scenario};
  step.actions.push_back(
      {"calibrate",
       {"calibrate", file_.scenario, "--data", Dir("export") + "/training-jobs.csv", "-o",
        Dir("calibrate") + "/calibration.yaml"},
       nullptr});
  return step;
}

PlannedStep Pipeline::PlanValidate() const {
  PlannedStep step("validate", {"profile", "export", "train", "calibrate"});
  if (file_.scenario.empty()) {
    step.not_configured = "no `scenario:`";
    return step;
  }
  step.input_files = {file_.scenario};
  std::string out = Dir("validate");
  std::string calibration = "calibration=" + Dir("calibrate") + "/calibration.yaml";
  std::vector<std::string> validate = {"validate", "--measured", Dir("profile"), "-o", out};
  step.actions.push_back({"replay with the calibrated simulator",
                          {"simulate", file_.scenario, "--set", calibration, "--replay",
                           Dir("profile"), "-o", out + "/sim", "-j", std::to_string(jobs_)},
                          nullptr});
  validate.insert(validate.end(), {"--predicted", "sim=" + out + "/sim"});
  if (!file_.models_config.empty()) {
    std::vector<std::string> hybrid = {"simulate", file_.scenario, "--set", calibration};
    for (const std::string& component : components_) {
      hybrid.insert(hybrid.end(), {"--set", "behaviour." + component + ".model=" + Dir("train") +
                                                "/" + component + "/best.model"});
      // The pure-ML baseline: each component's model on every measured job of it (one
      // predictor, "ml", whose folders validate joins by run_id and job_id).
      std::string jobs = out + "/jobs-" + component + ".csv";
      std::string config = out + "/predict-" + component + ".ini";
      step.actions.push_back(
          {"export the jobs of " + component,
           {"export", Dir("profile"), "--jobs", "--component", component, "-o", jobs},
           nullptr});
      step.actions.push_back({"configure ml " + component, {}, [config, jobs] {
                                WriteFileAtomically(
                                    config, "[DataPreparation]\ninput_path = \"" + jobs + "\"\n");
                              }});
      step.actions.push_back({"ml " + component,
                              {"predict", "-r", Dir("train") + "/" + component + "/best.model",
                               "-c", config, "-o", out + "/ml-" + component},
                              nullptr});
      validate.insert(validate.end(), {"--predicted", "ml=" + out + "/ml-" + component});
    }
    hybrid.insert(hybrid.end(),
                  {"--replay", Dir("profile"), "-o", out + "/hybrid", "-j", std::to_string(jobs_)});
    step.actions.push_back({"replay with the hybrid", hybrid, nullptr});
    validate.insert(validate.end(), {"--predicted", "hybrid=" + out + "/hybrid"});
  }
  if (!file_.train_where.empty()) {
    std::string where;
    for (const std::string& condition : file_.train_where) {
      where += (where.empty() ? "" : ",") + condition;
    }
    validate.insert(validate.end(), {"--trained-where", where});
  }
  step.actions.push_back({"validate", validate, nullptr});
  return step;
}

PlannedStep Pipeline::PlanSimulate() const {
  PlannedStep step("simulate", {"calibrate"});
  if (file_.target.empty()) {
    step.not_configured = "no `target:`";
    return step;
  }
  step.input_files = {file_.target};
  std::vector<std::string> arguments = {"simulate", file_.target, "-o", Dir("simulate")};
  if (!file_.scenario.empty()) {
    arguments.insert(arguments.end(),
                     {"--set", "calibration=" + Dir("calibrate") + "/calibration.yaml"});
  }
  step.actions.push_back({"simulate the target", arguments, nullptr});
  return step;
}

PlannedStep Pipeline::PlanExplore() const {
  PlannedStep step("explore", {"calibrate"});
  if (file_.explore.empty()) {
    step.not_configured = "no `explore:`";
    return step;
  }
  step.input_files = {file_.explore};
  std::vector<std::string> arguments = {"explore",      file_.explore, "-o",
                                        Dir("explore"), "-j",          std::to_string(jobs_)};
  if (!file_.scenario.empty()) {
    arguments.insert(arguments.end(),
                     {"--set", "calibration=" + Dir("calibrate") + "/calibration.yaml"});
  }
  step.actions.push_back({"explore", arguments, nullptr});
  return step;
}

PlannedStep Pipeline::PlanReport() const {
  PlannedStep step("report", {"profile", "calibrate", "validate", "simulate", "explore"});
  std::vector<std::string> arguments = {"report", Dir("profile")};
  if (!file_.scenario.empty()) {
    arguments.push_back(Dir("calibrate") + "/calibration.yaml");
    arguments.push_back(Dir("validate"));
  }
  if (!file_.target.empty()) arguments.push_back(Dir("simulate"));
  if (!file_.explore.empty()) arguments.push_back(Dir("explore"));
  arguments.insert(arguments.end(), {"-o", Dir("report") + "/report.html"});
  step.actions.push_back({"report", arguments, nullptr});
  return step;
}

std::vector<PlannedStep> Pipeline::Plan() const {
  return {PlanProfile(),  PlanExport(),   PlanTrain(),   PlanCalibrate(),
          PlanValidate(), PlanSimulate(), PlanExplore(), PlanReport()};
}

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
        aside = output_ + "/profile.previous-" + std::to_string(i);
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
  summary.pipeline = file_.file;
  summary.output_dir = output_;
  fs::create_directories(output_);
  auto start = std::chrono::steady_clock::now();
  std::vector<PlannedStep> steps = Plan();
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
                           ", which has not finished in " + output_ +
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
  out << "pipeline " << pipeline << " -> " << output_dir << " (" << FormatSeconds(seconds) << ")\n";
  for (const Step& step : steps) {
    out << "  " << std::left << std::setw(10) << step.name << std::setw(15) << step.status;
    if (step.status == "ran" || step.status == "up to date") out << FormatSeconds(step.seconds);
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
