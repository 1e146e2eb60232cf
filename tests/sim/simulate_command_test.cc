// End-to-end: `twinprof simulate` on the documented example, its outputs and their determinism.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../subprocess.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

const std::string kExample = "experiments/sim/edge-cloud/scenario.yaml";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SimulateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-simulate-" + std::to_string(getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Out(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(SimulateCommand, WritesJobsRunsAndSummary) {
  auto result = RunTwinprof({"simulate", kExample, "-o", Out("a"), "--set", "workload.files=20"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("edge-cloud: 260 jobs"), std::string::npos) << result.out;
  std::string jobs = Slurp(dir_ / "a/jobs.csv");
  EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 1 + 20 + 20 * 12);
  EXPECT_NE(jobs.find(",sim,"), std::string::npos);
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ / "a/summary.json"));
  EXPECT_EQ(summary["jobs"], 260);
  EXPECT_GT(summary["makespan_s"].get<double>(), 0);
  EXPECT_EQ(summary["components"]["mask-detector"]["jobs"], 240);
  EXPECT_EQ(summary["nodes"].size(), 3u + 4u);
  std::string runs = Slurp(dir_ / "a/runs.csv");
  EXPECT_EQ(runs.rfind("run_id,workload.files,jobs,makespan_s,cost,image_pulls", 0), 0u) << runs;
}

TEST_F(SimulateCommand, SameSeedSameBytesOtherSeedOtherBytes) {
  for (const char* name : {"a", "b", "c"}) {
    auto result = RunTwinprof({"simulate", kExample, "-o", Out(name), "--set", "workload.files=30",
                               "--seed", name[0] == 'c' ? "8" : "7"});
    ASSERT_EQ(result.exit_status, 0) << result.err;
  }
  EXPECT_EQ(Slurp(dir_ / "a/jobs.csv"), Slurp(dir_ / "b/jobs.csv"));
  EXPECT_NE(Slurp(dir_ / "a/jobs.csv"), Slurp(dir_ / "c/jobs.csv"));
}

TEST_F(SimulateCommand, SweepIsIdenticalAcrossParallelRuns) {
  for (const char* j : {"1", "3"}) {
    auto result = RunTwinprof({"-v", "simulate", kExample, "-o", Out(std::string("j") + j), "--set",
                               "workload.files=10", "--sweep",
                               "resources.mask-detector.parallelism=1,2,4", "-j", j});
    ASSERT_EQ(result.exit_status, 0) << result.err;
    EXPECT_NE(result.out.find("3 runs"), std::string::npos) << result.out;
  }
  std::string one = Slurp(dir_ / "j1/jobs.csv");
  EXPECT_EQ(one, Slurp(dir_ / "j3/jobs.csv"));
  EXPECT_EQ(Slurp(dir_ / "j1/runs.csv"), Slurp(dir_ / "j3/runs.csv"));
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 1 + 3 * (10 + 120));
  nlohmann::json summary = nlohmann::json::parse(Slurp(dir_ / "j3/summary.json"));
  ASSERT_EQ(summary["runs"].size(), 3u);
  // More detector slots, shorter (or equal) makespan.
  double m1 = summary["runs"][0]["makespan_s"], m4 = summary["runs"][2]["makespan_s"];
  EXPECT_LE(m4, m1);
  EXPECT_TRUE(fs::exists(dir_ / "j3/run-2/jobs.csv"));
}

// Several --sweep keys: the grid of their values, the last key fastest; YAML lists stay whole.
TEST_F(SimulateCommand, SweepOfSeveralKeysRunsTheGrid) {
  auto result = RunTwinprof({"simulate", kExample, "-o", Out("grid"), "--set", "workload.files=4",
                             "--sweep", "resources.mask-detector.parallelism=1,4", "--sweep",
                             "workload.input_size={values: [10MB, 20MB]},5MB,8MB", "-j", "2"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("6 runs"), std::string::npos) << result.out;
  std::istringstream runs(Slurp(dir_ / "grid/runs.csv"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(runs, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("run_id,workload.files,resources.mask-detector.parallelism,"
                           "workload.input_size,jobs,",
                           0),
            0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("1,4,1,\"{values: [10MB, 20MB]}\",", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("2,4,1,5MB,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[4].rfind("4,4,4,\"{values: [10MB, 20MB]}\",", 0), 0u) << lines[4];
  EXPECT_TRUE(fs::exists(dir_ / "grid/run-6/summary.json"));
  result = RunTwinprof({"simulate", kExample, "-o", Out("twice"), "--sweep", "workload.files=1,2",
                        "--sweep", "workload.files=3"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("swept twice"), std::string::npos) << result.err;
}

// An earlier simulation in the output folder is refused; --force replaces it whole (no stale
// run-<i>/ folder of a sweep stays beside a later single run), leaving other files alone.
TEST_F(SimulateCommand, RefusesAnEarlierSimulationUnlessForced) {
  auto sweep = RunTwinprof({"simulate", kExample, "-o", Out("s"), "--set", "workload.files=4",
                            "--sweep", "resources.mask-detector.parallelism=1,2"});
  ASSERT_EQ(sweep.exit_status, 0) << sweep.err;
  ASSERT_TRUE(fs::exists(dir_ / "s/run-2/jobs.csv"));
  std::ofstream(dir_ / "s/notes.txt") << "mine\n";
  std::string before = Slurp(dir_ / "s/runs.csv");

  auto again = RunTwinprof({"simulate", kExample, "-o", Out("s"), "--set", "workload.files=4"});
  EXPECT_EQ(again.exit_status, 2) << again.err;
  EXPECT_NE(again.err.find(Out("s") + ": error: this folder holds an earlier simulation"),
            std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(Slurp(dir_ / "s/runs.csv"), before);  // untouched

  auto forced =
      RunTwinprof({"simulate", kExample, "-o", Out("s"), "--set", "workload.files=4", "--force"});
  ASSERT_EQ(forced.exit_status, 0) << forced.err;
  EXPECT_FALSE(fs::exists(dir_ / "s/run-1"));
  EXPECT_FALSE(fs::exists(dir_ / "s/run-2"));
  EXPECT_EQ(Slurp(dir_ / "s/notes.txt"), "mine\n");
  std::string runs = Slurp(dir_ / "s/runs.csv");
  EXPECT_EQ(std::count(runs.begin(), runs.end(), '\n'), 2) << runs;
  EXPECT_EQ(runs.rfind("run_id,workload.files,jobs,", 0), 0u) << runs;

  // A file where the folder should be.
  std::ofstream(dir_ / "file") << "x";
  auto file = RunTwinprof({"simulate", kExample, "-o", Out("file"), "--force"});
  EXPECT_EQ(file.exit_status, 2) << file.err;
  EXPECT_NE(file.err.find("not a folder"), std::string::npos) << file.err;
}

TEST_F(SimulateCommand, CheckKnowsScenarios) {
  auto result = RunTwinprof({"check", kExample});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("(scenario, 2 components on 2 clusters, 200 input files)"),
            std::string::npos)
      << result.out;
  result = RunTwinprof({"check", "tests/data/bad/scenario/unknown_cluster.yaml"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("unknown_cluster.yaml:6:"), std::string::npos) << result.err;
}

// Errors in flags name the flag (and the key), not "<input>" nor the scenario's first line.
TEST_F(SimulateCommand, BadFlagsExitTwoNamingTheFlag) {
  auto novalue = RunTwinprof({"simulate", kExample, "-o", Out("x"), "--set", "novalue"});
  EXPECT_EQ(novalue.exit_status, 2);
  EXPECT_EQ(novalue.err, "--set novalue: error: expected key=value\n");
  auto empty = RunTwinprof({"simulate", kExample, "-o", Out("x"), "--sweep", "workload.files="});
  EXPECT_EQ(empty.exit_status, 2);
  EXPECT_EQ(empty.err, "--sweep workload.files=: error: empty value\n");
  auto jobs = RunTwinprof({"simulate", kExample, "-o", Out("x"), "-j", "0"});
  EXPECT_EQ(jobs.exit_status, 2) << jobs.err;
  EXPECT_EQ(jobs.err, "-j: error: must be at least 1\n");
  auto files = RunTwinprof({"simulate", kExample, "-o", Out("x"), "--set", "workload.files=abc"});
  EXPECT_EQ(files.exit_status, 2) << files.err;
  EXPECT_EQ(files.err.rfind("--set workload.files=abc: error: ", 0), 0u) << files.err;
  EXPECT_EQ(files.err.find("scenario.yaml"), std::string::npos) << files.err;
  // A bad value inside a map given by --set: the flag too.
  auto nested = RunTwinprof(
      {"simulate", kExample, "-o", Out("x"), "--set", "resources.mask-detector={cpu: lots}"});
  EXPECT_EQ(nested.exit_status, 2) << nested.err;
  EXPECT_EQ(nested.err.rfind("--set resources.mask-detector={cpu: lots}: error: ", 0), 0u)
      << nested.err;
  EXPECT_NE(nested.err.find("cpu"), std::string::npos) << nested.err;
  EXPECT_EQ(nested.err.find("<input>"), std::string::npos) << nested.err;
}

// The columns of a jobs.csv (no field holds a comma): one map per job.
std::vector<std::map<std::string, std::string>> JobRows(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> job;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) job[header[i]] = fields[i];
    rows.push_back(job);
  }
  return rows;
}

// --set and --sweep take the names a campaign gives its run parameters (COMPONENT.cpu, ...):
// they change the deployment as the scenario's own keys do, and jobs.csv records them under
// those names.
TEST_F(SimulateCommand, RunParametersAreNamedAsACampaignNamesThem) {
  auto named = RunTwinprof({"simulate", kExample, "-o", Out("named"), "--set", "workload.files=6",
                            "--set", "blurry-faces.cpu=1", "--set", "mask-detector.parallelism=3",
                            "--set", "mask-detector.memory_mb=512", "--set", "input.seconds=2",
                            "--sweep", "mask-detector.cpu=1.5,0.5"});
  ASSERT_EQ(named.exit_status, 0) << named.err;
  std::vector<std::map<std::string, std::string>> jobs = JobRows(Slurp(dir_ / "named/jobs.csv"));
  ASSERT_EQ(jobs.size(), 2u * (6 + 6 * 12));
  for (const auto& job : jobs) {
    EXPECT_EQ(job.at("workload.files"), "6");
    EXPECT_EQ(job.at("blurry-faces.cpu"), "1");
    EXPECT_EQ(job.at("input.seconds"), "2");
    EXPECT_EQ(job.at("mask-detector.memory_mb"), "512");
    if (job.at("component") == "blurry-faces") {
      EXPECT_EQ(job.at("cpu"), "1");
      continue;
    }
    // The cpu limit (the scenario's request of 1 core capped at it), memory and slots.
    EXPECT_EQ(job.at("cpu"), job.at("run_id") == "1" ? "1.5" : "0.5") << job.at("job_id");
    EXPECT_EQ(job.at("mask-detector.cpu"), job.at("cpu"));
    EXPECT_EQ(job.at("memory_mb"), "512");
    EXPECT_EQ(job.at("parallelism"), "3");
  }
  // The scenario's own keys for the same configuration: the same simulation.
  auto keys = RunTwinprof(
      {"simulate", kExample, "-o", Out("keys"), "--set", "workload.files=6", "--set",
       "resources.blurry-faces.cpu=1", "--set", "resources.mask-detector.parallelism=3", "--set",
       "resources.mask-detector.memory=512Mi", "--set", "resources.mask-detector.cpu_limit=1.5"});
  ASSERT_EQ(keys.exit_status, 0) << keys.err;
  nlohmann::json by_name = nlohmann::json::parse(Slurp(dir_ / "named/run-1/summary.json"));
  nlohmann::json by_key = nlohmann::json::parse(Slurp(dir_ / "keys/summary.json"));
  EXPECT_EQ(by_name["makespan_s"], by_key["makespan_s"]);
  EXPECT_EQ(by_name["components"], by_key["components"]);
  EXPECT_EQ(by_name["nodes"], by_key["nodes"]);
}

// A key that is neither a scenario key nor a run parameter, a value that is not one, or a
// parameter the simulator cannot set: exit 2 naming the flag and the key.
TEST_F(SimulateCommand, BadRunParametersExitTwoNamingTheKey) {
  auto expect_refused = [&](const std::vector<std::string>& flags, const std::string& prefix,
                            const std::string& piece) {
    std::vector<std::string> args = {"simulate", kExample, "-o", Out("bad")};
    args.insert(args.end(), flags.begin(), flags.end());
    auto result = RunTwinprof(args);
    EXPECT_EQ(result.exit_status, 2) << result.err;
    EXPECT_EQ(result.err.rfind(prefix + ": error: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(piece), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(dir_ / "bad/jobs.csv"));
  };
  expect_refused({"--set", "mask-detector.cpus=2"}, "--set mask-detector.cpus=2",
                 "'mask-detector.cpus' is neither a key of scenario " + kExample);
  expect_refused({"--sweep", "mask-detecter.cpu=1,2"}, "--set mask-detecter.cpu=1",
                 "for the components blurry-faces, mask-detector");
  expect_refused({"--sweep", "mask-detector.cpu=1,lots"}, "--set mask-detector.cpu=lots",
                 "a cpu is a number of cores");
  expect_refused({"--set", "mask-detector.cpu=500m"}, "--set mask-detector.cpu=500m",
                 "0.5, not 500m");
  expect_refused({"--set", "mask-detector.parallelism=1.5"}, "--set mask-detector.parallelism=1.5",
                 "parallelism is a whole number");
  expect_refused({"--set", "mask-detector.memory_mb=0"}, "--set mask-detector.memory_mb=0",
                 "memory_mb is a number of MiB > 0");
  expect_refused({"--set", "mask-detector.cpuset=0-1"}, "--set mask-detector.cpuset=0-1",
                 "does not model cpusets");
}

}  // namespace
}  // namespace twinprof::test
