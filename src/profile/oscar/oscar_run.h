// OscarRun: one configuration run on an OSCAR cluster, from deployment to the last job record
// (what OscarBackend::Run does; oscar_backend.h describes the protocol).
//
// An OscarRun lives for one Execute() call. It owns the run's bookkeeping (the jobs it has seen,
// the invocations it has sent) and borrows the rest: the client, the options, the request and
// the observer must outlive it. Its phases are its methods, in the order Execute() calls them:
//   Deploy()            create or update the services, read their tokens, clear their jobs;
//   InvokeDueUploads()  send the uploads whose time has come (POST /job), one listing after each
//                       group of alike invocations (Send, Resolve);
//   Poll()              list every service's jobs, bind new jobs to their invocations (Bind),
//                       report those that finished (Report);
//   TimeOut()           at run_timeout, report the unfinished jobs as failed;
//   Finish()            delete the run's jobs and write the run's notes.
//
// Invocations and jobs. POST /job is not idempotent and its answer does not name the job it
// created. A 201 makes an invocation "pending" (its job exists); a lost answer or a 5xx makes it
// "ambiguous", and the next listing decides: the jobs beyond the pending invocations' are the
// ambiguous ones' (they are alike: same service, same input file), the rest created nothing and
// are sent again — checked, never blindly, at most max_attempts times in all. Jobs are bound to
// pending invocations in order: the jobs of an earlier listing first, and within one listing in
// the order the pods started (creation_time; Kubernetes starts a service's pods first come, first
// served), never by name (OSCAR names jobs SERVICE-<uuid4>); a job whose pod has not started is
// bound only when no other job of its listing could start before it. Pods that started in the
// same second (the resolution of creation_time) within one group are alike: any order is right
// to within the group's sending time.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profile/backend.h"
#include "profile/oscar/job_info.h"
#include "profile/oscar/job_timeline.h"
#include "profile/oscar/oscar_client.h"
#include "profile/oscar/oscar_options.h"
#include "profile/oscar/supervisor_log.h"

namespace twinprof::profile::oscar {

class OscarRun {
 public:
  OscarRun(OscarClient& client, const OscarOptions& options, const RunRequest& request,
           const RunObserver& observer);

  // Runs the run to its end and returns its result. The services it deployed are appended to
  // `deployed_services` (once each), so that the backend can delete them at the end. Throws as
  // OscarBackend::Run does.
  RunResult Execute(std::vector<std::string>* deployed_services);

 private:
  // One OSCAR job the run knows about.
  struct Tracked {
    std::string service;
    std::string component;
    std::string name;  // OSCAR's job name ("" for an invocation that never became a job)
    JobInfo info;
    double first_seen = 0;
    const Upload* upload = nullptr;  // the invocation that created it, once bound (source jobs)
    double sent_at = 0;
    bool reported = false;
    std::optional<std::string> log;  // read once the job is over
  };

  // One upload sent with POST /job, and the POSTs it took.
  struct Invocation {
    const Upload* upload = nullptr;
    double sent_at = 0;  // of the last POST
    int attempts = 0;
  };

  // The invocations of one service that are not bound to a job yet.
  struct Invocations {
    std::deque<Invocation> pending;     // a job exists for each (201, or shown by a listing)
    std::vector<Invocation> ambiguous;  // answer lost or 5xx: not known yet
    std::vector<std::string> unbound;   // keys of jobs seen but not bound to an invocation
  };

  void Deploy(std::vector<std::string>* deployed_services);
  void InvokeDueUploads();
  // POSTs `invocation` to `service` and files it as pending or ambiguous.
  void Send(const std::string& service, Invocation invocation);
  // Decides the ambiguous invocations of `service` from its last listing, sending again those
  // that created no job (and listing again), then binds what can be bound.
  void Resolve(const std::string& service);
  // Binds unbound jobs to pending invocations in pod start order; with `force`, binds even jobs
  // whose order is not known yet (the run is ending). Throws InputError when more jobs appeared
  // than were invoked (another client).
  void Bind(const std::string& service, bool force);
  // Registers the jobs that appeared in `service` since the last look and updates the others.
  // Returns the number of new jobs.
  size_t Refresh(const std::string& service, double now);
  // Lists every service and reports the jobs that finished. Returns true when the run is over.
  bool Poll(double now);
  // Whether a finished bucket-triggered job should wait before being reported: a job of a
  // service upstream is still to be reported, whose log tells when it uploaded this job's input
  // (needed when the storage event is not logged) and under which name its own input came.
  bool WaitForProducer(Tracked& job);
  void TimeOut();
  // Reports every invocation still without a job as failed.
  void ReportLostInvocations(const std::string& why);
  // Writes the job's record and hands it to the observer. `failure` = "" unless the job is to
  // be recorded failed for a reason other than its pod's phase. `gave_up_at` (timeouts): the
  // phases the job never reached end then, so the phase it was stuck in gets the time it spent.
  void Report(Tracked& job, const std::string& failure,
              std::optional<double> gave_up_at = std::nullopt);
  const std::string& LogOf(Tracked& job);
  // The size of an object in the cluster's MinIO (GET /system/buckets/{bucket}), or kNotMeasured.
  double ObjectSize(const std::string& bucket, const std::string& key);
  void SleepUntilNextEvent();
  void Finish();

  OscarClient& client_;
  const OscarOptions& options_;
  const RunRequest& request_;
  const RunObserver& observer_;
  RunResult result_;

  std::vector<ServiceSpec> specs_;
  std::map<std::string, std::string> service_of_;                // by component
  std::map<std::string, std::string> component_of_;              // by service
  std::map<std::string, std::string> tokens_;                    // by service
  std::map<std::string, const Deployment*> deployment_of_;       // by service
  std::map<std::string, std::set<std::string>> stale_;           // jobs that predate the run
  std::map<std::string, std::vector<std::string>> upstream_of_;  // deployed predecessors' services
  std::map<std::string, Invocations> invocations_;  // by service; the services that get uploads
  std::vector<std::string> order_;  // the services in the workflow's topological order

  double run_start_ = 0;
  std::map<std::string, Tracked> jobs_;  // by service + "/" + name
  std::set<std::string> used_ids_;
  // When each object the run's jobs uploaded was complete ("BUCKET/KEY" -> epoch seconds, one
  // per upload: jobs of one run may write the same key).
  std::map<std::string, std::vector<double>> upload_end_;
  std::map<std::string, std::map<std::string, double>> object_sizes_;  // by bucket, by key
  // The name OSCAR gave an invocation's input (event-file-<uuid4>) -> the upload's name without
  // its extension: names derived from it downstream get the upload's name back, so that ids are
  // the local backend's and the same in every run.
  std::map<std::string, std::string> renamed_inputs_;
  TimelineFix fixes_;
  int missing_script_lines_ = 0;
  int unnamed_inputs_ = 0;   // bucket-triggered jobs whose log names no input
  int unknown_submits_ = 0;  // ... whose submission time is the pod's (1 s resolution)
  double first_submit_ = 0, last_finish_ = 0;
  bool any_reported_ = false;

  size_t next_upload_ = 0;
  double last_change_ = 0;
  double next_poll_ = 0;
  std::map<std::string, JobStatus> last_status_;  // by job key
};

}  // namespace twinprof::profile::oscar
