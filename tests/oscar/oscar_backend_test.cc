// The oscar backend end to end: a video-process campaign profiled on FakeOscar with the real
// profiler and results store. Records have the local backend's shape and a sane breakdown;
// injected faults end in recovery (transient) or a clear error and a resumable store (permanent),
// with no record lost or duplicated; no secret reaches any output.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "../cli/run_command.h"
#include "campaign_fixture.h"
#include "core/error.h"
#include "profile/export.h"
#include "profile/oscar/http_client.h"

namespace twinprof::testing {
namespace {

namespace fs = std::filesystem;
using Kind = FakeOscar::Fault::Kind;

// Everything twinprof wrote: the log, and every file under `out` (the SQLite store included).
std::string AllOutput(const std::string& out, const std::string& log) {
  std::string all = log;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  const ResultsStore store = ResultsStore::OpenExisting(out);
  std::ostringstream csv;
  ExportCsv(store, {}, csv);
  return all + csv.str();
}

void ExpectNoSecret(const FakeOscar& server, const std::string& out, const std::string& log) {
  const std::string all = AllOutput(out, log);
  EXPECT_EQ(all.find(kPassword), std::string::npos) << "the password leaked";
  for (const auto& name : server.service_names()) {
    const std::string token = server.service(name)["token"];
    EXPECT_EQ(all.find(token), std::string::npos) << "the token of " << name << " leaked";
  }
}

// Checks every job of the store: oscar records with a sane breakdown, each job once, and per run
// 2 split-video jobs and one grayify job per frame they wrote. Returns the number of jobs.
int CheckStore(const std::string& out, int runs, bool all_succeeded = true) {
  const ResultsStore store = ResultsStore::OpenExisting(out);
  int finished = 0;
  for (const RunRow& run : store.Runs()) finished += run.status == "finished";
  EXPECT_EQ(finished, runs);
  std::map<int, std::set<std::string>> ids;
  std::map<int, int> splits, frames, grays;
  const std::vector<StoredJob> jobs = store.Jobs();
  for (const StoredJob& job : jobs) {
    const JobRecord& r = job.record;
    EXPECT_EQ(r.source, "oscar");
    EXPECT_EQ(r.cluster, "fake");
    EXPECT_TRUE(ids[r.run_id].insert(r.job_id).second) << "duplicate " << r.job_id;
    if (all_succeeded) {
      EXPECT_TRUE(r.succeeded()) << r.job_id << ": " << r.failure_reason;
    }
    for (double d : {r.wait_s(), r.cold_start_s(), r.download_s(), r.compute_s(), r.upload_s()}) {
      EXPECT_GE(d, 0) << r.job_id;
    }
    const double parts =
        r.wait_s() + r.cold_start_s() + r.download_s() + r.compute_s() + r.upload_s();
    EXPECT_NEAR(parts, r.total_s(), 0.001) << r.job_id;
    EXPECT_GE(r.t_submit, 0);
    if (r.succeeded()) {
      EXPECT_GT(r.compute_s(), 0) << r.job_id;  // the script really ran
      EXPECT_GT(r.input_bytes, 0) << r.job_id;
    }
    if (r.component == "split-video") {
      ++splits[r.run_id];
      frames[r.run_id] += r.output_files;
      EXPECT_EQ(r.cpu, 1);
      EXPECT_EQ(r.job_id.rfind("split-video:", 0), 0u);
    } else {
      ++grays[r.run_id];
      EXPECT_EQ(r.cpu, 0.5);
      EXPECT_EQ(r.memory_mb, 256);
      EXPECT_EQ(r.parallelism, 2);
      EXPECT_NE(r.job_id.find(".png"), std::string::npos) << r.job_id;  // named by its input
    }
  }
  for (const auto& [run, n] : splits) {
    EXPECT_EQ(n, 2) << "run " << run;
    if (all_succeeded) {
      EXPECT_EQ(grays[run], frames[run]) << "run " << run;
    }
  }
  return static_cast<int>(jobs.size());
}

struct Env {
  TempDir dir;
  std::ostringstream log;
  std::string out() const { return dir.path() + "/out"; }
};

// 2 inputs (2 s and 3 s videos) x split-video parallelism {1, 2} = 4 runs; each run uploads the
// video twice: 2 split jobs, and one grayify job per frame they wrote (FRAMES_PER_SECOND = 2).
constexpr int kRuns = 4;

TEST(OscarBackend, VideoProcessCampaignCompletesWithTheLocalBackendsShape) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  EXPECT_EQ(summary.failed_jobs, 0) << env.log.str();
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_GE(jobs, kRuns * (2 + 2 * 4));
  EXPECT_EQ(server.jobs_created("split-video") + server.jobs_created("grayify"), jobs);
  // FDL semantics on the services.
  EXPECT_EQ(server.service("grayify")["total_cpu"], "1");
  EXPECT_EQ(server.service("grayify")["total_memory"], "512Mi");
  EXPECT_EQ(server.service("split-video")["environment"]["variables"]["FRAMES_PER_SECOND"], "2");
  EXPECT_EQ(server.service("split-video")["output"][0]["path"],
            server.service("grayify")["input"][0]["path"]);
  ExpectNoSecret(server, env.out(), env.log.str());

  // For the record (not checked): the mean breakdown per component, as measured through the API.
  std::map<std::string, std::array<double, 7>> sums;
  for (const StoredJob& job : ResultsStore::OpenExisting(env.out()).Jobs()) {
    const JobRecord& r = job.record;
    auto& s = sums[r.component];
    const double parts[] = {
        r.wait_s(), r.cold_start_s(), r.download_s(), r.compute_s(), r.upload_s(), r.total_s(), 1};
    for (int i = 0; i < 7; ++i) s[i] += parts[i];
  }
  for (const auto& [component, s] : sums) {
    std::printf(
        "%-12s jobs %3.0f  mean wait %.3f  cold %.3f  download %.3f  compute %.3f  "
        "upload %.3f  total %.3f s\n",
        component.c_str(), s[6], s[0] / s[6], s[1] / s[6], s[2] / s[6], s[3] / s[6], s[4] / s[6],
        s[5] / s[6]);
  }

  // The same columns as a local-backend campaign's export.
  const ResultsStore store = ResultsStore::OpenExisting(env.out());
  std::ostringstream oscar_csv;
  ExportCsv(store, {}, oscar_csv);
  Campaign local = LoadCampaign(WriteCampaign(env.dir.path(), ""));
  std::unique_ptr<Backend> backend = MakeBackend(local.backend);
  ProfileOptions options;
  options.output_dir = env.dir.path() + "/local-out";
  options.max_runs = 1;
  Profile(local, *backend, options);
  std::ostringstream local_csv;
  ExportCsv(ResultsStore::OpenExisting(options.output_dir), {}, local_csv);
  const auto header = [](const std::string& csv) { return csv.substr(0, csv.find('\n')); };
  EXPECT_EQ(header(oscar_csv.str()), header(local_csv.str()));
}

TEST(OscarBackend, RecoversFromTransientFaultsWithoutLosingOrDuplicatingJobs) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path(), 0);  // the bare-map listing
  FakeOscar server(o);
  server.AddFault({Kind::k500, "POST", "/job/", 0, 2, 0});
  server.AddFault({Kind::kDrop, "POST", "/job/", 1, 1, 0});           // job created, answer lost
  server.AddFault({Kind::kSlow, "GET", "/system/logs/", 3, 1, 2.5});  // beyond read_timeout
  server.AddFault({Kind::kDrop, "GET", "/system/logs/", 5, 2, 0});
  server.AddFault({Kind::k500, "PUT", "/system/services", 0, 1, 0});
  server.AddFault({Kind::k500, "GET", "/system/services/", 2, 3, 0});
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  EXPECT_GE(server.faults_applied(), 8);
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_EQ(server.jobs_created("split-video"), 2 * kRuns);  // the lost answer was not resent
  EXPECT_EQ(server.jobs_created("split-video") + server.jobs_created("grayify"), jobs);
  ExpectNoSecret(server, env.out(), env.log.str());
}

// A permanent fault stops the campaign with a clear error; the store keeps every finished run and
// `resume` completes it with every job exactly once.
void PermanentFaultThenResume(const FakeOscar::Fault& fault, const std::string& expected,
                              bool input_error) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  std::string campaign;
  {
    FakeOscar server(o);
    server.AddFault(fault);
    SetCredentials(o);
    campaign = WriteCampaign(env.dir.path(), server.endpoint(), "  max_attempts: 3\n");
    try {
      ProfileCampaign(campaign, env.out(), false, env.log);
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_TRUE(input_error) << e.what();
      env.log << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    } catch (const oscar::HttpUnavailableError& e) {
      EXPECT_FALSE(input_error) << e.what();
      env.log << e.what();
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
    ExpectNoSecret(server, env.out(), env.log.str());
  }
  const ResultsStore before = ResultsStore::OpenExisting(env.out());
  int finished_before = 0;
  for (const RunRow& run : before.Runs()) finished_before += run.status == "finished";
  EXPECT_LT(finished_before, kRuns);

  // The cluster is back (a new server: new port and tokens; the services are recreated).
  FakeOscar server(o);
  const std::string resumed = WriteCampaign(env.dir.path(), server.endpoint());
  const ProfileSummary summary = ProfileCampaign(resumed, env.out(), true, env.log);
  EXPECT_EQ(summary.runs_already_finished, finished_before);
  const int jobs = CheckStore(env.out(), kRuns);
  EXPECT_GE(jobs, kRuns * (2 + 2 * 4));
  ExpectNoSecret(server, env.out(), env.log.str());
}

TEST(OscarBackend, UnauthorizedStopsWithAClearErrorAndTheStoreResumes) {
  // Everything after the 60th request answers 401 (credentials revoked mid-campaign).
  PermanentFaultThenResume({Kind::k401, "", "/system/", 60, -1, 0}, "401 Unauthorized", true);
}

TEST(OscarBackend, AServerThatKeepsFailingStopsAndTheStoreResumes) {
  PermanentFaultThenResume({Kind::k500, "GET", "/system/logs/", 20, -1, 0}, "gave up after 3",
                           false);
}

// The fault fires on the third listing: early enough that no machine finishes the campaign
// before it (a later one made this test depend on the machine's speed).
TEST(OscarBackend, MalformedJsonStopsNamingTheProblemAndTheStoreResumes) {
  PermanentFaultThenResume({Kind::kMalformedJson, "GET", "/system/logs/", 2, 1, 0},
                           "not valid JSON", true);
}

TEST(OscarBackend, JobsStuckPendingAreRecordedAsFailedAtTheRunTimeout) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  server.StickPending("split-video");
  SetCredentials(o);
  const std::string campaign =
      WriteCampaign(env.dir.path(), server.endpoint(), "  run_timeout: 1s\n");
  const ProfileSummary summary = ProfileCampaign(campaign, env.out(), false, env.log);
  EXPECT_EQ(summary.runs_done, kRuns);
  const ResultsStore store = ResultsStore::OpenExisting(env.out());
  const auto jobs = store.Jobs();
  ASSERT_EQ(jobs.size(), 2u * kRuns);  // the split jobs, each once, failed
  for (const StoredJob& job : jobs) {
    EXPECT_EQ(job.record.status, "failed");
    EXPECT_NE(job.record.failure_reason.find("timeout: still Pending"), std::string::npos)
        << job.record.failure_reason;
    EXPECT_GE(job.record.total_s(), 0);
  }
  bool noted = false;
  for (const auto& note : summary.notes)
    noted = noted || note.find("run_timeout") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(OscarCli, TheProfileCommandNeverPrintsASecret) {
  Env env;
  FakeOscar::Options o = FastServer(env.dir.path());
  FakeOscar server(o);
  SetCredentials(o);
  const std::string campaign = WriteCampaign(env.dir.path(), server.endpoint());
  const CommandResult ok = RunTwinprof({"-v", "profile", campaign, "-o", env.out(), "--insecure"});
  EXPECT_EQ(ok.exit_status, 0) << ok.err;
  EXPECT_NE(ok.out.find("profiled"), std::string::npos) << ok.out;
  ExpectNoSecret(server, env.out(), ok.out + ok.err);

  // Wrong credentials: a clear error, and the wrong password is not echoed either.
  const std::string wrong = "wr0ng-pa55-also-secret";
  setenv("OSCAR_PASSWORD", wrong.c_str(), 1);
  const CommandResult denied = RunTwinprof({"profile", campaign, "-o", env.dir.path() + "/o2"});
  EXPECT_EQ(denied.exit_status, 2);
  EXPECT_NE(denied.err.find("401 Unauthorized"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find(server.endpoint()), std::string::npos) << denied.err;
  EXPECT_EQ((denied.out + denied.err).find(wrong), std::string::npos);
  EXPECT_EQ((denied.out + denied.err).find(kPassword), std::string::npos);
  unsetenv("OSCAR_PASSWORD");
  const CommandResult missing = RunTwinprof({"profile", campaign, "-o", env.dir.path() + "/o3"});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("OSCAR_PASSWORD is not"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace twinprof::testing
