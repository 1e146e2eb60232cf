// The results store: runs are atomic, jobs are committed one by one, unfinished runs are discarded.
#include "profile/results_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../core/full_job_record.h"
#include "core/error.h"
#include "core/yaml_file.h"

namespace twinprof::test {
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
  // A fresh store with the plan's parameter declared (as profile does before any run).
  static profile::ResultsStore OpenDeclared(const fs::path& dir) {
    profile::ResultsStore store = profile::ResultsStore::Open(dir.string());
    store.RecordPlan({{"burn.cpu", ParameterType::kNumber}}, {});
    return store;
  }
  static profile::RunRow Run(int run_id) {
    profile::RunRow run;
    run.run_id = run_id;
    run.run_key = "key" + std::to_string(run_id);
    run.parameters = {{"burn.cpu", "0.5"}};
    return run;
  }

  fs::path dir_;
};

TEST_F(ResultsStoreTest, RoundTripsJobsAndRuns) {
  {
    profile::ResultsStore store = OpenDeclared(dir_);
    store.SetMeta("campaign", "c");
    store.BeginRun(Run(0));
    JobRecord failed = Job(0, "burn:b");
    failed.status = "failed";
    failed.failure_reason = "exit 3";
    store.CommitJob(Job(0, "burn:a"), "");
    store.CommitJob(failed, "boom\nline 2");
    profile::RunRow run = Run(0);
    run.jobs = 2;
    run.failed_jobs = 1;
    run.makespan_s = 2.5;
    run.component_inputs = {{"burn", {"/x/a", "/x/b"}}};
    store.FinishRun(run);
  }
  profile::ResultsStore store = profile::ResultsStore::OpenExisting(dir_.string());
  EXPECT_EQ(store.GetMeta("campaign"), "c");
  std::vector<profile::StoredJob> jobs = store.Jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].record.job_id, "burn:a");
  EXPECT_DOUBLE_EQ(jobs[0].record.compute_s(), 1.75);
  EXPECT_TRUE(std::isnan(jobs[0].record.cpu_time_s));
  EXPECT_EQ(jobs[1].record.failure_reason, "exit 3");
  EXPECT_EQ(jobs[1].log_tail, "boom\nline 2");
  EXPECT_EQ(jobs[1].record.parameters, Job(0, "").parameters);
  std::optional<profile::RunRow> run = store.FindRun(0);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "finished");
  EXPECT_EQ(run->failed_jobs, 1);
  EXPECT_EQ(run->component_inputs.at("burn").size(), 2u);
}

TEST_F(ResultsStoreTest, DiscardsUnfinishedRunsAndRejectsDuplicates) {
  profile::ResultsStore store = OpenDeclared(dir_);
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
  EXPECT_THROW(profile::ResultsStore::OpenExisting(dir_.string()), InputError);
  fs::create_directories(dir_);
  {
    std::ofstream junk(dir_ / "results.sqlite");
    junk << "not a database at all, just some text that is long enough to be a header";
  }
  EXPECT_THROW(profile::ResultsStore::OpenExisting(dir_.string()), InputError);
}

// Runs `sql` on DIR/results.sqlite with SQLite itself; returns the rows, cells joined by '|'.
std::vector<std::string> Sql(const fs::path& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((dir / "results.sqlite").c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  auto collect = [](void* out, int n, char** cells, char**) {
    std::string row;
    for (int i = 0; i < n; ++i) row += std::string(i ? "|" : "") + (cells[i] ? cells[i] : "NULL");
    static_cast<std::vector<std::string>*>(out)->push_back(row);
    return 0;
  };
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), collect, &rows, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
  return rows;
}

// Every one of the 28 fields comes back as it went in, NaN as NaN.
TEST_F(ResultsStoreTest, RoundTripsAllFields) {
  JobRecord full = test::FullJobRecord();
  JobRecord sparse = test::FullJobRecord();
  sparse.job_id = "grayify:clip-4.mp4";
  sparse.input_bytes = kNotMeasured;
  sparse.output_bytes = kNotMeasured;
  sparse.cpu_time_s = kNotMeasured;
  sparse.throttled_fraction = kNotMeasured;
  sparse.peak_memory_mb = kNotMeasured;
  sparse.t_finish = 0.1 + 0.2 + 1e6;
  {
    profile::ResultsStore store = profile::ResultsStore::Open(dir_.string());
    store.RecordPlan({{"grayify.cpu", ParameterType::kNumber}, {"input", ParameterType::kText}},
                     {{7, full.parameters}});
    profile::RunRow run = Run(7);
    run.parameters = full.parameters;
    store.BeginRun(run);
    store.CommitJob(full, "tail");
    store.CommitJob(sparse, "");
  }
  std::vector<profile::StoredJob> jobs = profile::ResultsStore::OpenExisting(dir_.string()).Jobs();
  ASSERT_EQ(jobs.size(), 2u);
  test::ExpectSameRecord(jobs[0].record, full);
  test::ExpectSameRecord(jobs[1].record, sparse);
  EXPECT_EQ(jobs[0].log_tail, "tail");
  // Stored under their own names: not a column shifted by one.
  EXPECT_EQ(Sql(dir_, "SELECT node, node_type, cluster, cpu_time_s, limits FROM jobs ORDER BY seq"),
            (std::vector<std::string>{"rpi-4|rpi4|edge|6.125|" + full.limits,
                                      "rpi-4|rpi4|edge|NULL|" + full.limits}));
}

// A store written before the job columns were declared once (tests/data/profile/
// results-format-1.sql holds that code's schema verbatim) opens, reads back every value, takes
// new jobs; and a fresh store declares its jobs table exactly as that one does.
TEST_F(ResultsStoreTest, OpensStoresOfFormatOne) {
  fs::create_directories(dir_);
  std::string dump =
      ReadTextFile(std::string(TWINPROF_SOURCE_DIR) + "/tests/data/profile/results-format-1.sql");
  Sql(dir_, dump);
  {
    profile::ResultsStore store = profile::ResultsStore::OpenExisting(dir_.string());
    std::vector<profile::StoredJob> jobs = store.Jobs();
    ASSERT_EQ(jobs.size(), 3u);
    const JobRecord& a = jobs[0].record;
    EXPECT_EQ(a.campaign, "video-process");
    EXPECT_EQ(a.run_id, 0);
    EXPECT_EQ(a.repetition, 0);
    EXPECT_EQ(a.component, "grayify");
    EXPECT_EQ(a.job_id, "grayify-0");
    EXPECT_EQ(a.source, "local");
    EXPECT_EQ(a.cluster, "laptop");
    EXPECT_EQ(a.node, "node-1");
    EXPECT_EQ(a.node_type, "x86");
    EXPECT_EQ(a.arch, "x86_64");
    EXPECT_EQ(a.cpu, 0.5);
    EXPECT_EQ(a.memory_mb, 256);
    EXPECT_EQ(a.parallelism, 2);
    EXPECT_EQ(a.input_bytes, 1048576);
    EXPECT_EQ(a.output_bytes, 524288);
    EXPECT_EQ(a.output_files, 3);
    EXPECT_EQ(a.t_submit, 0.125);
    EXPECT_EQ(a.t_pod_start, 0.25);
    EXPECT_EQ(a.t_container_start, 1.5);
    EXPECT_EQ(a.t_exec_start, 1.75);
    EXPECT_EQ(a.t_exec_end, 6.5);
    EXPECT_EQ(a.t_finish, 7.0);
    EXPECT_EQ(a.status, "succeeded");
    EXPECT_EQ(a.failure_reason, "");
    EXPECT_EQ(a.cpu_time_s, 5.875);
    EXPECT_EQ(a.peak_memory_mb, 120.5);
    EXPECT_EQ(a.limits, "enforced");
    EXPECT_EQ(a.parameters, (std::vector<std::pair<std::string, std::string>>{
                                {"grayify.cpu", "0.5"}, {"input", "a.mp4"}}));
    EXPECT_EQ(jobs[0].log_tail, "frame 1\nframe 2");
    const JobRecord& b = jobs[1].record;
    EXPECT_EQ(b.status, "failed");
    EXPECT_EQ(b.failure_reason, "exit 3, \"boom\"");
    EXPECT_TRUE(std::isnan(b.input_bytes));
    EXPECT_TRUE(std::isnan(b.output_bytes));
    EXPECT_TRUE(std::isnan(b.cpu_time_s));
    EXPECT_TRUE(std::isnan(b.peak_memory_mb));
    // Added after format 1 was written: the column is added, empty.
    EXPECT_TRUE(std::isnan(a.throttled_fraction));
    EXPECT_EQ(b.limits, "cpu limit not enforced: cgroup read-only");
    EXPECT_EQ(store.Runs().size(), 2u);
    // No declarations: typed from the runs' values, and nothing written.
    EXPECT_FALSE(store.parameters_declared());
    EXPECT_EQ(store.ParameterDeclarations(),
              (std::vector<ParameterDeclaration>{{"grayify.cpu", ParameterType::kNumber},
                                                 {"input", ParameterType::kText}}));
  }
  EXPECT_EQ(Sql(dir_, "SELECT value FROM meta WHERE key = 'format'"),
            std::vector<std::string>{"twinprof-results-1"});
  {
    // Open (profile --resume) migrates it: the declarations and each run's values are recorded.
    profile::ResultsStore store = profile::ResultsStore::Open(dir_.string());
    EXPECT_TRUE(store.parameters_declared());
    EXPECT_EQ(Sql(dir_, "SELECT name, position, type FROM parameters ORDER BY position"),
              (std::vector<std::string>{"grayify.cpu|0|number", "input|1|text"}));
    EXPECT_EQ(Sql(dir_, "SELECT value FROM meta WHERE key = 'format'"),
              std::vector<std::string>{"twinprof-results-2"});
    EXPECT_EQ(store.DiscardUnfinishedRuns(), 1);
    JobRecord full = test::FullJobRecord();
    full.run_id = 1;
    profile::RunRow run = Run(1);
    run.parameters = full.parameters;
    store.BeginRun(run);
    store.CommitJob(full, "");
    std::vector<profile::StoredJob> jobs = store.Jobs();
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[0].record.parameters,
              (RunParameters{{"grayify.cpu", "0.5"}, {"input", "a.mp4"}}));
    test::ExpectSameRecord(jobs[2].record, full);
  }
  fs::path fresh = dir_ / "fresh";
  profile::ResultsStore::Open(fresh.string());
  for (const char* table : {"meta", "runs", "parameters", "run_parameters"}) {
    std::string pragma = std::string("PRAGMA table_info(") + table + ")";
    EXPECT_EQ(Sql(fresh, pragma), Sql(dir_, pragma)) << table;
  }
  // The jobs table: the same columns with the same types; a column added later (ALTER TABLE)
  // comes after the store's own, so only the order differs.
  auto column_set = [](const fs::path& dir) {
    std::set<std::string> columns;
    for (const std::string& row :
         Sql(dir,
             "SELECT name || '|' || type || '|' || \"notnull\" FROM pragma_table_info('jobs')")) {
      columns.insert(row);
    }
    return columns;
  };
  EXPECT_EQ(column_set(fresh), column_set(dir_));
  EXPECT_TRUE(column_set(dir_).count("throttled_fraction|REAL|0"));
  EXPECT_EQ(Sql(fresh, "PRAGMA index_list(jobs)").size(),
            Sql(dir_, "PRAGMA index_list(jobs)").size());
}

// Parameters are recorded once per run, typed, at plan time: a job row stores none, and reads
// back its run's; a run of the plan has its values before it begins; an undeclared name is a
// programming error.
TEST_F(ResultsStoreTest, RecordsTypedParametersOncePerRun) {
  {
    profile::ResultsStore store = profile::ResultsStore::Open(dir_.string());
    store.RecordPlan({{"input", ParameterType::kText}, {"burn.cpu", ParameterType::kNumber}},
                     {{0, {{"input", "a.bin"}, {"burn.cpu", "0.5"}}},
                      {1, {{"input", "a.bin"}, {"burn.cpu", "1"}}}});
    EXPECT_EQ(store.FindRun(1), std::nullopt);  // planned, not begun
    profile::RunRow run = Run(1);
    run.parameters = {};  // the plan has them
    store.BeginRun(run);
    store.CommitJob(Job(1, "burn:a"), "");
    profile::RunRow undeclared = Run(2);
    undeclared.parameters = {{"burn.memory_mb", "128"}};
    EXPECT_THROW(store.BeginRun(undeclared), std::invalid_argument);
  }
  profile::ResultsStore store = profile::ResultsStore::OpenExisting(dir_.string());
  EXPECT_TRUE(store.parameters_declared());
  EXPECT_EQ(store.ParameterDeclarations(),
            (std::vector<ParameterDeclaration>{{"input", ParameterType::kText},
                                               {"burn.cpu", ParameterType::kNumber}}));
  const RunParameters expected = {{"input", "a.bin"}, {"burn.cpu", "1"}};
  EXPECT_EQ(store.FindRun(1)->parameters, expected);
  std::vector<profile::StoredJob> jobs = store.Jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].record.parameters, expected);
  EXPECT_EQ(Sql(dir_, "SELECT parameters FROM jobs"), std::vector<std::string>{"NULL"});
  EXPECT_EQ(Sql(dir_, "SELECT COUNT(*) FROM run_parameters"), std::vector<std::string>{"4"});
}

}  // namespace
}  // namespace twinprof::test
