// A video-process campaign (workflows/video-process.yaml) pointed at a FakeOscar, profiled
// with the real profiler and results store, and the checks of its store: what the oscar
// backend's end-to-end tests share.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "fake_oscar.h"
#include "profile/campaign.h"
#include "profile/export.h"
#include "profile/profiler.h"
#include "profile/results_store.h"
#include "test_util.h"

namespace twinprof::test {

inline constexpr char kPassword[] = "pa55-w0rd-never-printed-7f3a";

// Writes campaign.yaml into `dir` (the workflow is the repository's video-process) with the
// oscar section pointing at `endpoint` (an empty endpoint: the local backend instead); `extra` is
// appended to the oscar section. Each run uploads its input `batch_size` times at once.
inline std::string WriteCampaign(const std::string& dir, const std::string& endpoint,
                                 const std::string& extra = "", int seconds_a = 2,
                                 int seconds_b = 3, int batch_size = 2) {
  const std::string path = dir + (endpoint.empty() ? "/local.yaml" : "/campaign.yaml");
  std::ostringstream backend;
  if (endpoint.empty()) {
    backend << "backend: local\nlocal: {keep_job_dirs: false}\n";
  } else {
    backend << "backend: oscar\n"
            << "oscar:\n"
            << "  endpoint: " << endpoint << "\n"
            << "  cluster_id: fake\n"
            << "  poll_interval: 50ms\n"
            << "  settle: 300ms\n"
            << "  initial_backoff: 10ms\n"
            << "  max_backoff: 50ms\n"
            << "  read_timeout: 2s\n"
            << "  connect_timeout: 1s\n"
            << extra;
  }
  std::ofstream(path) << "name: vp\n"
                      << "workflow: " << TWINPROF_SOURCE_DIR << "/workflows/video-process.yaml\n"
                      << backend.str() << "inputs:\n"
                      << "  generate: \"ffmpeg -hide_banner -loglevel error -f lavfi -i "
                         "testsrc=duration={seconds}:size=96x64:rate=5 -pix_fmt yuv420p {out}\"\n"
                      << "  extension: .mp4\n"
                      << "  values: {seconds: [" << seconds_a << ", " << seconds_b << "]}\n"
                      << "space:\n"
                      << "  split-video: {cpu: [1], parallelism: [1, 2]}\n"
                      << "  grayify: {cpu: [0.5], memory: [256Mi], parallelism: [2]}\n"
                      << "arrival: {batch_size: " << batch_size << ", number_of_batches: 1}\n";
  return path;
}

// Sets OSCAR_USER/OSCAR_PASSWORD for the fake's account (and clears OSCAR_TOKEN).
inline void SetCredentials(const FakeOscar::Options& o) {
  setenv("OSCAR_USER", o.user.c_str(), 1);
  setenv("OSCAR_PASSWORD", o.password.c_str(), 1);
  unsetenv("OSCAR_TOKEN");
}

inline FakeOscar::Options FastServer(const std::string& dir, int page_size = 3) {
  FakeOscar::Options o;
  o.work_dir = dir + "/fake-oscar";
  o.password = kPassword;
  o.page_size = page_size;
  o.pod_start_delay_s = 0.1;
  o.supervisor_delay_s = 0.02;
  return o;
}

// Profiles the campaign into dir/out; progress and reports go to `log`.
inline profile::ProfileSummary ProfileCampaign(const std::string& campaign_path,
                                               const std::string& out, bool resume,
                                               std::ostream& log) {
  profile::Campaign campaign = profile::LoadCampaign(campaign_path);
  std::unique_ptr<profile::Backend> backend = profile::MakeBackend(campaign.backend);
  profile::ProfileOptions options;
  options.output_dir = out;
  options.resume = resume;
  options.progress = &log;
  profile::ProfileSummary summary = profile::Profile(campaign, *backend, options);
  log << summary.FullReport() << "\n";
  return summary;
}

namespace fs = std::filesystem;

// Everything twinprof wrote: the log, and every file under `out` (the SQLite store included).
inline std::string AllOutput(const std::string& out, const std::string& log) {
  std::string all = log;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  const profile::ResultsStore store = profile::ResultsStore::OpenExisting(out);
  std::ostringstream csv;
  profile::ExportCsv(store, {}, csv);
  return all + csv.str();
}

inline void ExpectNoSecret(const FakeOscar& server, const std::string& out,
                           const std::string& log) {
  const std::string all = AllOutput(out, log);
  EXPECT_EQ(all.find(kPassword), std::string::npos) << "the password leaked";
  for (const auto& name : server.service_names()) {
    const std::string token = server.service(name)["token"];
    EXPECT_EQ(all.find(token), std::string::npos) << "the token of " << name << " leaked";
  }
}

// Checks every job of the store: oscar records with a sane breakdown, each job once, and per run
// `uploads` split-video jobs and one grayify job per frame they wrote. Returns the number of jobs.
inline int CheckStore(const std::string& out, int runs, bool all_succeeded = true,
                      int uploads = 2) {
  const profile::ResultsStore store = profile::ResultsStore::OpenExisting(out);
  int finished = 0;
  for (const profile::RunRow& run : store.Runs()) finished += run.status == "finished";
  EXPECT_EQ(finished, runs);
  std::map<int, std::set<std::string>> ids;
  std::map<int, int> splits, frames, grays;
  const std::vector<profile::StoredJob> jobs = store.Jobs();
  for (const profile::StoredJob& job : jobs) {
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
    EXPECT_EQ(n, uploads) << "run " << run;
    if (all_succeeded) {
      EXPECT_EQ(grays[run], frames[run]) << "run " << run;
    }
  }
  return static_cast<int>(jobs.size());
}

// A test's folder, its log, and its results folder.
struct Env {
  TempDir dir;
  std::ostringstream log;
  std::string out() const { return dir.path() + "/out"; }
};

// 2 inputs (2 s and 3 s videos) x split-video parallelism {1, 2} = 4 runs; each run uploads the
// video twice: 2 split jobs, and one grayify job per frame they wrote (FRAMES_PER_SECOND = 2).
inline constexpr int kRuns = 4;

}  // namespace twinprof::test
