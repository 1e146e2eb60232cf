// The results store: runs are atomic, jobs are committed one by one, unfinished runs are discarded.
#include "profile/results_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace twinprof {
namespace {

namespace fs = std::filesystem;

class ResultsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-store-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static JobRecord Job(int run_id, const std::string& job_id) {
    JobRecord r;
    r.campaign = "c";
    r.run_id = run_id;
    r.component = "burn";
    r.job_id = job_id;
    r.source = "local";
    r.cpu = 0.5;
    r.t_submit = 1;
    r.t_exec_start = 1.5;
    r.t_exec_end = 3.25;
    r.t_finish = 3.5;
    r.parameters = {{"burn.cpu", "0.5"}};
    return r;
  }
  static RunRow Run(int run_id) {
    RunRow run;
    run.run_id = run_id;
    run.run_key = "key" + std::to_string(run_id);
    run.parameters = {{"burn.cpu", "0.5"}};
    return run;
  }

  fs::path dir_;
};

TEST_F(ResultsStoreTest, RoundTripsJobsAndRuns) {
  {
    ResultsStore store = ResultsStore::Open(dir_.string());
    store.SetMeta("campaign", "c");
    store.BeginRun(Run(0));
    JobRecord failed = Job(0, "burn:b");
    failed.status = "failed";
    failed.failure_reason = "exit 3";
    store.CommitJob(Job(0, "burn:a"), "");
    store.CommitJob(failed, "boom\nline 2");
    RunRow run = Run(0);
    run.jobs = 2;
    run.failed_jobs = 1;
    run.makespan_s = 2.5;
    run.component_inputs = {{"burn", {"/x/a", "/x/b"}}};
    store.FinishRun(run);
  }
  ResultsStore store = ResultsStore::OpenExisting(dir_.string());
  EXPECT_EQ(store.GetMeta("campaign"), "c");
  std::vector<StoredJob> jobs = store.Jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].record.job_id, "burn:a");
  EXPECT_DOUBLE_EQ(jobs[0].record.compute_s(), 1.75);
  EXPECT_TRUE(std::isnan(jobs[0].record.cpu_time_s));
  EXPECT_EQ(jobs[1].record.failure_reason, "exit 3");
  EXPECT_EQ(jobs[1].log_tail, "boom\nline 2");
  EXPECT_EQ(jobs[1].record.parameters, Job(0, "").parameters);
  std::optional<RunRow> run = store.FindRun(0);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "finished");
  EXPECT_EQ(run->failed_jobs, 1);
  EXPECT_EQ(run->component_inputs.at("burn").size(), 2u);
}

TEST_F(ResultsStoreTest, DiscardsUnfinishedRunsAndRejectsDuplicates) {
  ResultsStore store = ResultsStore::Open(dir_.string());
  store.BeginRun(Run(0));
  store.CommitJob(Job(0, "burn:a"), "");
  store.FinishRun(Run(0));
  store.BeginRun(Run(1));
  store.CommitJob(Job(1, "burn:a"), "");
  EXPECT_THROW(store.CommitJob(Job(1, "burn:a"), ""), std::runtime_error);
  EXPECT_EQ(store.DiscardUnfinishedRuns(), 1);
  EXPECT_EQ(store.CountJobs(0), 1);
  EXPECT_EQ(store.CountJobs(1), 0);
  EXPECT_FALSE(store.FindRun(1));
  // Beginning a run again wipes what it left.
  store.BeginRun(Run(0));
  EXPECT_EQ(store.CountJobs(0), 0);
}

TEST_F(ResultsStoreTest, OpenExistingNeedsAStore) {
  EXPECT_THROW(ResultsStore::OpenExisting(dir_.string()), InputError);
  fs::create_directories(dir_);
  {
    std::ofstream junk(dir_ / "results.sqlite");
    junk << "not a database at all, just some text that is long enough to be a header";
  }
  EXPECT_THROW(ResultsStore::OpenExisting(dir_.string()), InputError);
}

}  // namespace
}  // namespace twinprof
