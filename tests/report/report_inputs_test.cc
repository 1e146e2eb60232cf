// Reading inputs (src/report/report_inputs.h, validation_data.h) and pairing measured with
// simulated runs (report_data.h, timeline_section.h).

#include "report/report_inputs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "report/calibration_section.h"
#include "report/runs_section.h"
#include "report/timeline_section.h"
#include "report/validation_section.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

report::RunTimeline MakeRun(bool measured,
                            std::vector<std::pair<std::string, std::string>> parameters) {
  report::RunTimeline run;
  run.measured = measured;
  run.name = measured ? "campaign" : "scenario";
  run.parameters = std::move(parameters);
  return run;
}

TEST(ReportDataTest, ConfigurationsMatchAcrossTheTwoNamings) {
  report::RunTimeline measured =
      MakeRun(true, {{"input.kb", "300"}, {"burn.cpu", "0.5"}, {"mode", "workflow"}});
  EXPECT_EQ(report::ConfigurationMatch(measured, MakeRun(false, {{"resources.burn.cpu", "0.50"}})),
            1);
  EXPECT_EQ(report::ConfigurationMatch(measured, MakeRun(false, {{"resources.burn.cpu", "1"}})),
            -1);
  EXPECT_EQ(report::ConfigurationMatch(measured,
                                       MakeRun(false, {{"burn.cpu", "0.5"}, {"input.kb", "300"}})),
            2);
  EXPECT_EQ(report::ConfigurationMatch(measured, MakeRun(false, {})), 0);
  EXPECT_EQ(report::CanonicalParameterName("resources.burn.parallelism"), "burn.parallelism");
  EXPECT_EQ(report::CanonicalParameterName("workload.seed"), "workload.seed");
}

TEST(ReportDataTest, EachMeasuredRunIsPairedWithTheSimulatedRunOfItsConfiguration) {
  report::ReportData data;
  data.runs.push_back(MakeRun(true, {{"burn.cpu", "0.5"}, {"burn.parallelism", "2"}}));  // 0
  data.runs.push_back(MakeRun(true, {{"burn.cpu", "1"}, {"burn.parallelism", "2"}}));    // 1
  data.runs.push_back(MakeRun(true, {{"burn.cpu", "2"}, {"burn.parallelism", "2"}}));    // 2
  data.runs.push_back(MakeRun(false, {{"resources.burn.cpu", "1"}}));                    // 3
  data.runs.push_back(MakeRun(false, {{"resources.burn.cpu", "0.5"}}));                  // 4
  data.runs.push_back(MakeRun(false, {{"resources.burn.cpu", "4"}}));                    // 5
  std::vector<std::pair<int, int>> pairs = report::PairRuns(data);
  std::vector<std::pair<int, int>> expected = {{0, 4}, {1, 3}, {2, -1}, {-1, 5}};
  EXPECT_EQ(pairs, expected);
  // Short labels: only what varies (burn.parallelism is 2 everywhere); a simulated run of a
  // measured configuration takes its label, the others their own.
  std::vector<std::string> labels = report::ShortConfigurationLabels(data);
  std::vector<std::string> expected_labels = {"burn.cpu=0.5", "burn.cpu=1",   "burn.cpu=2",
                                              "burn.cpu=1",   "burn.cpu=0.5", "burn.cpu=4"};
  EXPECT_EQ(labels, expected_labels);
}

// A simulated run that names none of a measured run's parameters (the quickstart's edge-cloud
// target, simulated as it is) is not that run's counterpart: drawing a 7 s measured run beside a
// 263 s simulation of another platform on one time axis said they were the same configuration.
TEST(ReportDataTest, ASimulatedRunWithNoSharedParameterIsShownOnItsOwn) {
  report::ReportData data;
  data.runs.push_back(MakeRun(true, {{"grayify.cpu", "0.5"}, {"input.seconds", "2"}}));  // 0
  data.runs.push_back(MakeRun(false, {}));                                               // 1
  data.runs.push_back(MakeRun(false, {{"workload.seed", "3"}}));                         // 2
  std::vector<std::pair<int, int>> expected = {{0, -1}, {-1, 1}, {-1, 2}};
  EXPECT_EQ(report::PairRuns(data), expected);
}

TEST(ReportDataTest, ShortLabelsLeaveOutTheInputNameWhenItsValuesVary) {
  report::ReportData data;
  data.runs.push_back(MakeRun(true, {{"input", "kb=300"}, {"input.kb", "300"}, {"a.cpu", "1.0"}}));
  data.runs.push_back(MakeRun(true, {{"input", "kb=900"}, {"input.kb", "900"}, {"a.cpu", "1"}}));
  data.runs.push_back(MakeRun(false, {}));
  std::vector<std::string> labels = report::ShortConfigurationLabels(data);
  EXPECT_EQ(labels[0], "input.kb=300");
  EXPECT_EQ(labels[1], "input.kb=900");
  EXPECT_EQ(labels[2], "") << "one simulated configuration: nothing to tell apart";
  // A simulated run that has only some of the parameters that vary keeps its own label.
  data.runs[2] = MakeRun(false, {{"resources.a.cpu", "1"}});
  data.runs.push_back(MakeRun(false, {{"resources.a.cpu", "2"}}));
  data.runs.push_back(MakeRun(false, {{"input.kb", "900"}, {"resources.a.cpu", "1"}}));
  labels = report::ShortConfigurationLabels(data);
  EXPECT_EQ(labels[2], "a.cpu=1");
  EXPECT_EQ(labels[4], "input.kb=900");
}

// The quickstart's report: a replay of the measured runs (validate/sim) and a target platform
// simulated once with `--set calibration=FILE`. The target's setting tells it apart from no other
// run of its own input, so its label is empty (charts show its scenario's name), not
// "calibration=FILE"; the replay's runs take the measured runs' labels.
TEST(ReportDataTest, RunsAreLabelledAgainstTheRunsOfTheirOwnInput) {
  report::ReportData data;
  for (const char* cpu : {"0.5", "1"}) {
    data.runs.push_back(MakeRun(true, {{"grayify.cpu", cpu}, {"input.seconds", "2"}}));
    data.runs.back().input = "out/profile";
  }
  for (const char* cpu : {"0.5", "1"}) {
    data.runs.push_back(MakeRun(false, {{"grayify.cpu", cpu}, {"input.seconds", "2"}}));
    data.runs.back().input = "out/validate/sim";
  }
  data.runs.push_back(MakeRun(false, {{"calibration", "out/calibrate/calibration.yaml"}}));
  data.runs.back().input = "out/simulate";
  std::vector<std::string> expected = {"grayify.cpu=0.5", "grayify.cpu=1", "grayify.cpu=0.5",
                                       "grayify.cpu=1", ""};
  EXPECT_EQ(report::ShortConfigurationLabels(data), expected);
  // Two runs of one simulate output are told apart by what differs between them.
  data.runs.push_back(MakeRun(false, {{"calibration", "out/calibrate/other.yaml"}}));
  data.runs.back().input = "out/simulate";
  std::vector<std::string> labels = report::ShortConfigurationLabels(data);
  EXPECT_EQ(labels[4], "calibration=out/calibrate/calibration.yaml");
  EXPECT_EQ(labels[5], "calibration=out/calibrate/other.yaml");
}

// The makespan axis is logarithmic when the runs span more than a factor of 20 (seconds-long local
// runs beside a simulated platform of minutes sat in one pixel column at the left of a linear
// axis), and linear from 0 otherwise, or when a makespan is 0 (no log of it).
TEST(ReportDataTest, MakespansOfDifferentOrdersOfMagnitudeGoOnALogAxis) {
  report::ReportData data;
  data.runs.push_back(MakeRun(true, {{"a.cpu", "1"}}));
  data.runs.back().makespan_s = 7;
  data.runs.push_back(MakeRun(false, {}));
  data.runs.back().makespan_s = 100;
  auto x_scale = [&data] {
    report::Section section = report::RunsSection(data);
    return section.charts.at(0).spec["encoding"]["x"]["scale"];
  };
  EXPECT_EQ(x_scale().value("zero", false), true);
  data.runs.back().makespan_s = 262;
  EXPECT_EQ(x_scale().value("type", ""), "log");
  data.runs.front().makespan_s = 0;
  EXPECT_EQ(x_scale().value("zero", false), true);
}

TEST(ReportInputsTest, AFolderOfSomethingElseIsRefusedNamingIt) {
  fs::path folder =
      fs::temp_directory_path() / ("twinprof-report-input-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  std::ofstream(folder / "summary.json") << "{}";  // a summary alone is not a simulate output
  try {
    report::DetectInput(folder.string());
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, folder.string());
    EXPECT_NE(e.message().find("not a twinprof output folder"), std::string::npos);
  }
  EXPECT_THROW(report::DetectInput((folder / "absent").string()), InputError);
  std::ofstream(folder / "notes.txt") << "hello";
  EXPECT_THROW(report::DetectInput((folder / "notes.txt").string()), InputError);
  fs::remove_all(folder);
}

TEST(ReportInputsTest, ReadsAValidateOutput) {
  std::string folder = std::string(TWINPROF_SOURCE_DIR) + "/tests/data/report/validate";
  ASSERT_EQ(report::DetectInput(folder), report::InputKind::kValidation);
  report::ReportData data = report::LoadReportInputs({folder});
  ASSERT_EQ(data.validations.size(), 1u);
  const report::ValidationSet& set = data.validations.front();
  EXPECT_EQ(set.measured, "split-burn-results");
  EXPECT_EQ(set.split_by, "trained-where");
  ASSERT_EQ(set.predictors.size(), 2u);
  EXPECT_EQ(set.predictors[0].name, "sim");
  EXPECT_EQ(set.cells.size(), 2u * 12 * 3);
  ASSERT_FALSE(set.metrics.empty());
  EXPECT_EQ(data.inputs.front().kind, "validation");

  report::Section section = report::ValidationSection(data);
  ASSERT_EQ(section.charts.size(), 2u);
  EXPECT_EQ(section.charts[0].id, "validation-1");
  // The MAPE in each panel's title is recomputed from the cells: for makespan it must agree
  // with validate.json's own "all" row.
  double expected_mape = 0;
  for (const auto& row : set.metrics) {
    if (row.predictor == "sim" && row.metric == "makespan_s" && row.split == "all") {
      expected_mape = row.mape_pct;
    }
  }
  char label[64];
  std::snprintf(label, sizeof label, "makespan (s) · MAPE %.2f%%", expected_mape);
  EXPECT_NE(section.charts[0].spec.dump().find(label), std::string::npos) << label;
  ASSERT_EQ(section.tables.size(), 1u);
  EXPECT_EQ(section.tables[0].header,
            (std::vector<std::string>{"predictor", "metric", "component", "training",
                                      "extrapolation", "all"}));
}

// docs/formats.md's calibration example (experiments/sim/edge-cloud/calibration.yaml).
TEST(ReportInputsTest, ReadsACalibrationFile) {
  std::string path =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/sim/edge-cloud/calibration.yaml";
  ASSERT_EQ(report::DetectInput(path), report::InputKind::kCalibration);
  report::ReportData data = report::LoadReportInputs({path});
  ASSERT_EQ(data.calibrations.size(), 1u);
  const report::CalibrationSet& set = data.calibrations.front();
  EXPECT_EQ(set.workflow, "mask-detection");
  EXPECT_EQ(set.reference_node_type, "vm-medium");
  ASSERT_EQ(set.parameters.size(), 3u);
  EXPECT_EQ(set.parameters[0].name, "behaviour.blurry-faces.work.base");
  EXPECT_DOUBLE_EQ(set.parameters[0].standard_error, 4.0e7);
  EXPECT_FALSE(set.parameters[1].identified);
  EXPECT_NE(set.parameters[1].why.find("one node type only"), std::string::npos);
  ASSERT_EQ(set.mape.size(), 2u);
  EXPECT_EQ(set.mape[1].second[0], (std::pair<std::string, double>{"compute", 4.4}));
  ASSERT_EQ(set.mean_seconds.size(), 2u);
  EXPECT_EQ(set.mean_seconds[0].second[2], (std::pair<std::string, double>{"upload", 0.002}));
  report::Section section = report::CalibrationSection(data);
  EXPECT_EQ(section.charts.size(), 2u);
  ASSERT_EQ(section.tables.size(), 1u);
  EXPECT_EQ(section.tables[0].rows[1][2], "not identified");
  // blurry-faces' upload (2 ms of its 2.7 s) is under 1%: out of the fit-error chart, in a note.
  const std::string errors = section.charts[1].spec.dump();
  EXPECT_EQ(errors.find("\"mean_s\":0.002"), std::string::npos) << errors;
  EXPECT_NE(errors.find("\"mean_s\":0.15"), std::string::npos) << errors;
  ASSERT_EQ(section.notes.size(), 1u);
  EXPECT_NE(section.notes[0].find("blurry-faces upload (mean 0.002 s, MAPE 5%)"), std::string::npos)
      << section.notes[0];
  // A YAML file that is not a calibration file is not taken for one.
  EXPECT_THROW(report::DetectInput(std::string(TWINPROF_SOURCE_DIR) + "/platforms/x86-vms.yaml"),
               InputError);
}

TEST(ReportInputsTest, AMalformedValidateOutputNamesTheFileAndField) {
  fs::path folder =
      fs::temp_directory_path() / ("twinprof-report-validate-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  std::ofstream(folder / "validate.json")
      << R"({"format": "twinprof-validate", "version": 1, "measured": "m",
             "predictors": [], "metrics": [{"predictor": "sim"}], "cells": []})";
  try {
    report::LoadReportInputs({folder.string()});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, (folder / "validate.json").string());
    EXPECT_EQ(e.message(), "validate.metrics[0].metric: missing");
  }
  std::ofstream(folder / "validate.json") << "{\n  \"format\": \"twinprof-validate\",\n  oops\n}";
  try {
    report::LoadReportInputs({folder.string()});
    ADD_FAILURE() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
  }
  fs::remove_all(folder);
}

}  // namespace
}  // namespace twinprof::test
