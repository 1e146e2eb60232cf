// End to end: profile a small campaign, calibrate the simulator on it (`twinprof calibrate`),
// replay the campaign with that calibration, validate the replay against the measurements, and
// check validate.csv against figures recomputed here from the two CSVs (the measured export and
// the simulated jobs.csv).

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../subprocess.h"
#include "core/job_csv_reader.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using twinprof::test::RunTwinprof;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Parameter(const JobRecord& job, const std::string& name) {
  for (const auto& [key, value] : job.parameters) {
    if (key == name) return value;
  }
  return "";
}

// validate.csv rows by "predictor/metric/component/split" -> mape_pct.
std::map<std::string, double> ReadValidateCsv(const fs::path& path) {
  std::map<std::string, double> rows;
  std::istringstream in(Slurp(path));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "predictor,metric,component,split,cells,zero_measured,mape_pct,measured_mean,"
            "predicted_mean");
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) fields.push_back(field);
    EXPECT_EQ(fields.size(), 9u) << line;
    if (fields.size() != 9) continue;
    rows[fields[0] + "/" + fields[1] + "/" + fields[2] + "/" + fields[3]] = std::stod(fields[6]);
  }
  return rows;
}

class ValidateCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("twinprof-validate-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto profiled = RunTwinprof({"profile", "tests/data/predict/burn-campaign.yaml", "-o",
                                 (dir_ / "measured").string(), "-q"});
    ASSERT_EQ(profiled.exit_status, 0) << profiled.err;
    auto exported = RunTwinprof(
        {"export", (dir_ / "measured").string(), "--jobs", "-o", (dir_ / "measured.csv").string()});
    ASSERT_EQ(exported.exit_status, 0) << exported.err;
    auto calibrated =
        RunTwinprof({"calibrate", "tests/data/predict/burn-calibrated.yaml", "--data",
                     (dir_ / "measured").string(), "-o", (dir_ / "calibration.yaml").string()});
    ASSERT_EQ(calibrated.exit_status, 0) << calibrated.err;
    auto replayed = RunTwinprof({"simulate", "tests/data/predict/burn-calibrated.yaml", "--replay",
                                 (dir_ / "measured").string(), "--set",
                                 "calibration=" + (dir_ / "calibration.yaml").string(), "-o",
                                 (dir_ / "sim").string()});
    ASSERT_EQ(replayed.exit_status, 0) << replayed.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_;
};
fs::path ValidateCommand::dir_;

TEST_F(ValidateCommand, ReplayJoinsTheMeasurementsRunByRun) {
  JobCsv measured = ReadJobCsv((dir_ / "measured.csv").string());
  JobCsv simulated = ReadJobCsv((dir_ / "sim/jobs.csv").string());
  ASSERT_EQ(measured.records.size(), 8u);
  ASSERT_EQ(simulated.records.size(), 8u);
  // Same run ids, same parameters, same upload times and input sizes.
  std::map<int, std::vector<const JobRecord*>> by_run;
  for (const JobRecord& job : measured.records) by_run[job.run_id].push_back(&job);
  for (const JobRecord& job : simulated.records) {
    ASSERT_EQ(by_run.count(job.run_id), 1u) << job.run_id;
    const JobRecord& twin = *by_run[job.run_id].front();
    for (const char* name : {"burn.cpu", "burn.parallelism", "input", "input.kb"}) {
      EXPECT_EQ(Parameter(job, name), Parameter(twin, name)) << name;
    }
    EXPECT_EQ(job.cpu, twin.cpu);
    bool same_upload = false;
    for (const JobRecord* m : by_run[job.run_id]) {
      same_upload = same_upload || (std::abs(m->t_submit - job.t_submit) < 1e-9 &&
                                    m->input_bytes == job.input_bytes);
    }
    EXPECT_TRUE(same_upload) << job.job_id;
  }
}

TEST_F(ValidateCommand, FiguresMatchOnesRecomputedFromTheCsvs) {
  auto result = RunTwinprof({"validate", "--measured", (dir_ / "measured").string(), "--predicted",
                             "sim=" + (dir_ / "sim").string(), "-o", (dir_ / "v").string(),
                             "--trained-where", "burn.cpu<=0.5"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("sim (4 configurations)"), std::string::npos) << result.out;
  std::map<std::string, double> rows = ReadValidateCsv(dir_ / "v/validate.csv");

  // Recomputed here: per configuration (cpu, input), mean compute_s and total_s, and the mean
  // over its runs of each run's makespan.
  struct Cell {
    std::vector<double> compute, total;
    std::map<int, std::pair<double, double>> runs;  // run_id -> first t_submit, last t_finish
    double Makespan() const {
      double sum = 0;
      for (const auto& [run, times] : runs) sum += times.second - times.first;
      return sum / static_cast<double>(runs.size());
    }
  };
  auto cells = [](const JobCsv& csv) {
    std::map<std::string, Cell> out;
    for (const JobRecord& job : csv.records) {
      if (!job.succeeded() ||
          (Parameter(job, "mode") != "" && Parameter(job, "mode") != "workflow"))
        continue;
      Cell& cell = out[Parameter(job, "burn.cpu") + "|" + Parameter(job, "input")];
      cell.compute.push_back(job.compute_s());
      cell.total.push_back(job.total_s());
      auto [times, added] = cell.runs.try_emplace(job.run_id, INFINITY, -INFINITY);
      times->second.first = std::min(times->second.first, job.t_submit);
      times->second.second = std::max(times->second.second, job.t_finish);
    }
    return out;
  };
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  std::map<std::string, Cell> measured = cells(ReadJobCsv((dir_ / "measured.csv").string()));
  std::map<std::string, Cell> simulated = cells(ReadJobCsv((dir_ / "sim/jobs.csv").string()));
  ASSERT_EQ(measured.size(), 4u);
  ASSERT_EQ(simulated.size(), 4u);
  // cpu 0.5 is the training side; cpu 1 lies above its range: extrapolation.
  std::map<std::string, std::vector<double>> errors;  // "metric/split" -> percent errors
  for (const auto& [key, m] : measured) {
    const Cell& s = simulated.at(key);
    const std::string split = key.rfind("0.5|", 0) == 0 ? "training" : "extrapolation";
    auto add = [&](const std::string& metric, double real, double predicted) {
      errors[metric + "/" + split].push_back(100 * std::abs(predicted - real) / real);
      errors[metric + "/all"].push_back(100 * std::abs(predicted - real) / real);
    };
    add("compute_s", mean(m.compute), mean(s.compute));
    add("total_s", mean(m.total), mean(s.total));
    add("makespan_s", m.Makespan(), s.Makespan());
  }
  for (const auto& [key, values] : errors) {
    const std::string metric = key.substr(0, key.find('/'));
    const std::string split = key.substr(key.find('/') + 1);
    const std::string component = metric == "makespan_s" ? "workflow" : "burn";
    const std::string row = "sim/" + metric + "/" + component + "/" + split;
    ASSERT_EQ(rows.count(row), 1u) << row;
    EXPECT_NEAR(rows[row], mean(values), 1e-9 * std::max(1.0, mean(values))) << row;
  }
  EXPECT_EQ(rows.count("sim/compute_s/burn/interpolation"), 0u);
  // The simulator was the calibrated one: the replay's compute times are the calibration's
  // (work base + per byte x input at 1 Gflop/s on cpu c <= 1, then its time off the CPU), not the
  // scenario's hand-written behaviour.
  YAML::Node calibration = YAML::LoadFile((dir_ / "calibration.yaml").string());
  ASSERT_TRUE(calibration["fit"]["converged"].as<bool>());
  EXPECT_EQ(calibration["fit"]["records"]["burn"].as<int>(), 8);
  const double base = calibration["behaviour"]["burn"]["work"]["base"].as<double>();
  const double per_byte = calibration["behaviour"]["burn"]["work"]["per_byte"].as<double>();
  const double off_base = calibration["behaviour"]["burn"]["off_cpu"]["base"].as<double>();
  const double off_per_byte = calibration["behaviour"]["burn"]["off_cpu"]["per_byte"].as<double>();
  for (const JobRecord& job : ReadJobCsv((dir_ / "sim/jobs.csv").string()).records) {
    const double work = base + per_byte * job.input_bytes;
    EXPECT_NEAR(job.compute_s(),
                work / 1e9 / std::min(1.0, job.cpu) + off_base + off_per_byte * job.input_bytes,
                1e-6 * job.compute_s())
        << job.job_id;
    EXPECT_NEAR(job.cpu_time_s, work / 1e9, 1e-6 * job.cpu_time_s) << job.job_id;
  }

  nlohmann::json json = nlohmann::json::parse(Slurp(dir_ / "v/validate.json"));
  EXPECT_EQ(json["format"], "twinprof-validate");
  EXPECT_EQ(json["split"]["by"], "trained-where");
  EXPECT_EQ(json["split"]["training_configurations"], 2);
  EXPECT_EQ(json["predictors"][0]["joined"], 4);
  EXPECT_EQ(json["metrics"].size(), json["metrics"].size());
  EXPECT_EQ(json["cells"].size(), 4u + 4u);  // 4 configurations x (burn + workflow)
}

TEST_F(ValidateCommand, SetsWithNothingInCommonAreRefused) {
  // A plain simulation names its configurations by scenario keys, not the campaign's parameters.
  auto plain = RunTwinprof({"simulate", "tests/data/predict/burn-scenario.yaml", "-o",
                            (dir_ / "plain").string(), "--set", "workload.files=2"});
  ASSERT_EQ(plain.exit_status, 0) << plain.err;
  auto result = RunTwinprof({"validate", "--measured", (dir_ / "measured").string(), "--predicted",
                             (dir_ / "plain").string(), "-o", (dir_ / "v2").string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("do not name configurations as the measurements do"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("only here: workload.files"), std::string::npos) << result.err;
}

// A simulation swept over the campaign's own parameter names (not a replay) names its
// configurations as the measurements do: validate joins it with them.
TEST_F(ValidateCommand, ASweepOverTheMeasuredParameterNamesJoinsTheMeasurements) {
  const fs::path source(TWINPROF_SOURCE_DIR);
  std::ofstream scenario(dir_ / "sweep.yaml");
  scenario << "name: burn-sweep\n"
           << "workflow: " << (source / "workflows/cpu-burn.yaml").string() << "\n"
           << "platform: " << (source / "tests/data/predict/two-core.yaml").string() << "\n"
           << "placement: {burn: local}\n"
           << "workload: {files: 2, batch_size: 2, input_size: 3000000}\n"
           << "calibration: " << (dir_ / "calibration.yaml").string() << "\n";
  scenario.close();
  auto swept = RunTwinprof(
      {"simulate", (dir_ / "sweep.yaml").string(), "-o", (dir_ / "swept").string(), "--set",
       "input=kb=3000", "--set", "input.kb=3000", "--set", "burn.memory_mb=128", "--set",
       "burn.parallelism=2", "--set", "burn.env.ROUNDS=3", "--sweep", "burn.cpu=0.5,1"});
  ASSERT_EQ(swept.exit_status, 0) << swept.err;
  JobCsv simulated = ReadJobCsv((dir_ / "swept/jobs.csv").string());
  ASSERT_EQ(simulated.records.size(), 4u);
  for (const JobRecord& job : simulated.records) {
    EXPECT_EQ(job.cpu, std::stod(Parameter(job, "burn.cpu"))) << job.job_id;
  }
  auto result = RunTwinprof({"validate", "--measured", (dir_ / "measured").string(), "--predicted",
                             "sweep=" + (dir_ / "swept").string(), "-o", (dir_ / "vs").string()});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  nlohmann::json json = nlohmann::json::parse(Slurp(dir_ / "vs/validate.json"));
  EXPECT_EQ(json["predictors"][0]["joined"], 2) << json["predictors"].dump();
}

// --replay takes each run's parameters: one given with --set as well is refused, naming it.
TEST_F(ValidateCommand, AReplayRefusesARunParameterSetByHand) {
  auto result = RunTwinprof({"simulate", "tests/data/predict/burn-scenario.yaml", "--replay",
                             (dir_ / "measured").string(), "--set", "burn.cpu=2", "-o",
                             (dir_ / "replay-set").string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.err.rfind("--set burn.cpu=2: error: ", 0), 0u) << result.err;
  EXPECT_NE(result.err.find("with its own burn.cpu"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "replay-set/jobs.csv"));
}

TEST_F(ValidateCommand, AReplayOfAnotherWorkflowIsRefused) {
  auto result = RunTwinprof({"simulate", "experiments/sim/edge-cloud/scenario.yaml", "--replay",
                             (dir_ / "measured").string(), "-o", (dir_ / "other").string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("does not match the measured one"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("blurry-faces"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace twinprof::test
