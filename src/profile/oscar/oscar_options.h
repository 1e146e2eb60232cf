// The `oscar:` section of a campaign (with `backend: oscar`): where the cluster is and how
// patiently to talk to it. Credentials are NOT here: they come from the environment
// (credentials.h). docs/formats.md, "Campaign: the oscar backend", documents every field.
#pragma once

#include <string>

#include "profile/backend.h"
#include "profile/oscar/http_client.h"

namespace twinprof::profile::oscar {

struct OscarOptions {
  HttpOptions http;             // endpoint, insecure, connect/read timeouts, attempts, backoff
  std::string cluster_id;       // the FDL cluster id the services belong to ("" = not sent)
  std::string arch = "x86_64";  // which of the component's images to deploy
  std::string bucket;          // MinIO bucket for generated input/output paths ("" = workflow name)
  double poll_interval_s = 2;  // between two listings of a service's jobs
  double run_timeout_s = 3600;   // a run's jobs not finished by then are recorded as failed
  double settle_s = 10;          // quiet time after the last job finished before a run is over
  bool cleanup_jobs = true;      // DELETE /system/logs/{service} after each run
  bool delete_services = false;  // DELETE the services when the backend is done
};

// Parses config.section (may be undefined: then `endpoint` is missing and that is an error).
// Throws InputError at the offending line; unknown keys are errors too (typos would silently
// change where jobs run).
OscarOptions ParseOscarOptions(const BackendConfig& config);

}  // namespace twinprof::profile::oscar
