// Credentials for the OSCAR API, read from the environment only.
//
// OSCAR_TOKEN (an OIDC bearer token) wins when set; otherwise OSCAR_USER and OSCAR_PASSWORD give
// HTTP Basic. Nothing is ever read from a file (campaign files live in repositories), and the
// secret is never printed: Describe() says which variables were used, not their values.
#pragma once

#include <string>

#include "profile/oscar/http_client.h"

namespace twinprof::profile::oscar {

struct Credentials {
  HttpAuth auth;
  // "OSCAR_TOKEN (bearer)" or "OSCAR_USER=alice with OSCAR_PASSWORD (basic)"; no secret.
  std::string Describe() const;
};

// Reads the variables. Throws InputError saying which variables to set when they are missing or
// only half there (OSCAR_USER without OSCAR_PASSWORD, or the reverse), or empty.
Credentials CredentialsFromEnvironment();

}  // namespace twinprof::profile::oscar
