// HttpClient: one HTTP(S) endpoint, spoken to with timeouts, bounded retries and clear errors.
//
// Every request gets a connect timeout and a read timeout. A request that fails to connect is
// retried up to `max_attempts` times in all, waiting an exponentially growing delay with full
// jitter between attempts (never longer than `max_backoff`); so is an idempotent request whose
// answer is a 5xx or was lost (read error or timeout). A 4xx answer is never retried. A
// non-idempotent request (POST /job) is never sent twice: a 5xx answer (a gateway may answer 502
// after the job was created) or a lost answer throws HttpAmbiguousError, so that the caller can
// find out whether it took effect.
//
// Errors:
//   - 401 and 403 throw InputError naming the endpoint and saying what to check (credentials);
//   - 404 throws InputError naming the endpoint and the path;
//   - other 4xx throw InputError with the status and the start of the answer's body;
//   - retries exhausted (connection errors, timeouts, 5xx) throw HttpUnavailableError, an
//     InputError (exit status 2) that says what to check.
// Messages never contain credentials: the Authorization header is never printed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"

namespace httplib {
class Client;
}

namespace twinprof::profile::oscar {

// How a request authenticates. The secret is held here only; it is never printed.
struct HttpAuth {
  enum class Kind { kNone, kBasic, kBearer };
  Kind kind = Kind::kNone;
  std::string user;    // Basic only
  std::string secret;  // Basic password or bearer token

  static HttpAuth None() { return {}; }
  static HttpAuth Basic(std::string user, std::string password) {
    return {Kind::kBasic, std::move(user), std::move(password)};
  }
  static HttpAuth Bearer(std::string token) { return {Kind::kBearer, "", std::move(token)}; }
};

struct HttpOptions {
  // "https://host[:port]" or "http://host[:port]"; a bare host means https.
  std::string endpoint;
  // Skip TLS certificate verification (self-signed test clusters). Off by default.
  bool insecure = false;
  // A few seconds: an endpoint that does not accept the connection by then is a wrong address or
  // a cluster that is down, which the user should hear about quickly.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{60000};
  // Attempts in all for one request (1 = no retry).
  int max_attempts = 5;
  // Delay before the second attempt; doubled for each further one, capped at max_backoff. The
  // actual wait is drawn uniformly in [0, delay] ("full jitter").
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  // Seed for the jitter (tests fix it).
  uint64_t seed = std::random_device{}();
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Retries exhausted: the endpoint could not be reached, did not answer, or kept answering 5xx.
// The message names the request and says what to check. An InputError: a wrong endpoint or a
// cluster that is down is the user's to fix (exit status 2), not a bug of twinprof.
class HttpUnavailableError : public InputError {
 public:
  enum class Cause {
    kUnreachable,  // the connection failed (refused, no route, connect timeout)
    kNoAnswer,     // connected, but the answer never came (read timeout) or broke off
    kServerError,  // 5xx answers
  };
  HttpUnavailableError(Cause cause, const std::string& message)
      : InputError(message), cause_(cause) {}
  Cause cause() const { return cause_; }

 private:
  Cause cause_;
};

// A non-idempotent request was sent but its answer was lost or was a 5xx: it may or may not
// have taken effect.
class HttpAmbiguousError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  // Throws InputError when the endpoint is not a valid http(s) URL.
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  struct Request {
    std::string method;  // GET, POST, PUT, DELETE
    std::string path;    // with its query string, already URL-encoded
    std::string body;
    std::string content_type;
    HttpAuth auth;
    bool idempotent = true;
    // Return a 404 answer instead of throwing (existence checks, deletes of what may be gone).
    bool not_found_ok = false;
    // Overrides of the options for this request (0 = the options'): a reachability probe uses
    // a short read timeout and a single attempt.
    std::chrono::milliseconds read_timeout{0};
    int max_attempts = 0;
  };

  // Sends `request` with the retry policy above and returns the 2xx or 3xx answer. Throws as
  // described at the top of this file.
  HttpResponse Send(const Request& request);

  // The endpoint as given, normalized ("https://host:port"); never contains credentials.
  const std::string& endpoint() const { return endpoint_; }
  const HttpOptions& options() const { return options_; }
  // Attempts that were retried since construction (for summaries and tests).
  int retries() const { return retries_; }

  // Called before each wait between attempts with the attempt number (1-based), the reason and
  // the delay; tests and verbose logs use it. The reason never contains credentials.
  using RetryObserver =
      std::function<void(int attempt, const std::string& reason, std::chrono::milliseconds delay)>;
  void set_retry_observer(RetryObserver observer) { observer_ = std::move(observer); }

 private:
  std::chrono::milliseconds Backoff(int attempt);

  HttpOptions options_;
  std::string endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::mt19937_64 rng_;
  int retries_ = 0;
  RetryObserver observer_;
};

// "GET https://host/path" for messages (query strings dropped: they may carry page tokens).
std::string DescribeRequest(const std::string& endpoint, const std::string& method,
                            const std::string& path);

// An answer's body parsed as a JSON object. Throws InputError naming the request (`what`, as
// DescribeRequest says it) when it is not valid JSON or not an object, saying what was `expected`
// ("a service definition").
nlohmann::json ParseJsonObject(const std::string& body, const std::string& what,
                               const std::string& expected);

// Percent-encodes one path segment or query value (RFC 3986 unreserved characters pass).
std::string UrlEncode(const std::string& text);

}  // namespace twinprof::profile::oscar
