// OscarRun: one configuration run on an OSCAR cluster, from deployment to the last job record
// (what OscarBackend::Run does; oscar_backend.h describes the protocol).
//
// An OscarRun lives for one Execute() call. It owns the run's bookkeeping (the jobs it has seen,
// the invocations it has sent) and borrows the rest: the client, the options, the request and
// the observer must outlive it. Its phases are its methods, in the order Execute() calls them:
//   Deploy()            create or update the services, read their tokens, clear their jobs;
//   InvokeDueUploads()  send the uploads whose time has come (POST /job) and match them to the
//                       jobs they created (MatchBatch);
//   Poll()              list every service's jobs, report those that finished;
//   TimeOut()           at run_timeout, report the unfinished jobs as failed;
//   Finish()            delete the run's jobs and write the run's notes.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "profile/backend.h"
#include "profile/oscar/job_info.h"
#include "profile/oscar/job_timeline.h"
#include "profile/oscar/oscar_client.h"
#include "profile/oscar/oscar_options.h"

namespace twinprof::oscar {

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
    const Upload* upload = nullptr;  // the invocation that created it (source jobs)
    double sent_at = 0;
    bool reported = false;
  };

  // One POST /job and what is known of its fate.
  struct Invocation {
    const Upload* upload = nullptr;
    double sent_at = 0;
    bool ambiguous = false;  // the answer was lost: it may or may not have created a job
  };

  void Deploy(std::vector<std::string>* deployed_services);
  void InvokeDueUploads();
  void MatchBatch(const std::string& service, std::vector<Invocation>& invocations);
  // Registers the jobs that appeared in `service` since the last look; returns their names.
  std::vector<std::string> Refresh(const std::string& service, double now);
  // Lists every service and reports the jobs that finished. Returns true when the run is over.
  bool Poll(double now);
  void TimeOut();
  // Writes the job's record and hands it to the observer. `failure` = "" unless the job is to
  // be recorded failed for a reason other than its pod's phase.
  void Report(Tracked& job, const std::string& failure);
  void SleepUntilNextEvent();
  void Finish();

  OscarClient& client_;
  const OscarOptions& options_;
  const RunRequest& request_;
  const RunObserver& observer_;
  RunResult result_;

  std::vector<ServiceSpec> specs_;
  std::map<std::string, std::string> service_of_;           // by component
  std::map<std::string, std::string> component_of_;         // by service
  std::map<std::string, std::string> tokens_;               // by service
  std::map<std::string, const Deployment*> deployment_of_;  // by service
  std::map<std::string, std::set<std::string>> stale_;      // jobs that predate the run

  double run_start_ = 0;
  std::map<std::string, Tracked> jobs_;  // by service + "/" + name
  std::set<std::string> used_ids_;
  TimelineFix fixes_;
  int missing_script_lines_ = 0;
  double first_submit_ = 0, last_finish_ = 0;
  bool any_reported_ = false;

  size_t next_upload_ = 0;
  double last_change_ = 0;
  double next_poll_ = 0;
  std::map<std::string, JobStatus> last_status_;  // by job key
};

}  // namespace twinprof::oscar
