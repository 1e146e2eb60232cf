// LocalRun: one configuration run of the local backend (local_backend.h says what a job is and
// what each of its times means). LocalBackend::Run makes one, calls Execute() once, and drops it.
//
// The run is an event loop over four kinds of event: an upload falls due, a job's process ends
// (its pidfd becomes readable), a job outlives its timeout, and Ctrl-C or SIGTERM arrives
// (RunRequest::interrupt). Each phase of the loop is one method
// below, in the order Execute() calls them.
//
// Ownership: the request, observer and cgroups must outlive the LocalRun; the run owns its
// buckets' state and its running jobs (their processes and cgroups), and removes the jobs'
// folders when they end (unless LocalBackendOptions::keep_job_dirs).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "profile/backend.h"
#include "profile/local/cgroup.h"
#include "profile/local/job_process.h"
#include "profile/local/local_backend.h"

namespace twinprof::profile::local {

class LocalRun {
 public:
  LocalRun(const RunRequest& request, const RunObserver& observer, Cgroups& cgroups,
           const LocalBackendOptions& options);
  LocalRun(const LocalRun&) = delete;
  LocalRun& operator=(const LocalRun&) = delete;

  // Runs every upload and every job it triggers, reporting each finished job to the observer.
  // Throws Interrupted (after killing the running jobs, unreported, and removing their cgroups
  // and folders) when the request's interrupt fires; std::runtime_error when the machine fails
  // us (poll).
  RunResult Execute();

 private:
  // A file waiting in a bucket for a slot.
  struct QueuedFile {
    std::string name;  // object name in the bucket
    std::string path;  // the file in the bucket folder
    double t_submit = 0;
  };
  struct ComponentState {
    const Deployment* deployment = nullptr;
    const workflow::Component* component = nullptr;
    std::string bucket;
    std::deque<QueuedFile> queue;
    int running = 0;
    std::vector<ComponentState*> successors;  // deployed ones
    std::vector<std::string> environment;     // the process environment minus the two job paths
    std::vector<std::string> inputs;          // every file that landed in the bucket
    std::string script;                       // absolute: jobs run in their own folders
  };
  struct RunningJob {
    ComponentState* state = nullptr;
    JobRecord record;
    std::string input_name;
    std::string input_path;  // its copy in the job's folder
    std::string dir;
    std::string output_dir;
    std::unique_ptr<JobCgroup> cgroup;
    std::unique_ptr<JobProcess> process;  // null when it could not start
    double deadline = 0;
    bool timed_out = false;
  };

  // Seconds since the run's start.
  double Now() const;

  // Set-up: one bucket folder and state per deployed component, linked to the deployed
  // successors; the jobs' folder.
  void CreateBuckets();
  // A file lands in a component's bucket (moved, or copied when other buckets need it too).
  void Land(ComponentState& state, const std::string& from, const std::string& name, bool move);

  // Loop phases, in order.
  // Uploads that are due land in their buckets.
  void UploadDueFiles();
  // Free slots take queued files (components in workflow order).
  void StartQueuedJobs();
  void StartJob(ComponentState& state);
  // Jobs that could not start are finished at once.
  void FinishUnstartedJobs();
  // Nothing running, queued or still to upload.
  bool AllDone() const;
  bool AnyQueued() const;
  // Waits for a job to end, an upload to be due, a deadline or an interruption; returns the
  // jobs whose process ended, in slot order.
  std::vector<size_t> WaitForEvents();
  // Interruption: every running job killed (process group and cgroup), reaped and removed,
  // unreported; then throws Interrupted.
  void StopIfInterrupted();
  // Deadlines: jobs past their timeout are killed (they end, and are finished, like any other).
  void KillOverdueJobs();
  // Ended jobs are finished and leave their slots.
  void FinishEndedJobs(const std::vector<size_t>& ended);

  // The end of a job: exit status, usage, the failure's reason, the outputs' upload, the record.
  void FinishJob(RunningJob& job);
  // Why a job failed, from its exit and its cgroup's usage ("" = it succeeded).
  std::string FailureReason(const RunningJob& job, const ProcessExit& exit,
                            const JobUsage& usage) const;
  // Upload: every output file to each deployed successor's bucket (or to outputs/).
  void UploadOutputs(RunningJob& job);

  const RunRequest& request_;
  const RunObserver& observer_;
  Cgroups& cgroups_;
  const LocalBackendOptions& options_;
  const std::string arch_;
  const std::string host_;
  const std::string work_dir_;  // absolute
  std::string outputs_dir_;
  std::string jobs_dir_;
  std::chrono::steady_clock::time_point t0_;

  std::map<std::string, ComponentState> states_;
  std::vector<std::unique_ptr<RunningJob>> running_;
  size_t next_upload_ = 0;
  int job_sequence_ = 0;
  double first_submit_;
  double last_finish_ = 0;
  RunResult result_;
};

}  // namespace twinprof::profile::local
