#include "profile/oscar/oscar_backend.h"

#include "profile/oscar/oscar_run.h"

namespace twinprof::profile::oscar {

OscarBackend::OscarBackend(OscarOptions options, Credentials credentials)
    : options_(std::move(options)), client_(options_.http, std::move(credentials)) {}

OscarBackend::~OscarBackend() {
  if (!options_.delete_services) return;
  for (const auto& service : deployed_services_) {
    try {
      client_.DeleteService(service);
    } catch (const std::exception&) {
      // Best effort at the end; the services stay and the user can delete them.
    }
  }
}

RunResult OscarBackend::Run(const RunRequest& request, const RunObserver& observer) {
  if (!reachable_) {
    client_.CheckReachable();  // within seconds, not after a minute of retries per request
    reachable_ = true;
  }
  OscarRun run(client_, options_, request, observer);
  return run.Execute(&deployed_services_);
}

std::unique_ptr<Backend> MakeOscarBackend(const BackendConfig& config) {
  OscarOptions options = ParseOscarOptions(config);
  return std::make_unique<OscarBackend>(std::move(options), CredentialsFromEnvironment());
}

}  // namespace twinprof::profile::oscar
