#include "pipeline/step_plans.h"

#include <sstream>

#include "core/atomic_file.h"
#include "core/yaml_file.h"

namespace twinprof::pipeline {

namespace {

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

PlannedStep PlanProfile(const PlanContext& context) {
  PlannedStep step("profile");
  step.input_files = context.campaign_files;
  std::vector<std::string> arguments = {"profile", context.file.campaign, "-o",
                                        context.Dir("profile")};
  step.actions.push_back({"profile CAMPAIGN", arguments, nullptr});
  return step;
}

PlannedStep PlanExport(const PlanContext& context) {
  PlannedStep step("export", {"profile"});
  std::string profile = context.Dir("profile");
  std::string out = context.Dir("export");
  step.actions.push_back(
      {"export jobs", {"export", profile, "--jobs", "-o", out + "/jobs.csv"}, nullptr});
  std::string conditions;
  for (const std::string& condition : context.file.train_where) conditions += condition + ";";
  step.actions.push_back({"training jobs where " + conditions, {}, [&context, out] {
                            FilterCsvRows(out + "/jobs.csv", out + "/training-jobs.csv",
                                          context.conditions, context.file.train_where_location);
                          }});
  for (const std::string& component : context.components) {
    std::string all = out + "/" + component + ".compute_s.all.csv";
    step.actions.push_back({"export " + component,
                            {"export", profile, "--jobs", "--component", component, "--target",
                             "compute_s", "-o", all},
                            nullptr});
    step.actions.push_back({"training rows of " + component + " where " + conditions,
                            {},
                            [&context, all, out, component] {
                              FilterCsvRows(all, out + "/" + component + ".compute_s.csv",
                                            context.conditions, context.file.train_where_location);
                            }});
  }
  return step;
}

PlannedStep PlanTrain(const PlanContext& context) {
  PlannedStep step("train", {"export"});
  if (context.file.models_config.empty()) {
    step.not_configured = "no `models:` section";
    return step;
  }
  step.input_files = {context.file.models_config};
  std::string out = context.Dir("train");
  for (const std::string& component : context.components) {
    std::string config = out + "/" + component + ".ini";
    std::string data = context.Dir("export") + "/" + component + ".compute_s.csv";
    step.actions.push_back({"configure " + component, {}, [&context, config, data] {
                              std::string ini = ReadTextFile(context.file.models_config);
                              ini = SetIniValue(ini, "General", "y", "\"compute_s\"");
                              ini = SetIniValue(ini, "DataPreparation", "input_path",
                                                "\"" + data + "\"");
                              WriteFileAtomically(config, ini);
                            }});
    step.actions.push_back(
        {"train " + component,
         {"train", "-c", config, "-o", out + "/" + component, "-j", std::to_string(context.jobs)},
         nullptr});
  }
  return step;
}

PlannedStep PlanCalibrate(const PlanContext& context) {
  PlannedStep step("calibrate", {"export"});
  if (context.file.scenario.empty()) {
    step.not_configured = "no `scenario:`";
    return step;
  }
  step.input_files = {context.file.scenario};
  step.actions.push_back(
      {"calibrate",
       {"calibrate", context.file.scenario, "--data", context.Dir("export") + "/training-jobs.csv",
        "-o", context.CalibrationFile()},
       nullptr});
  return step;
}

PlannedStep PlanValidate(const PlanContext& context) {
  PlannedStep step("validate", {"profile", "export", "train", "calibrate"});
  if (context.file.scenario.empty()) {
    step.not_configured = "no `scenario:`";
    return step;
  }
  step.input_files = {context.file.scenario};
  std::string out = context.Dir("validate");
  std::string calibration = "calibration=" + context.CalibrationFile();
  std::vector<std::string> validate = {"validate", "--measured", context.Dir("profile"), "-o", out};
  step.actions.push_back(
      {"replay with the calibrated simulator",
       {"simulate", context.file.scenario, "--set", calibration, "--replay", context.Dir("profile"),
        "-o", out + "/sim", "-j", std::to_string(context.jobs)},
       nullptr});
  validate.insert(validate.end(), {"--predicted", "sim=" + out + "/sim"});
  if (!context.file.models_config.empty()) {
    std::vector<std::string> hybrid = {"simulate", context.file.scenario, "--set", calibration};
    for (const std::string& component : context.components) {
      hybrid.insert(hybrid.end(),
                    {"--set", "behaviour." + component + ".model=" + context.Dir("train") + "/" +
                                  component + "/best.model"});
      // The pure-ML baseline: each component's model on every measured job of it (one
      // predictor, "ml", whose folders validate joins by run_id and job_id).
      std::string jobs = out + "/jobs-" + component + ".csv";
      std::string config = out + "/predict-" + component + ".ini";
      step.actions.push_back(
          {"export the jobs of " + component,
           {"export", context.Dir("profile"), "--jobs", "--component", component, "-o", jobs},
           nullptr});
      step.actions.push_back({"configure ml " + component, {}, [config, jobs] {
                                WriteFileAtomically(
                                    config, "[DataPreparation]\ninput_path = \"" + jobs + "\"\n");
                              }});
      step.actions.push_back(
          {"ml " + component,
           {"predict", "-r", context.Dir("train") + "/" + component + "/best.model", "-c", config,
            "-o", out + "/ml-" + component},
           nullptr});
      validate.insert(validate.end(), {"--predicted", "ml=" + out + "/ml-" + component});
    }
    hybrid.insert(hybrid.end(), {"--replay", context.Dir("profile"), "-o", out + "/hybrid", "-j",
                                 std::to_string(context.jobs)});
    step.actions.push_back({"replay with the hybrid", hybrid, nullptr});
    validate.insert(validate.end(), {"--predicted", "hybrid=" + out + "/hybrid"});
  }
  if (!context.file.train_where.empty()) {
    std::string where;
    for (const std::string& condition : context.file.train_where) {
      where += (where.empty() ? "" : ",") + condition;
    }
    validate.insert(validate.end(), {"--trained-where", where});
  }
  step.actions.push_back({"validate", validate, nullptr});
  return step;
}

PlannedStep PlanSimulate(const PlanContext& context) {
  PlannedStep step("simulate", {"calibrate"});
  if (context.file.target.empty()) {
    step.not_configured = "no `target:`";
    return step;
  }
  step.input_files = {context.file.target};
  std::vector<std::string> arguments = {"simulate", context.file.target, "-o",
                                        context.Dir("simulate")};
  if (!context.file.scenario.empty()) {
    arguments.insert(arguments.end(), {"--set", "calibration=" + context.CalibrationFile()});
  }
  step.actions.push_back({"simulate the target", arguments, nullptr});
  return step;
}

PlannedStep PlanExplore(const PlanContext& context) {
  PlannedStep step("explore", {"calibrate"});
  if (context.file.explore.empty()) {
    step.not_configured = "no `explore:`";
    return step;
  }
  step.input_files = {context.file.explore};
  std::vector<std::string> arguments = {"explore", context.file.explore,
                                        "-o",      context.Dir("explore"),
                                        "-j",      std::to_string(context.jobs)};
  if (!context.file.scenario.empty()) {
    arguments.insert(arguments.end(), {"--set", "calibration=" + context.CalibrationFile()});
  }
  step.actions.push_back({"explore", arguments, nullptr});
  return step;
}

PlannedStep PlanReport(const PlanContext& context) {
  PlannedStep step("report", {"profile", "calibrate", "validate", "simulate", "explore"});
  std::vector<std::string> arguments = {"report", context.Dir("profile")};
  if (!context.file.scenario.empty()) {
    arguments.push_back(context.CalibrationFile());
    arguments.push_back(context.Dir("validate"));
    // The calibrated simulator's replay of every measured run: the report pairs each measured run
    // with its simulated twin (Gantt charts side by side, makespans on one row).
    arguments.push_back(context.Dir("validate") + "/sim");
  }
  if (!context.file.target.empty()) arguments.push_back(context.Dir("simulate"));
  if (!context.file.explore.empty()) arguments.push_back(context.Dir("explore"));
  arguments.insert(arguments.end(), {"-o", context.Dir("report") + "/report.html"});
  step.actions.push_back({"report", arguments, nullptr});
  return step;
}

}  // namespace

std::vector<PlannedStep> PlanSteps(const PlanContext& context) {
  return {PlanProfile(context),   PlanExport(context),   PlanTrain(context),
          PlanCalibrate(context), PlanValidate(context), PlanSimulate(context),
          PlanExplore(context),   PlanReport(context)};
}

}  // namespace twinprof::pipeline
