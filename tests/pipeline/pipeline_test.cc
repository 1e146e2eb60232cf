// End-to-end tests of `twinprof run`: steps run once and are skipped while their inputs do not
// change, a changed input reruns its step and the later ones, --only and --from, the training
// split of the export step, and kill -9 in the middle of profiling followed by a rerun.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "../profile/kill_while_profiling.h"
#include "../subprocess.h"
#include "profile/results_store.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("twinprof-pipeline-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    // A copy of the test data, so that a test can change an input.
    fs::create_directories(dir_ / "data");
    for (const char* folder : {"pipeline", "profile"}) {
      fs::copy(fs::path(TWINPROF_SOURCE_DIR) / "tests/data" / folder, dir_ / "data" / folder,
               fs::copy_options::recursive);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Pipeline(const std::string& name = "pipeline.yaml") const {
    return (dir_ / "data/pipeline" / name).string();
  }
  std::string out() const { return (dir_ / "out").string(); }

  fs::path dir_;
};

// The status of each step in the brief report ("  train     ran   0.4s").
std::map<std::string, std::string> StepStatuses(const std::string& report) {
  std::map<std::string, std::string> statuses;
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);) {
    for (const char* step :
         {"profile", "export", "train", "calibrate", "validate", "simulate", "explore", "report"}) {
      std::string prefix = std::string("  ") + step + " ";
      if (line.rfind(prefix, 0) != 0) continue;
      for (const char* status : {"ran", "up to date", "not configured", "failed", "interrupted",
                                 "not reached", "not selected"}) {
        if (line.find(std::string(" ") + status, prefix.size() - 1) != std::string::npos) {
          statuses[step] = status;
          break;
        }
      }
    }
  }
  return statuses;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(PipelineTest, RunsEachStepOnceAndSkipsStepsWhoseInputsDidNotChange) {
  auto first = RunTwinprof({"run", Pipeline(), "-o", out()});
  std::map<std::string, std::string> statuses = StepStatuses(first.out);
  EXPECT_EQ(statuses["profile"], "ran") << first.out << first.err;
  EXPECT_EQ(statuses["export"], "ran");
  EXPECT_EQ(statuses["train"], "ran");
  EXPECT_EQ(statuses["calibrate"], "not configured");
  for (const char* step : {"profile", "export", "train"}) {
    EXPECT_TRUE(fs::exists(fs::path(out()) / step / "step.json")) << step;
    EXPECT_TRUE(fs::exists(fs::path(out()) / step / "commands.txt")) << step;
  }
  EXPECT_TRUE(fs::exists(fs::path(out()) / "train/work/best.model"));
  EXPECT_TRUE(fs::exists(fs::path(out()) / "train/split/best.model"));

  auto second = RunTwinprof({"run", Pipeline(), "-o", out()});
  statuses = StepStatuses(second.out);
  for (const char* step : {"profile", "export", "train"}) {
    EXPECT_EQ(statuses[step], "up to date") << step << "\n" << second.out;
  }

  // A changed model configuration reruns train, not the steps before it.
  std::ofstream(dir_ / "data/pipeline/train.ini", std::ios::app) << "# changed\n";
  auto third = RunTwinprof({"run", Pipeline(), "-o", out()});
  statuses = StepStatuses(third.out);
  EXPECT_EQ(statuses["profile"], "up to date") << third.out;
  EXPECT_EQ(statuses["export"], "up to date");
  EXPECT_EQ(statuses["train"], "ran");

  // --only reruns one step; --from reruns a step and every later one.
  auto only = RunTwinprof({"run", Pipeline(), "-o", out(), "--only", "export"});
  statuses = StepStatuses(only.out);
  EXPECT_EQ(statuses["profile"], "not selected") << only.out;
  EXPECT_EQ(statuses["export"], "ran");
  EXPECT_EQ(statuses["train"], "not selected");
  auto from = RunTwinprof({"run", Pipeline(), "-o", out(), "--from", "export"});
  statuses = StepStatuses(from.out);
  EXPECT_EQ(statuses["profile"], "up to date") << from.out;
  EXPECT_EQ(statuses["export"], "ran");
  EXPECT_EQ(statuses["train"], "ran");
}

TEST_F(PipelineTest, ExportKeepsOnlyTheTrainingConfigurationsForTraining) {
  auto result = RunTwinprof({"run", Pipeline(), "-o", out(), "--only", "profile"});
  ASSERT_EQ(StepStatuses(result.out)["profile"], "ran") << result.out << result.err;
  result = RunTwinprof({"run", Pipeline(), "-o", out(), "--only", "export"});
  ASSERT_EQ(StepStatuses(result.out)["export"], "ran") << result.out << result.err;
  // work: 2 configurations with parallelism 1 of the 4, 9 jobs each; split: 3 jobs each.
  std::vector<std::string> all = Lines(out() + "/export/work.compute_s.all.csv");
  std::vector<std::string> training = Lines(out() + "/export/work.compute_s.csv");
  ASSERT_EQ(all.size(), 1u + 36u);
  ASSERT_EQ(training.size(), 1u + 18u);
  EXPECT_EQ(training[0], all[0]);
  // Every training row is a row of the full export, byte for byte, with work.parallelism 1.
  std::set<std::string> all_rows(all.begin() + 1, all.end());
  std::vector<std::string> header;
  std::istringstream names(training[0]);
  for (std::string name; std::getline(names, name, ',');) header.push_back(name);
  size_t column = std::find(header.begin(), header.end(), "work.parallelism") - header.begin();
  ASSERT_LT(column, header.size()) << training[0];
  for (size_t i = 1; i < training.size(); ++i) {
    EXPECT_EQ(all_rows.count(training[i]), 1u) << training[i];
    std::vector<std::string> fields;
    std::istringstream row(training[i]);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    EXPECT_EQ(fields[column], "1") << training[i];
  }
  EXPECT_EQ(Lines(out() + "/export/split.compute_s.csv").size(), 1u + 6u);
  EXPECT_EQ(Lines(out() + "/export/training-jobs.csv").size(), 1u + 24u);
}

TEST_F(PipelineTest, OnlyAStepWhoseInputsAreMissingIsRefused) {
  auto result = RunTwinprof({"run", Pipeline(), "-o", out(), "--only", "train"});
  EXPECT_EQ(result.exit_status, 2) << result.out;
  EXPECT_NE(result.err.find("step train reads the outputs of step export"), std::string::npos)
      << result.err;
  result = RunTwinprof({"run", Pipeline(), "-o", out(), "--only", "nonsense"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("--only nonsense: no such step"), std::string::npos) << result.err;
}

TEST_F(PipelineTest, BadPipelineFilesNameTheFileAndLine) {
  std::ofstream(dir_ / "bad.yaml") << "campaign: data/pipeline/campaign.yaml\n"
                                      "train_where: [work.parallelism<<1]\n";
  auto result = RunTwinprof({"run", (dir_ / "bad.yaml").string(), "-o", out()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("bad.yaml:2:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("expected a condition"), std::string::npos) << result.err;

  std::ofstream(dir_ / "missing.yaml") << "name: x\ncampaign: nowhere.yaml\n";
  result = RunTwinprof({"run", (dir_ / "missing.yaml").string(), "-o", out()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("missing.yaml:2:11: error: campaign 'nowhere.yaml' is not a file"),
            std::string::npos)
      << result.err;

  std::ofstream(dir_ / "unknown.yaml") << "campaign: data/pipeline/campaign.yaml\nplan: 3\n";
  result = RunTwinprof({"run", (dir_ / "unknown.yaml").string(), "-o", out()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("unknown.yaml:2:"), std::string::npos) << result.err;
}

TEST_F(PipelineTest, KilledWhileProfilingThenRerunHasEveryJobExactlyOnce) {
  std::vector<std::string> args = {"run", Pipeline("pipeline-resume.yaml"), "-o", out()};
  std::string profile = out() + "/profile";
  RunAndKill(args, profile, 7);
  RunAndKill(args, profile, 60);
  auto result = RunTwinprof(args);
  EXPECT_EQ(StepStatuses(result.out)["profile"], "ran") << result.out << result.err;
  std::ifstream commands(profile + "/commands.txt");
  std::string text((std::istreambuf_iterator<char>(commands)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--resume"), std::string::npos) << text;

  profile::ResultsStore store = profile::ResultsStore::OpenExisting(profile);
  std::vector<profile::RunRow> runs = store.Runs();
  ASSERT_EQ(runs.size(), 12u);
  for (const profile::RunRow& run : runs) EXPECT_EQ(run.status, "finished") << run.run_id;
  std::multiset<std::pair<int, std::string>> found;
  for (const profile::StoredJob& job : store.Jobs()) {
    EXPECT_TRUE(job.record.succeeded()) << job.record.job_id << ": " << job.log_tail;
    found.insert({job.record.run_id, job.record.job_id});
  }
  // 12 runs: per configuration (work.parallelism 1, 2) and repetition (2): the workflow run
  // (6 split jobs, 18 work jobs), split alone (6) and work alone (18): 192 jobs.
  EXPECT_EQ(found.size(), 192u);
  std::set<std::pair<int, std::string>> distinct(found.begin(), found.end());
  EXPECT_EQ(distinct.size(), found.size()) << "a job was recorded twice";
}

TEST(PipelineFormats, DocsQuoteTheExamplePipelineVerbatim) {
  auto read = [](const fs::path& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  std::string docs = read(fs::path(TWINPROF_SOURCE_DIR) / "docs/formats.md");
  std::string example = read(fs::path(TWINPROF_SOURCE_DIR) / "tests/data/pipeline/pipeline.yaml");
  EXPECT_NE(docs.find("### tests/data/pipeline/pipeline.yaml\n\n```yaml\n" + example + "```"),
            std::string::npos);
}

}  // namespace
}  // namespace twinprof::test
