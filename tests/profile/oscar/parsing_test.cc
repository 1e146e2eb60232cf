// What OSCAR answers, parsed: job listings (both shapes), RFC 3339 times, supervisor logs, and
// the timeline rules that keep every duration >= 0.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "profile/oscar/job_info.h"
#include "profile/oscar/job_timeline.h"
#include "profile/oscar/supervisor_log.h"

namespace twinprof::test {
namespace {

TEST(Rfc3339, ParsesUtcFractionsAndOffsets) {
  EXPECT_EQ(*profile::oscar::ParseRfc3339("1970-01-01T00:00:10Z"), 10.0);
  EXPECT_NEAR(*profile::oscar::ParseRfc3339("2024-05-01T10:20:30.250Z") -
                  *profile::oscar::ParseRfc3339("2024-05-01T10:20:30Z"),
              0.25, 1e-9);
  EXPECT_EQ(*profile::oscar::ParseRfc3339("2024-05-01T12:20:30+02:00"),
            *profile::oscar::ParseRfc3339("2024-05-01T10:20:30Z"));
  EXPECT_NEAR(*profile::oscar::ParseRfc3339("2024-05-01T10:20:30.123456789Z") -
                  *profile::oscar::ParseRfc3339("2024-05-01T10:20:30Z"),
              0.123456789, 1e-6);
  EXPECT_FALSE(profile::oscar::ParseRfc3339("2024-05-01 10:20"));
  EXPECT_FALSE(profile::oscar::ParseRfc3339("2024-13-01T10:20:30Z"));
  EXPECT_FALSE(profile::oscar::ParseRfc3339("2024-05-01T10:20:30"));  // no zone
  EXPECT_FALSE(profile::oscar::ParseRfc3339("2024-05-01T10:20:30Zjunk"));
}

TEST(JobsPage, ReadsTheBareMapOfOlderReleases) {
  const profile::oscar::JobsPage page = profile::oscar::ParseJobsPage(
      R"({"grayify-1": {"status": "Succeeded", "creation_time": "2024-05-01T10:00:00Z",
          "start_time": "2024-05-01T10:00:02Z", "finish_time": "2024-05-01T10:00:07Z"},
          "grayify-2": {"status": "Pending"}})",
      "GET x");
  EXPECT_FALSE(page.paginated);
  ASSERT_EQ(page.jobs.size(), 2u);
  const profile::oscar::JobInfo& done = page.jobs.at("grayify-1");
  EXPECT_EQ(done.status, profile::oscar::JobStatus::kSucceeded);
  EXPECT_EQ(*done.finish_time - *done.creation_time, 7.0);
  EXPECT_EQ(page.jobs.at("grayify-2").status, profile::oscar::JobStatus::kPending);
  EXPECT_FALSE(page.jobs.at("grayify-2").creation_time);
}

TEST(JobsPage, ReadsThePaginatedShape) {
  const profile::oscar::JobsPage page = profile::oscar::ParseJobsPage(
      R"({"jobs": {"a": {"status": "Running", "creation_time": "2024-05-01T10:00:00Z"}},
          "next_page": "tok", "remaining_jobs": 3})",
      "GET x");
  EXPECT_TRUE(page.paginated);
  EXPECT_EQ(page.next_page, "tok");
  EXPECT_EQ(page.jobs.at("a").status, profile::oscar::JobStatus::kRunning);
  const profile::oscar::JobsPage last = profile::oscar::ParseJobsPage(R"({"jobs": {}})", "GET x");
  EXPECT_TRUE(last.paginated);
  EXPECT_TRUE(last.next_page.empty());
  EXPECT_TRUE(profile::oscar::ParseJobsPage("{}", "GET x").jobs.empty());
}

void ExpectError(const std::string& body, const std::string& substring) {
  try {
    profile::oscar::ParseJobsPage(body, "GET https://oscar/system/logs/s");
    FAIL() << "no error for " << body;
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find(substring), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("GET https://oscar/system/logs/s"), std::string::npos);
  }
}

TEST(JobsPage, NamesTheFieldThatIsWrong) {
  ExpectError(R"({"jobs": {"a": {"status": )", "not valid JSON");
  ExpectError(R"([1, 2])", "should be a JSON object");
  ExpectError(R"({"jobs": {"a": {"creation_time": "2024-05-01T10:00:00Z"}}})", "'jobs.a.status'");
  ExpectError(R"({"a": {"status": 3}})", "'a.status'");
  ExpectError(R"({"jobs": {"a": {"status": "Running", "start_time": "yesterday"}}})",
              "'jobs.a.start_time'");
  ExpectError(R"({"jobs": {"a": {"status": "Running", "finish_time": 12}}})",
              "'jobs.a.finish_time'");
  ExpectError(R"({"jobs": {}, "next_page": 5})", "'next_page'");
  ExpectError(R"({"jobs": {}, "remaining_jobs": "many"})", "'remaining_jobs'");
  ExpectError(R"({"a": 7})", "'a'");
}

TEST(SupervisorLog, FindsScriptStartAndEndWithMilliseconds) {
  const std::string log =
      "2024-05-01T10:00:01.100000000Z 2024-05-01 10:00:01,100 - supervisor - INFO - "
      "SUPERVISOR: Initializing Binary supervisor\n"
      "2024-05-01T10:00:01.200000000Z 2024-05-01 10:00:01,195 - supervisor - INFO - "
      "event_records = {'s3': {'object': {'key': 'frame-0001.png', 'size': 2048}}, "
      "'eventTime': '2024-05-01T10:00:00.500Z'} \n"
      "2024-05-01T10:00:02.000000000Z 2024-05-01 10:00:01,999 - supervisor - INFO - "
      "Script file found in '/oscar/config/script.sh'\n"
      "some script output\n"
      "2024-05-01T10:00:05.300000000Z 2024-05-01 10:00:05,250 - supervisor - INFO - "
      "Searching for files to upload in folder '/tmp/out'\n"
      "2024-05-01T10:00:05.400000000Z 2024-05-01 10:00:05,400 - supervisor - INFO - "
      "Uploading file 'a.png' to bucket 'b'\n"
      "2024-05-01T10:00:05.500000000Z 2024-05-01 10:00:05,500 - supervisor - INFO - "
      "Uploading file 'b.png' to bucket 'b'\n";
  const profile::oscar::SupervisorLog parsed = profile::oscar::ParseSupervisorLog(log);
  const double base = *profile::oscar::ParseRfc3339("2024-05-01T10:00:00Z");
  ASSERT_TRUE(parsed.script_start && parsed.script_end);
  EXPECT_NEAR(*parsed.script_start - base, 1.999, 1e-6);
  EXPECT_NEAR(*parsed.script_end - base, 5.250, 1e-6);
  EXPECT_EQ(parsed.output_files, 2);
  EXPECT_EQ(*parsed.input_bytes, 2048);
  EXPECT_EQ(parsed.input_key, "frame-0001.png");
  EXPECT_NEAR(*parsed.input_event_time - base, 0.5, 1e-6);
}

TEST(SupervisorLog, CorrectsTheSupervisorsTimeZoneWithTheKubernetesPrefix) {
  // The container's clock says 12:00 (UTC+2); Kubernetes says 10:00Z.
  const std::string log =
      "2024-05-01T10:00:02.010000000Z 2024-05-01 12:00:02,000 - supervisor - INFO - "
      "Script file found in '/oscar/config/script.sh'\n"
      "2024-05-01T10:00:03.010000000Z 2024-05-01 12:00:03,000 - supervisor - INFO - "
      "Searching for files to upload in folder '/tmp/out'\n";
  const profile::oscar::SupervisorLog parsed = profile::oscar::ParseSupervisorLog(log);
  EXPECT_NEAR(*parsed.script_start - *profile::oscar::ParseRfc3339("2024-05-01T10:00:02Z"), 0.0,
              1e-6);
  EXPECT_NEAR(*parsed.script_end - *parsed.script_start, 1.0, 1e-6);
}

// Supervisors that do not log the storage event still log the download (faas-supervisor's
// storage/providers/s3.py); uploads end when the next line is written.
TEST(SupervisorLog, ReadsTheInputFromTheDownloadLineAndWhenEachUploadEnded) {
  const auto line = [](const std::string& clock, const std::string& message) {
    return "2024-05-01T10:00:" + clock + "000000Z 2024-05-01 10:00:" + clock.substr(0, 2) + "," +
           clock.substr(3, 3) + " - supervisor - INFO - " + message + "\n";
  };
  const std::string log =
      line("01.100", "Found 'MINIO' input provider") +
      line("01.200", "Downloading item from bucket 'video' with key 'frames/f-01.png'") +
      line("01.900",
           "Successful download of file 'frames/f-01.png' from bucket 'video' in path "
           "'/tmp/x/f-01.png'") +
      line("02.000", "Script file found in '/oscar/config/script.sh'") +
      line("03.000", "Searching for files to upload in folder '/tmp/out'") +
      line("03.100", "Uploading file 'gray/f-01.png' to bucket 'video'") +
      line("03.400", "Uploading file 'gray/f-02.png' to bucket 'video'") +
      line("03.650", "Creating response");
  const profile::oscar::SupervisorLog parsed = profile::oscar::ParseSupervisorLog(log);
  const double base = *profile::oscar::ParseRfc3339("2024-05-01T10:00:00Z");
  EXPECT_EQ(parsed.input_bucket, "video");
  EXPECT_EQ(parsed.input_key, "frames/f-01.png");
  EXPECT_FALSE(parsed.input_event_time);
  EXPECT_FALSE(parsed.input_bytes);
  EXPECT_NEAR(*parsed.download_start - base, 1.2, 1e-6);
  ASSERT_EQ(parsed.uploads.size(), 2u);
  EXPECT_EQ(parsed.uploads[0].bucket, "video");
  EXPECT_EQ(parsed.uploads[0].key, "gray/f-01.png");
  EXPECT_NEAR(*parsed.uploads[0].start - base, 3.1, 1e-6);
  EXPECT_NEAR(*parsed.uploads[0].end - base, 3.4, 1e-6);
  EXPECT_NEAR(*parsed.uploads[1].end - base, 3.65, 1e-6);
  EXPECT_EQ(parsed.output_files, 2);
  // The last line of a log that is still being written: the upload has no end yet.
  EXPECT_FALSE(
      profile::oscar::ParseSupervisorLog(line("03.100", "Uploading file 'k' to bucket 'b'"))
          .uploads.at(0)
          .end);
}

TEST(SupervisorLog, WithoutTimestampsOrLinesGivesNothing) {
  const profile::oscar::SupervisorLog parsed = profile::oscar::ParseSupervisorLog("hello\n\nworld");
  EXPECT_FALSE(parsed.script_start);
  EXPECT_FALSE(parsed.script_end);
  EXPECT_EQ(parsed.output_files, 0);
}

TEST(Timeline, ClampsToMonotonicAndThePartsAddUp) {
  profile::oscar::JobTimes times;
  times.submit = 100.400;   // client clock, ms
  times.pod_start = 100.0;  // truncated to the second: earlier than the submit
  times.container_start = 102.0;
  times.exec_start = 102.350;
  times.exec_end = 105.900;
  times.finish = 105.0;  // truncated: earlier than the script's end
  JobRecord r;
  const profile::oscar::TimelineFix fix = profile::oscar::FillTimes(times, 100.0, &r);
  EXPECT_EQ(fix.clamped, 2);
  EXPECT_EQ(fix.skewed, 0);
  EXPECT_NEAR(r.t_submit, 0.4, 1e-9);
  EXPECT_NEAR(r.t_pod_start, 0.4, 1e-9);
  EXPECT_NEAR(r.t_finish, 5.9, 1e-9);
  for (double d : {r.wait_s(), r.cold_start_s(), r.download_s(), r.compute_s(), r.upload_s()}) {
    EXPECT_GE(d, 0);
  }
  EXPECT_NEAR(r.wait_s() + r.cold_start_s() + r.download_s() + r.compute_s() + r.upload_s(),
              r.total_s(), 1e-9);
}

TEST(Timeline, MissingTimesTakeThePreviousOneAndSkewIsCounted) {
  profile::oscar::JobTimes times;
  times.submit = 50;
  times.pod_start = 40;  // ten seconds before the invocation: clocks disagree
  JobRecord r;
  const profile::oscar::TimelineFix fix = profile::oscar::FillTimes(times, 50, &r);
  EXPECT_EQ(fix.skewed, 1);
  EXPECT_EQ(fix.missing, 4);
  EXPECT_EQ(r.t_finish, 0);
  EXPECT_EQ(r.total_s(), 0);
}

}  // namespace
}  // namespace twinprof::test
