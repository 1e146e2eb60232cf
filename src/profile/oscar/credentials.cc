#include "profile/oscar/credentials.h"

#include <cstdlib>

#include "core/error.h"

namespace twinprof::profile::oscar {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

}  // namespace

std::string Credentials::Describe() const {
  switch (auth.kind) {
    case HttpAuth::Kind::kBearer:
      return "OSCAR_TOKEN (bearer)";
    case HttpAuth::Kind::kBasic:
      return "OSCAR_USER=" + auth.user + " with OSCAR_PASSWORD (basic)";
    default:
      return "no credentials";
  }
}

Credentials CredentialsFromEnvironment() {
  const std::string token = Env("OSCAR_TOKEN");
  if (!token.empty()) return {HttpAuth::Bearer(token)};
  const std::string user = Env("OSCAR_USER");
  const std::string password = Env("OSCAR_PASSWORD");
  if (!user.empty() && !password.empty()) return {HttpAuth::Basic(user, password)};
  if (!user.empty()) {
    throw InputError(
        "OSCAR_USER is set but OSCAR_PASSWORD is not (or is empty); set both in the "
        "environment, or set OSCAR_TOKEN");
  }
  if (!password.empty()) {
    throw InputError(
        "OSCAR_PASSWORD is set but OSCAR_USER is not (or is empty); set both in the "
        "environment, or set OSCAR_TOKEN");
  }
  throw InputError(
      "no OSCAR credentials: set OSCAR_USER and OSCAR_PASSWORD (HTTP Basic) or "
      "OSCAR_TOKEN (OIDC bearer token) in the environment; credentials are never "
      "read from files");
}

}  // namespace twinprof::profile::oscar
