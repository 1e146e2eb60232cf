// The oscar backend against OSCAR's real behaviour and faults (issue 15, points 8-13): jobs named
// SERVICE-<uuid4>, a gateway 502 after POST /job took effect, answers lost while checking, logs
// without the storage event, endpoints that are wrong or never answer, services that vanish.
// Every scenario keeps "nothing lost or duplicated", after --resume when the campaign stops.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "../../subprocess.h"
#include "campaign_fixture.h"
#include "core/error.h"

namespace twinprof::test {
namespace {

using Kind = FakeOscar::Fault::Kind;

// The records of one component, by run, ordered by job id.
std::map<int, std::vector<JobRecord>> RecordsOf(const std::string& out,
                                                const std::string& component) {
  std::map<int, std::vector<JobRecord>> runs;
  for (const profile::StoredJob& job : profile::ResultsStore::OpenExisting(out).Jobs()) {
    if (job.record.component == component) runs[job.record.run_id].push_back(job.record);
  }
  for (auto& [run, records] : runs) {
    std::sort(records.begin(), records.end(),
              [](const JobRecord& a, const JobRecord& b) { return a.job_id < b.job_id; });
  }
  return runs;
}

// Point 8. Each POST /job takes 1.05 s, so the three invocations of a batch are sent 1.05 s
// apart and each job is created 1.05 s after its invocation was sent. A job given a later
// invocation's send time would start before it was submitted (wait 0 after the clamp); its
// uuid4 name says nothing of its order.
TEST(OscarFaults, SourceJobsAreMatchedToTheirInvocationsByCreationNotByName) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  server.AddFault({Kind::kSlow, "POST", "/job/", 0, -1, 1.05});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint(), "", 2, 3, 3);
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  CheckStore(env.out(), kRuns, true, 3);
  const auto runs = RecordsOf(env.out(), "split-video");
  ASSERT_EQ(runs.size(), static_cast<size_t>(kRuns));
  for (const auto& [run, records] : runs) {
    ASSERT_EQ(records.size(), 3u);
    for (size_t i = 0; i < records.size(); ++i) {
      const JobRecord& r = records[i];
      EXPECT_EQ(r.job_id, "split-video:input-" + std::to_string(i + 1) + ".mp4");
      EXPECT_GT(r.wait_s(), 0.04) << "run " << run << " " << r.job_id;
      if (i > 0) {
        EXPECT_GT(r.t_submit, records[i - 1].t_submit + 1.0) << "run " << run << " " << r.job_id;
        EXPECT_GE(r.t_pod_start, records[i - 1].t_pod_start) << "run " << run << " " << r.job_id;
      }
    }
  }
}

// Point 9. A gateway answers 502 after OSCAR created the job: resending would run the job twice
// (and its downstream jobs). The listing shows the job; it is not sent again.
TEST(OscarFaults, A502AfterThePostTookEffectIsCheckedByListingNotResent) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  server.AddFault({Kind::k502After, "POST", "/job/", 0, 2, 0});
  server.AddFault({Kind::k502After, "POST", "/job/", 3, 1, 0});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  EXPECT_EQ(server.faults_applied(), 3);
  EXPECT_EQ(server.jobs_created("split-video"), 2 * kRuns);
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_EQ(server.jobs_created("split-video") + server.jobs_created("grayify"), jobs);
}

// Point 9 the other way: a 500 from OSCAR itself before it created the job. The listing shows
// no job, so the invocation is sent again: once.
TEST(OscarFaults, A500BeforeThePostTookEffectIsSentAgainAfterTheCheck) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  server.AddFault({Kind::k500, "POST", "/job/", 1, 2, 0});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  EXPECT_EQ(server.jobs_created("split-video"), 2 * kRuns);
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_EQ(server.jobs_created("split-video") + server.jobs_created("grayify"), jobs);
}

// Point 10. The first invocation is lost before OSCAR saw it; the listing shows the second one's
// job only, so the first is sent again, and that answer is lost too (after the job was created).
// The next listing settles it: no abort, no duplicate.
TEST(OscarFaults, ALostAnswerDuringTheCheckDoesNotAbortTheCampaign) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path(), 0);
  FakeOscar server(o);
  server.AddFault({Kind::kLose, "POST", "/job/", 0, 1, 0});
  server.AddFault({Kind::kDrop, "POST", "/job/", 1, 1, 0});
  server.AddFault({Kind::kDrop, "GET", "/system/logs/split-video", 2, 1, 0});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  EXPECT_EQ(server.faults_applied(), 3);
  EXPECT_EQ(server.jobs_created("split-video"), 2 * kRuns);
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_EQ(server.jobs_created("split-video") + server.jobs_created("grayify"), jobs);
}

// Point 11. Supervisors that do not log the storage event: the job is still named by its input
// (the "Downloading item from bucket ... with key ..." line), so ids are the same in every run;
// its input size comes from the bucket's listing; it was submitted when its producer finished
// uploading that object (never before the producer's script ended).
TEST(OscarFaults, BucketTriggeredJobsWithoutTheStorageEventKeepStableIdsSizesAndTimes) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  o.log_event_records = false;
  FakeOscar server(o);
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  CheckStore(env.out(), kRuns);  // ids named by their input, input_bytes > 0
  const auto grays = RecordsOf(env.out(), "grayify");
  const auto splits = RecordsOf(env.out(), "split-video");
  ASSERT_EQ(grays.size(), static_cast<size_t>(kRuns));
  std::map<size_t, std::vector<std::string>> ids_by_count;  // runs of one input: same frames
  for (const auto& [run, records] : grays) {
    std::vector<std::string> ids;
    double first_split_end = 1e18;
    for (const auto& s : splits.at(run)) first_split_end = std::min(first_split_end, s.t_exec_end);
    for (const auto& r : records) {
      ids.push_back(r.job_id);
      // COMPONENT:KEY, the key named after the upload (input-1.mp4 -> input-1-0001.png) as with
      // the local backend, although OSCAR stored the upload as event-file-<uuid4>.
      EXPECT_EQ(r.job_id.rfind("grayify:grayify/input-", 0), 0u) << r.job_id;
      EXPECT_GE(r.t_submit, first_split_end - 1e-3) << "run " << run << " " << r.job_id;
      EXPECT_GT(r.input_bytes, 100) << r.job_id;  // a PNG frame, from the bucket's listing
    }
    auto [it, first] = ids_by_count.emplace(ids.size(), ids);
    if (!first) {
      EXPECT_EQ(ids, it->second) << "run " << run;
    }
  }
  EXPECT_EQ(ids_by_count.size(), 2u);  // the 2 s and the 3 s video
  for (const auto& note : summary.notes) {
    EXPECT_EQ(note.find("bucket-triggered"), std::string::npos) << note;
  }
}

// Point 13 is in oscar_backend_test.cc (JobsStuckPendingAreRecordedAsFailedAtTheRunTimeout).

// Point 12. A port that takes the connection but never answers: exit 2 within seconds, saying
// what to check (the old defaults took 305 s and called it an internal error).
TEST(OscarFaults, AnEndpointThatNeverAnswersFailsInSecondsWithExitStatus2) {
  Env env;
  SilentListener silent;
  setenv("OSCAR_USER", "oscar", 1);
  setenv("OSCAR_PASSWORD", kPassword, 1);
  std::ofstream(env.dir.path() + "/c.yaml")
      << "name: vp\nworkflow: " << TWINPROF_SOURCE_DIR << "/workflows/video-process.yaml\n"
      << "backend: oscar\noscar: {endpoint: '" << silent.endpoint() << "', connect_timeout: 2s}\n"
      << "inputs: {files: ['" << TWINPROF_SOURCE_DIR << "/workflows/video-process.yaml']}\n"
      << "space: {split-video: {cpu: [1]}, grayify: {cpu: [1]}}\n";
  const auto start = std::chrono::steady_clock::now();
  const CommandResult result =
      RunTwinprof({"profile", env.dir.path() + "/c.yaml", "-o", env.out()});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(result.exit_status, 2) << result.err;
  EXPECT_LT(seconds, 20) << result.err;
  EXPECT_NE(result.err.find(silent.endpoint()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("did not answer"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("endpoint"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("internal error"), std::string::npos) << result.err;
}

TEST(OscarFaults, AClosedPortOrANonOscarServerIsExitStatus2NamingTheEndpoint) {
  Env env;
  std::string closed;
  {
    FakeOscar gone(FastServer(env.dir.path()));
    closed = gone.endpoint();
  }
  setenv("OSCAR_USER", "oscar", 1);
  setenv("OSCAR_PASSWORD", kPassword, 1);
  const auto run = [&](const std::string& endpoint) {
    std::ofstream(env.dir.path() + "/c.yaml")
        << "name: vp\nworkflow: " << TWINPROF_SOURCE_DIR << "/workflows/video-process.yaml\n"
        << "backend: oscar\noscar: {endpoint: '" << endpoint << "', connect_timeout: 1s}\n"
        << "inputs: {files: ['" << TWINPROF_SOURCE_DIR << "/workflows/video-process.yaml']}\n"
        << "space: {split-video: {cpu: [1]}, grayify: {cpu: [1]}}\n";
    fs::remove_all(env.out());
    return RunTwinprof({"profile", env.dir.path() + "/c.yaml", "-o", env.out()});
  };
  const CommandResult refused = run(closed);
  EXPECT_EQ(refused.exit_status, 2) << refused.err;
  EXPECT_NE(refused.err.find(closed), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("check the endpoint"), std::string::npos) << refused.err;

  // An HTTP server that is not OSCAR (no /health).
  httplib::Server other;
  other.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>hello</html>", "text/html");
  });
  const int port = other.bind_to_any_port("127.0.0.1");
  std::thread listener([&] { other.listen_after_bind(); });
  while (!other.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string web = "http://127.0.0.1:" + std::to_string(port);
  const CommandResult wrong = run(web);
  other.stop();
  listener.join();
  EXPECT_EQ(wrong.exit_status, 2) << wrong.err;
  EXPECT_NE(wrong.err.find(web), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("OSCAR"), std::string::npos) << wrong.err;
}

// Point 12, the restart: the cluster forgets its services in the middle of a run. The campaign
// stops saying the service is gone (not "check the endpoint"); --resume deploys again and
// finishes with every job once.
TEST(OscarFaults, AServiceGoneAfterARestartSaysSoAndTheStoreResumes) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  server.AddFault({Kind::kRestart, "GET", "/system/logs/", 40, 1, 0});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  try {
    ProfileCampaign(campaign, env.out(), false, env.log);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("is gone"), std::string::npos) << message;
    EXPECT_NE(message.find("--resume"), std::string::npos) << message;
    EXPECT_EQ(message.find("check the endpoint"), std::string::npos) << message;
  }
  const profile::ProfileSummary summary = ProfileCampaign(campaign, env.out(), true, env.log);
  EXPECT_EQ(summary.runs_done + summary.runs_already_finished, kRuns);
  CheckStore(env.out(), kRuns);
}

}  // namespace
}  // namespace twinprof::test
