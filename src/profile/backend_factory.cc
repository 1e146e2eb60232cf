// One line per backend: the name used in campaigns -> the backend.
#include "profile/backend.h"
#include "profile/local/local_backend.h"
#include "profile/oscar/oscar_backend.h"

namespace twinprof::profile {

std::unique_ptr<Backend> MakeBackend(const BackendConfig& config) {
  if (config.name == "local") {
    return std::make_unique<local::LocalBackend>(local::ParseLocalBackendOptions(config));
  }
  if (config.name == "oscar") return oscar::MakeOscarBackend(config);
  throw InputError(config.where, "backend '" + config.name + "' is not available in this build");
}

}  // namespace twinprof::profile
