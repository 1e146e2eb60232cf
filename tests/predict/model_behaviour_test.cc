// The hybrid predictor: a scenario whose behaviour names a model trained by `twinprof train`
// computes each job for the model's predicted seconds on an idle node, and longer when jobs share
// the node; a model of another target, or one needing a feature the scenario cannot supply, is
// refused with exit 2.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../cli/run_command.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using twinprof::test::RunTwinprof;

// The jobs of a simulated jobs.csv: each row's fields by column name (no field holds a comma).
std::vector<std::map<std::string, std::string>> ReadJobs(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) fields.push_back(field);
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> job;
    for (size_t i = 0; i < fields.size() && i < header.size(); ++i) job[header[i]] = fields[i];
    rows.push_back(job);
  }
  return rows;
}

double Number(const std::map<std::string, std::string>& job, const std::string& column) {
  return std::stod(job.at(column));
}

// compute_s = 0.25 + 2e-6 x input_bytes, whatever the cpu: a linear regression fits it exactly.
double TrueSeconds(double input_bytes) { return 0.25 + 2e-6 * input_bytes; }

class ModelBehaviour : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-model-behaviour-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Trains a LinearRegression on `columns` (each row: burn.cpu, input_bytes, then `extra`) with
  // target `y` into dir_/NAME; returns the model file.
  std::string Train(const std::string& name, const std::string& y, bool extra_column) {
    std::ofstream csv(dir_ / (name + ".csv"));
    csv << "burn.cpu,input_bytes" << (extra_column ? ",extra.knob" : "") << "," << y << "\n";
    for (double cpu : {0.5, 1.0}) {
      for (double bytes : {1e5, 2e5, 4e5, 8e5}) {
        csv << cpu << "," << bytes << (extra_column ? ",3" : "") << "," << TrueSeconds(bytes)
            << "\n";
      }
    }
    csv.close();
    std::ofstream ini(dir_ / (name + ".ini"));
    ini << "[General]\nrun_num = 1\ntechniques = ['LinearRegression']\nhp_selection = All\n"
        << "validation = All\ny = \"" << y << "\"\n\n[DataPreparation]\ninput_path = \"" << name
        << ".csv\"\n";
    ini.close();
    auto result = RunTwinprof(
        {"train", "-c", (dir_ / (name + ".ini")).string(), "-o", (dir_ / name).string()});
    EXPECT_EQ(result.exit_status, 0) << result.err;
    return (dir_ / name / "best.model").string();
  }

  // A scenario running `files` jobs of `bytes` on the one-core node, with the model behaviour.
  std::string Scenario(const std::string& model, int parallelism, double bytes, int files) {
    const fs::path source(TWINPROF_SOURCE_DIR);
    fs::path path = dir_ / "scenario.yaml";
    std::ofstream out(path);
    out << "name: hybrid\n"
        << "workflow: " << (source / "workflows/cpu-burn.yaml").string() << "\n"
        << "platform: " << (source / "tests/data/predict/one-core.yaml").string() << "\n"
        << "placement: {burn: local}\n"
        // Request half a core, limit one: two jobs fit on the node and share its core.
        << "resources: {burn: {cpu: 500m, cpu_limit: 1, memory: 128Mi, parallelism: " << parallelism
        << "}}\n"
        << "workload: {files: " << files << ", batch_size: " << files
        << ", input_size: " << static_cast<long>(bytes) << "}\n"
        << "behaviour: {burn: {model: " << model << ", output: {files_per_input: 1, bytes: 10}}}\n";
    return path.string();
  }

  fs::path dir_;
};

TEST_F(ModelBehaviour, AloneAJobComputesForThePredictedTime) {
  std::string model = Train("compute", "compute_s", false);
  auto result =
      RunTwinprof({"simulate", Scenario(model, 1, 3e5, 3), "-o", (dir_ / "out").string()});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  auto jobs = ReadJobs(dir_ / "out/jobs.csv");
  ASSERT_EQ(jobs.size(), 3u);
  for (const auto& job : jobs) {
    EXPECT_NEAR(Number(job, "compute_s"), TrueSeconds(3e5), 1e-6) << job.at("job_id");
  }
  // One slot: the jobs run one after the other.
  for (size_t i = 1; i < jobs.size(); ++i) {
    EXPECT_GE(Number(jobs[i], "t_exec_start"), Number(jobs[i - 1], "t_exec_end"));
  }
}

TEST_F(ModelBehaviour, JobsSharingTheNodeTakeLonger) {
  std::string model = Train("compute", "compute_s", false);
  auto result =
      RunTwinprof({"simulate", Scenario(model, 2, 3e5, 2), "-o", (dir_ / "out").string()});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  auto jobs = ReadJobs(dir_ / "out/jobs.csv");
  ASSERT_EQ(jobs.size(), 2u);
  for (const auto& job : jobs) {
    EXPECT_NEAR(Number(job, "compute_s"), 2 * TrueSeconds(3e5), 1e-6) << job.at("job_id");
  }
}

TEST_F(ModelBehaviour, AModelOfAnotherTargetIsRefused) {
  std::string model = Train("total", "total_s", false);
  auto result =
      RunTwinprof({"simulate", Scenario(model, 1, 3e5, 1), "-o", (dir_ / "out").string()});
  EXPECT_EQ(result.exit_status, 2) << result.err;
  EXPECT_NE(result.err.find(model), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("predicts 'total_s', not compute_s"), std::string::npos) << result.err;
}

TEST_F(ModelBehaviour, AFeatureTheScenarioCannotSupplyIsNamed) {
  std::string model = Train("extra", "compute_s", true);
  auto result =
      RunTwinprof({"simulate", Scenario(model, 1, 3e5, 1), "-o", (dir_ / "out").string()});
  EXPECT_EQ(result.exit_status, 2) << result.err;
  EXPECT_NE(result.err.find("needs feature 'extra.knob'"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "out/jobs.csv"));
}

}  // namespace
}  // namespace twinprof::test
