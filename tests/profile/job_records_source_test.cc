// ReadJobRecords: a results folder and the CSV `export --jobs` writes from it give the same
// records; anything else is named in an InputError.
#include "profile/job_records_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../core/full_job_record.h"
#include "profile/export.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

class JobRecordsSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-source-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    profile::ResultsStore store = profile::ResultsStore::Open(dir_.string());
    store.SetMeta("parameters", R"(["grayify.cpu","input"])");
    // Recorded once per run, at plan time: every job of a run has the run's parameters.
    const RunParameters parameters = test::FullJobRecord().parameters;
    store.RecordPlan({{"grayify.cpu", ParameterType::kNumber}, {"input", ParameterType::kText}},
                     {{0, parameters}, {1, parameters}, {2, parameters}});
    for (int run_id : {0, 1, 2}) {
      profile::RunRow run;
      run.run_id = run_id;
      run.run_key = "run" + std::to_string(run_id);
      run.mode = run_id == 1 ? "single:grayify" : "workflow";
      store.BeginRun(run);
      JobRecord a = test::FullJobRecord();
      a.run_id = run_id;
      JobRecord b = a;
      b.job_id = "grayify:clip-4.mp4";
      b.status = "succeeded";
      b.cpu_time_s = kNotMeasured;
      b.parameters = {{"input", "clip-4.mp4"}};  // not stored: the job's are its run's
      store.CommitJob(a, "");
      store.CommitJob(b, "");
      if (run_id != 2) store.FinishRun(run);  // run 2 was interrupted
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(JobRecordsSourceTest, FolderGivesTheFinishedRunsJobsWithTheirMode) {
  profile::JobRecordSet set = profile::ReadJobRecords(dir_.string());
  EXPECT_EQ(set.origin, profile::JobRecordSet::Origin::kResultsStore);
  EXPECT_EQ(set.path, (dir_ / "results.sqlite").string());
  EXPECT_EQ(set.parameter_names, (std::vector<std::string>{"mode", "grayify.cpu", "input"}));
  ASSERT_EQ(set.records.size(), 4u);
  ASSERT_EQ(set.where.size(), 4u);
  JobRecord expected = test::FullJobRecord();
  expected.run_id = 1;
  expected.parameters.insert(expected.parameters.begin(), {"mode", "single:grayify"});
  test::ExpectSameRecord(set.records[2], expected);
  EXPECT_EQ(set.records[3].parameters,
            (RunParameters{
                {"mode", "single:grayify"}, {"grayify.cpu", "0.75"}, {"input", "clip-3.mp4"}}));
  EXPECT_TRUE(set.parameter_types_declared);
  EXPECT_EQ(set.parameter_types.at("grayify.cpu"), ParameterType::kNumber);
  EXPECT_EQ(set.parameter_types.at("input"), ParameterType::kText);
  EXPECT_EQ(set.parameter_types.at("mode"), ParameterType::kText);
  EXPECT_EQ(set.Describe(), "4 jobs from results store " + set.path);
  // The database file itself names the same store.
  EXPECT_EQ(profile::ReadJobRecords((dir_ / "results.sqlite").string()).records.size(), 4u);
}

TEST_F(JobRecordsSourceTest, ExportedCsvGivesTheSameRecords) {
  fs::path csv = dir_ / "jobs.csv";
  {
    std::ofstream out(csv);
    profile::ExportCsv(profile::ResultsStore::OpenExisting(dir_.string()), profile::ExportOptions{},
                       out);
  }
  profile::JobRecordSet from_store = profile::ReadJobRecords(dir_.string());
  profile::JobRecordSet from_csv = profile::ReadJobRecords(csv.string());
  EXPECT_EQ(from_csv.origin, profile::JobRecordSet::Origin::kCsv);
  EXPECT_EQ(from_csv.parameter_names, from_store.parameter_names);
  ASSERT_EQ(from_csv.records.size(), from_store.records.size());
  for (size_t i = 0; i < from_csv.records.size(); ++i) {
    test::ExpectSameRecord(from_csv.records[i], from_store.records[i]);
  }
  EXPECT_EQ(from_csv.where[1].ToString(), csv.string() + ":4");  // record 0 spans lines 2-3
  EXPECT_EQ(from_csv.Describe(), "4 jobs from job record CSV " + csv.string());
}

TEST_F(JobRecordsSourceTest, NamesWhatItCannotRead) {
  auto message = [](const std::string& path) -> std::string {
    try {
      profile::ReadJobRecords(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  std::string missing = (dir_ / "nosuch").string();
  EXPECT_NE(message(missing).find(missing + ": error: no such file or folder"), std::string::npos);
  fs::create_directories(dir_ / "empty");
  EXPECT_NE(message((dir_ / "empty").string()).find("no results store here"), std::string::npos);
  fs::copy_file(dir_ / "results.sqlite", dir_ / "other.db");
  EXPECT_NE(message((dir_ / "other.db").string()).find("not a results store's results.sqlite"),
            std::string::npos);
  std::ofstream(dir_ / "bad.csv") << "campaign,run_id\n";
  EXPECT_NE(message((dir_ / "bad.csv").string()).find("bad.csv:1:1: error: missing columns"),
            std::string::npos);
}

}  // namespace
}  // namespace twinprof::test
