// The local backend: runs a workflow's components as real processes on this machine, with the
// containers' limits enforced through cgroups (cgroup.h), the way OSCAR on Kubernetes runs them.
//
// A run's folder holds one directory per bucket (buckets/COMPONENT/). An uploaded input file or an
// output file of an upstream job lands in a component's bucket; it becomes a job as soon as the
// component has fewer than `parallelism` jobs running. A job:
//   t_submit           the file landed in the bucket
//   t_pod_start        the job got its slot
//   t_container_start  its cgroup (limits) and fresh folders exist
//   t_exec_start       its input was linked or copied in ("download"); the script starts:
//                      /bin/sh SCRIPT (or SCRIPT itself when it has a #! line and is executable),
//                      INPUT_FILE_PATH and TMP_OUTPUT_DIR set, cwd a fresh empty folder,
//                      stdin /dev/null, stdout and stderr to one log (its tail is kept with
//                      the record), own process group
//   t_exec_end         the script's process ended
//   t_finish           every file it wrote to TMP_OUTPUT_DIR was put into the bucket of each
//                      deployed downstream component ("upload"; files of a failed job are not)
// A job that outlives the job timeout gets its process group and cgroup killed: failed, reason
// "timeout". One killed by the kernel's OOM killer in its memory cgroup: failed, reason "oom".
// A non-zero exit: failed, reason "exit N". The run goes on in every case.
// Ctrl-C or SIGTERM (RunRequest::interrupt): every running job's process group and cgroup are
// killed, its folder and cgroup removed, and Run() throws Interrupted without reporting them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "profile/backend.h"
#include "profile/local/cgroup.h"

namespace twinprof::profile::local {

// The campaign's `local:` section.
struct LocalBackendOptions {
  // Give the jobs' parent cgroup the maximal CPU weight (see Cgroups). Default true.
  bool prioritize_jobs = true;
  // Keep each job's folder (input, working folder, output, log) after it finished.
  bool keep_job_dirs = false;
};

// Reads the `local:` section (absent = defaults); throws InputError at a bad key or value.
LocalBackendOptions ParseLocalBackendOptions(const BackendConfig& config);

class LocalBackend : public Backend {
 public:
  explicit LocalBackend(LocalBackendOptions options = {});
  ~LocalBackend() override;

  std::string name() const override { return "local"; }
  RunResult Run(const RunRequest& request, const RunObserver& observer) override;
  bool stops_on_interrupt() const override { return true; }

 private:
  LocalBackendOptions options_;
  std::unique_ptr<Cgroups> cgroups_;  // created at the first run, removed with the backend
  bool noted_ = false;                // cgroup notes reported once
};

}  // namespace twinprof::profile::local
