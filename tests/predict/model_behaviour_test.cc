// The hybrid predictor: a scenario whose behaviour names a model trained by `twinprof train`
// computes each job for the model's predicted seconds on an idle node, and longer when jobs share
// the node; a model of another target, or one needing a feature the scenario cannot supply, is
// refused with exit 2.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../subprocess.h"

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

  // Trains a LinearRegression of compute_s on burn.cpu, its inverse, input_bytes and their
  // products, normalized (as experiments/accuracy/train-hybrid.ini does), on jobs that take
  // CpuBoundSeconds at each of `cpus`; returns the model file.
  std::string TrainOnCpus(const std::string& name, const std::vector<double>& cpus) {
    std::ofstream csv(dir_ / (name + ".csv"));
    csv << "burn.cpu,input_bytes,compute_s\n";
    for (double cpu : cpus) {
      for (double bytes : {1e5, 2e5, 4e5, 8e5}) {
        csv << cpu << "," << bytes << "," << CpuBoundSeconds(bytes, cpu) << "\n";
      }
    }
    csv.close();
    std::ofstream ini(dir_ / (name + ".ini"));
    ini << "[General]\nrun_num = 1\ntechniques = ['LinearRegression']\nhp_selection = All\n"
        << "validation = All\ny = \"compute_s\"\n\n[DataPreparation]\ninput_path = \"" << name
        << ".csv\"\ninverse = ['burn.cpu']\nproduct_max_degree = 2\nnormalization = True\n";
    ini.close();
    auto result = RunTwinprof(
        {"train", "-c", (dir_ / (name + ".ini")).string(), "-o", (dir_ / name).string()});
    EXPECT_EQ(result.exit_status, 0) << result.err;
    return (dir_ / name / "best.model").string();
  }

  // `twinprof predict` of `model` on rows (burn.cpu, input_bytes): the pred column.
  std::vector<double> Predict(const std::string& model,
                              const std::vector<std::pair<double, double>>& rows) {
    std::ofstream csv(dir_ / "rows.csv");
    csv << "burn.cpu,input_bytes\n";
    for (const auto& [cpu, bytes] : rows) csv << cpu << "," << bytes << "\n";
    csv.close();
    std::ofstream ini(dir_ / "predict.ini");
    ini << "[DataPreparation]\ninput_path = \"" << (dir_ / "rows.csv").string() << "\"\n";
    ini.close();
    auto result = RunTwinprof({"predict", "-r", model, "-c", (dir_ / "predict.ini").string(), "-o",
                               (dir_ / "predicted").string()});
    EXPECT_EQ(result.exit_status, 0) << result.err;
    std::vector<double> predicted;
    for (const auto& row : ReadJobs(dir_ / "predicted/prediction.csv")) {
      predicted.push_back(Number(row, "pred"));
    }
    return predicted;
  }

  // One job of `bytes` alone on the two-core node, with `behaviour` (YAML), swept over
  // resources.burn.cpu_limit; the compute_s of each run's job, in sweep order.
  std::vector<double> SimulateAlone(const std::string& behaviour, double bytes,
                                    const std::string& cpu_limits) {
    const fs::path source(TWINPROF_SOURCE_DIR);
    fs::path path = dir_ / "alone.yaml";
    std::ofstream out(path);
    out << "name: hybrid\n"
        << "workflow: " << (source / "workflows/cpu-burn.yaml").string() << "\n"
        << "platform: " << (source / "tests/data/predict/two-core.yaml").string() << "\n"
        << "placement: {burn: local}\n"
        << "resources: {burn: {cpu: 100m, memory: 128Mi, parallelism: 1}}\n"
        << "workload: {files: 1, input_size: " << static_cast<long>(bytes) << "}\n"
        << "behaviour: {burn: " << behaviour << "}\n";
    out.close();
    auto result = RunTwinprof({"simulate", path.string(), "-o", (dir_ / "alone").string(),
                               "--sweep", "resources.burn.cpu_limit=" + cpu_limits, "--force"});
    EXPECT_EQ(result.exit_status, 0) << result.err;
    std::vector<double> seconds;
    for (const auto& job : ReadJobs(dir_ / "alone/jobs.csv")) {
      seconds.push_back(Number(job, "compute_s"));
    }
    return seconds;
  }

  // A job whose work scales with its CPU quota up to one core: a start of 50 ms of CPU and
  // 0.4 us of CPU per byte, at `cpu` cores.
  static double CpuBoundSeconds(double bytes, double cpu) { return (0.05 + 4e-7 * bytes) / cpu; }

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

namespace twinprof::test {
namespace {

// The model file gives the same seconds whether `twinprof predict` or the simulator evaluates it,
// at every cpu of its training range (its features: the cpu, its inverse, the input size and
// their products, normalized).
TEST_F(ModelBehaviour, SimulatorAndPredictGiveTheSameSecondsAtEachCpu) {
  std::string model = TrainOnCpus("cpus", {0.25, 0.5, 1});
  std::vector<double> predicted = Predict(model, {{0.25, 3e5}, {0.5, 3e5}, {1, 3e5}});
  std::vector<double> simulated =
      SimulateAlone("{model: " + model + ", serial_fraction: 0.5}", 3e5, "0.25,0.5,1");
  ASSERT_EQ(predicted.size(), 3u);
  ASSERT_EQ(simulated.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(simulated[i], predicted[i], 1e-6 * predicted[i]) << "cpu #" << i;
  }
  // Not one number three times: the model follows the cpu (and fits the data).
  EXPECT_NEAR(predicted[0], CpuBoundSeconds(3e5, 0.25), 1e-3 * predicted[0]);
  EXPECT_NEAR(predicted[2], CpuBoundSeconds(3e5, 1), 1e-3 * predicted[2]);
}

// Beyond the cpus it was trained on, the model is not extrapolated: the simulator takes its
// seconds at the nearest trained cpu and scales them with the behaviour's serial fraction
// (Amdahl), as it does any work. Trained on cpu <= 1, where the job's time is work / cpu, a
// regression on 1/cpu would say twice as fast at 2 cores; with half the work serial the
// simulator says (0.5 + 0.5 / 2) of the time at 1 core.
TEST_F(ModelBehaviour, BeyondItsTrainingCpusTheSimulatorScalesTheModel) {
  std::string model = TrainOnCpus("cpus", {0.25, 0.5, 1});
  std::vector<double> predicted = Predict(model, {{1, 3e5}, {0.25, 3e5}});
  ASSERT_EQ(predicted.size(), 2u);
  std::vector<double> simulated =
      SimulateAlone("{model: " + model + ", serial_fraction: 0.5}", 3e5, "2,0.125");
  ASSERT_EQ(simulated.size(), 2u);
  EXPECT_NEAR(simulated[0], predicted[0] * (0.5 + 0.5 / 2), 1e-6 * predicted[0]);
  // Below the range: the time at 0.25 core, at half the quota.
  EXPECT_NEAR(simulated[1], predicted[1] * 0.25 / 0.125, 1e-6 * predicted[1]);
}

}  // namespace
}  // namespace twinprof::test
