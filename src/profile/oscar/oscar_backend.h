// OscarBackend: runs a campaign's configuration runs on a real OSCAR cluster through its REST
// API (the Backend contract of profile/backend.h).
//
// Before its first run it checks that the endpoint answers GET /health within the connect
// timeout. For each run (oscar_run.h) it creates or updates one service per deployed component
// (service_specs.h), deletes the services' old jobs, invokes the source components with
// POST /job/{service} at the upload times (chained components are triggered by OSCAR itself
// through the buckets), polls GET /system/logs/{service} until every job is Succeeded or Failed
// and nothing new has appeared for `settle` seconds, reads each finished job's log for the
// script's start and end, reports one JobRecord per job (source "oscar"; times as in
// job_timeline.h) and deletes the run's jobs.
//
// OSCAR's POST /job does not say which job it created and names jobs SERVICE-<uuid4>, so a
// source job is bound to its invocation by listing the service's jobs after each group of alike
// invocations, in the order the pods started (never by name); an invocation whose answer was
// lost or a 5xx is settled by the listing, and sent again only when it created no job. A
// bucket-triggered job is named after the object it received (the supervisor's download line or
// the storage event in its log).
//
// Jobs still unfinished at `run_timeout` are reported failed ("timeout: still Pending") with the
// time they spent, as are invocations that never became a job. An unreachable cluster, exhausted
// retries, a vanished service or a broken answer throw InputError saying what to check (the
// profiler stops; --resume reruns the run).
#pragma once

#include <memory>
#include <string>

#include "profile/backend.h"
#include "profile/oscar/credentials.h"
#include "profile/oscar/oscar_client.h"
#include "profile/oscar/oscar_options.h"

namespace twinprof::profile::oscar {

class OscarBackend : public Backend {
 public:
  OscarBackend(OscarOptions options, Credentials credentials);
  ~OscarBackend() override;

  std::string name() const override { return "oscar"; }
  RunResult Run(const RunRequest& request, const RunObserver& observer) override;

  OscarClient& client() { return client_; }

 private:
  OscarOptions options_;
  OscarClient client_;
  std::vector<std::string> deployed_services_;
  bool reachable_ = false;  // GET /health answered
};

// For backend_factory.cc: parses the campaign's oscar section and reads the credentials from
// the environment (InputError when either is wrong).
std::unique_ptr<Backend> MakeOscarBackend(const BackendConfig& config);

}  // namespace twinprof::profile::oscar
