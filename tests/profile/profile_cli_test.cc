// End-to-end tests of `twinprof profile` and `twinprof export` on the local backend: real scripts,
// real cgroups (skipped, saying why, where cgroups cannot be written), kill -9 and --resume.
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

#include "../cli/run_command.h"
#include "cgroup_probe.h"
#include "profile/cgroup.h"
#include "profile/results_store.h"

namespace twinprof {
namespace {

namespace fs = std::filesystem;
using testing::RunTwinprof;

std::string Data(const std::string& name) {
  return (fs::path(TWINPROF_SOURCE_DIR) / "tests/data/profile" / name).string();
}

class ProfileCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("twinprof-profile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string out() const { return (dir_ / "out").string(); }

  fs::path dir_;
};

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

TEST_F(ProfileCliTest, CpuQuotaHalvesTheSpeedOfCpuBoundWork) {
  Cgroups cgroups;
  std::string unwritable = test::WhyCgroupsAreNotWritable("cpu");
  if (!unwritable.empty()) {
    GTEST_SKIP() << "cgroups are not writable here, so CPU quotas cannot be enforced: "
                 << unwritable;
  }
  ASSERT_TRUE(cgroups.can_limit_cpu())
      << "cgroups are writable here, yet Cgroups cannot limit the CPU: " << cgroups.notes().front();
  auto result = RunTwinprof({"profile", Data("cpu-quota.yaml"), "-o", out(), "-q"});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  ResultsStore store = ResultsStore::OpenExisting(out());
  std::map<double, std::vector<double>> compute;
  for (const StoredJob& job : store.Jobs()) {
    ASSERT_TRUE(job.record.succeeded()) << job.record.failure_reason << ": " << job.log_tail;
    EXPECT_EQ(job.record.limits, "enforced");
    EXPECT_GT(job.record.cpu_time_s, 0);
    // CFS grants the quota per 100 ms period, so a job can burn one period's quota more than
    // cpu x its wall time (at 0.5 core, 0.25 s of CPU in 0.45 s was seen). Without the quota it
    // would burn 0.25 s in 0.27 s, far above this bound.
    EXPECT_LE(job.record.cpu_time_s, job.record.cpu * (job.record.compute_s() + 0.1) * 1.05 + 0.01)
        << "cpu " << job.record.cpu << ", compute_s " << job.record.compute_s();
    compute[job.record.cpu].push_back(job.record.compute_s());
  }
  ASSERT_EQ(compute[0.5].size(), 3u);
  ASSERT_EQ(compute[1.0].size(), 3u);
  double ratio = Mean(compute[0.5]) / Mean(compute[1.0]);
  EXPECT_NEAR(ratio, 2.0, 0.5) << "compute_s at 0.5 core: " << Mean(compute[0.5])
                               << " s, at 1 core: " << Mean(compute[1.0]) << " s";
}

TEST_F(ProfileCliTest, FailingJobsAreRecordedWithTheirReasonAndTheCampaignCompletes) {
  auto result = RunTwinprof({"profile", Data("failures.yaml"), "-o", out()});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("4 jobs, 3 failed"), std::string::npos) << result.out;
  ResultsStore store = ResultsStore::OpenExisting(out());
  std::map<std::string, StoredJob> jobs;
  for (const StoredJob& job : store.Jobs()) jobs[job.record.component] = job;
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_TRUE(jobs["ok"].record.succeeded());
  EXPECT_EQ(jobs["ok"].record.output_files, 1);

  EXPECT_EQ(jobs["fail"].record.status, "failed");
  EXPECT_EQ(jobs["fail"].record.failure_reason, "exit 3");
  EXPECT_NE(jobs["fail"].log_tail.find("fail.sh: something went wrong"), std::string::npos);

  EXPECT_EQ(jobs["slow"].record.status, "failed");
  EXPECT_EQ(jobs["slow"].record.failure_reason.rfind("timeout", 0), 0u)
      << jobs["slow"].record.failure_reason;
  EXPECT_NEAR(jobs["slow"].record.compute_s(), 6.0, 0.5);  // failures.yaml's job_timeout

  EXPECT_EQ(jobs["hog"].record.status, "failed");
  if (Cgroups().can_limit_memory()) {
    EXPECT_EQ(jobs["hog"].record.failure_reason.rfind("oom", 0), 0u)
        << jobs["hog"].record.failure_reason;
    EXPECT_EQ(jobs["hog"].record.limits, "enforced");
    EXPECT_LE(jobs["hog"].record.peak_memory_mb, 32.5);
  } else {
    // Without a memory cgroup nothing stops the hog; the record says the limit was not enforced.
    EXPECT_NE(jobs["hog"].record.limits.find("memory limit not enforced"), std::string::npos);
  }
  std::optional<RunRow> run = store.FindRun(0);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "finished");
  EXPECT_EQ(run->failed_jobs, 3);
}

// Every job of every planned run of tests/data/profile/resume.yaml: 6 inputs, 3 parts each.
std::set<std::pair<int, std::string>> ExpectedResumeJobs() {
  std::set<std::pair<int, std::string>> jobs;
  // Runs per configuration and repetition: workflow, single:split, single:work.
  for (int base = 0; base < 12; base += 3) {
    for (int i = 1; i <= 6; ++i) {
      std::string input = "input-" + std::to_string(i) + ".txt";
      jobs.insert({base, "split:" + input});
      jobs.insert({base + 1, "split:" + input});
      for (int part = 1; part <= 3; ++part) {
        std::string name = "work:" + input + "--part-" + std::to_string(part) + ".txt";
        jobs.insert({base, name});
        jobs.insert({base + 2, name});
      }
    }
  }
  return jobs;
}

int CountCommittedJobs(const std::string& dir) {
  try {
    if (!fs::exists(fs::path(dir) / "results.sqlite")) return 0;
    ResultsStore store = ResultsStore::OpenExisting(dir);
    return static_cast<int>(store.Jobs().size());
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

// Starts `twinprof profile` and SIGKILLs it once `jobs` jobs are committed.
void RunAndKill(const std::vector<std::string>& args, const std::string& dir, int jobs) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = TWINPROF_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (CountCommittedJobs(dir) < jobs && std::chrono::steady_clock::now() < deadline) {
    int status;
    if (::waitpid(pid, &status, WNOHANG) == pid) FAIL() << "twinprof ended before it was killed";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST_F(ProfileCliTest, KilledMidCampaignThenResumedHasEveryJobExactlyOnce) {
  std::vector<std::string> args = {"profile", Data("resume.yaml"), "-o", out(), "-q"};
  RunAndKill(args, out(), 7);  // inside the first run
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  RunAndKill(resume, out(), 60);  // inside a later run
  RunAndKill(resume, out(), 130);
  auto result = RunTwinprof(resume);
  ASSERT_EQ(result.exit_status, 0) << result.err;

  ResultsStore store = ResultsStore::OpenExisting(out());
  std::vector<RunRow> runs = store.Runs();
  ASSERT_EQ(runs.size(), 12u);
  for (const RunRow& run : runs) EXPECT_EQ(run.status, "finished") << run.run_id;
  std::multiset<std::pair<int, std::string>> found;
  for (const StoredJob& job : store.Jobs()) {
    EXPECT_TRUE(job.record.succeeded()) << job.record.job_id << ": " << job.log_tail;
    found.insert({job.record.run_id, job.record.job_id});
  }
  std::set<std::pair<int, std::string>> expected = ExpectedResumeJobs();
  EXPECT_EQ(found.size(), expected.size());
  for (const auto& job : expected) {
    EXPECT_EQ(found.count(job), 1u) << "run " << job.first << " " << job.second;
  }
  // A resumed campaign is not silently restarted, nor resumed with another campaign.
  auto again = RunTwinprof(args);
  EXPECT_EQ(again.exit_status, 2);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;
  auto other = RunTwinprof({"profile", Data("failures.yaml"), "-o", out(), "--resume"});
  EXPECT_EQ(other.exit_status, 2);
}

TEST_F(ProfileCliTest, ExportsJobsAndRunsAsCsv) {
  ASSERT_EQ(RunTwinprof({"profile", Data("resume.yaml"), "-o", out(), "-q"}).exit_status, 0);
  std::string csv = (dir_ / "jobs.csv").string();
  auto jobs = RunTwinprof({"export", out(), "--jobs", "--component", "work", "-o", csv});
  ASSERT_EQ(jobs.exit_status, 0) << jobs.err;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("campaign,run_id,repetition,component,job_id,", 0), 0u) << header;
  EXPECT_NE(header.find(",mode,input,input.n,split.cpu,split.memory_mb,split.parallelism,work.cpu"),
            std::string::npos)
      << header;
  int rows = 0;
  for (std::string line; std::getline(in, line);) ++rows;
  EXPECT_EQ(rows, 4 * 18 * 2);  // work jobs of the workflow runs and of the single runs

  auto target = RunTwinprof(
      {"export", out(), "--jobs", "--component", "work", "--target", "compute_s", "-o", "-"});
  ASSERT_EQ(target.exit_status, 0) << target.err;
  std::istringstream lines(target.out);
  std::getline(lines, header);
  EXPECT_EQ(header,
            "input.n,split.cpu,split.memory_mb,split.parallelism,work.cpu,work.memory_mb,"
            "work.parallelism,input_bytes,compute_s");
  auto runs = RunTwinprof({"export", out(), "--runs", "--target", "makespan_s", "-o", "-"});
  ASSERT_EQ(runs.exit_status, 0) << runs.err;
  EXPECT_EQ(std::count(runs.out.begin(), runs.out.end(), '\n'), 1 + 12);

  EXPECT_EQ(RunTwinprof({"export", out(), "--jobs", "--target", "nope", "-o", "-"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({"export", out(), "--jobs", "--component", "x", "-o", "-"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({"export", dir_.string(), "--jobs", "-o", "-"}).exit_status, 2);
}

TEST_F(ProfileCliTest, DryRunPrintsThePlanAndAnEstimateOnceDataExist) {
  auto before = RunTwinprof({"profile", Data("resume.yaml"), "-o", out(), "--dry-run"});
  ASSERT_EQ(before.exit_status, 0) << before.err;
  EXPECT_NE(before.out.find("runs: 12 (4 whole-workflow, 8 single-component)"), std::string::npos)
      << before.out;
  EXPECT_NE(before.out.find("no measurements"), std::string::npos);
  EXPECT_FALSE(fs::exists(out()));
  ASSERT_EQ(RunTwinprof({"profile", Data("resume.yaml"), "-o", out(), "-q"}).exit_status, 0);
  auto after = RunTwinprof({"profile", Data("resume.yaml"), "-o", out(), "--dry-run"});
  EXPECT_NE(after.out.find("measured: 12 finished runs"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("0 to go"), std::string::npos) << after.out;
}

}  // namespace
}  // namespace twinprof
