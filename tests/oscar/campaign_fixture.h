// A video-process campaign (workflows/video-process.yaml) pointed at a FakeOscar, profiled
// with the real profiler and results store: what the oscar backend's end-to-end tests share.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "fake_oscar.h"
#include "profile/campaign.h"
#include "profile/profiler.h"
#include "profile/results_store.h"
#include "test_util.h"

namespace twinprof::testing {

inline constexpr char kPassword[] = "pa55-w0rd-never-printed-7f3a";

// Writes campaign.yaml into `dir` (the workflow is the repository's video-process) with the
// oscar section pointing at `endpoint` (an empty endpoint: the local backend instead); `extra` is
// appended to the oscar section.
inline std::string WriteCampaign(const std::string& dir, const std::string& endpoint,
                                 const std::string& extra = "", int seconds_a = 2,
                                 int seconds_b = 3) {
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
                      << "arrival: {batch_size: 2, number_of_batches: 1}\n";
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
inline ProfileSummary ProfileCampaign(const std::string& campaign_path, const std::string& out,
                                      bool resume, std::ostream& log) {
  Campaign campaign = LoadCampaign(campaign_path);
  std::unique_ptr<Backend> backend = MakeBackend(campaign.backend);
  ProfileOptions options;
  options.output_dir = out;
  options.resume = resume;
  options.progress = &log;
  ProfileSummary summary = Profile(campaign, *backend, options);
  log << summary.FullReport() << "\n";
  return summary;
}

}  // namespace twinprof::testing
