#include "profile/oscar/http_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <thread>

namespace twinprof::profile::oscar {
namespace {

// Splits "scheme://host[:port][/...]"; a bare host means https.
std::string NormalizeEndpoint(const std::string& endpoint) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.empty()) throw InputError("the OSCAR endpoint is empty; expected https://HOST[:PORT]");
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    url = "https://" + url;
  } else {
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      throw InputError("the OSCAR endpoint '" + endpoint + "' has scheme '" + scheme +
                       "'; expected https:// (or http://)");
    }
  }
  const auto host_start = url.find("://") + 3;
  if (url.find('/', host_start) != std::string::npos) {
    throw InputError("the OSCAR endpoint '" + endpoint +
                     "' has a path; expected only https://HOST[:PORT] (OSCAR serves at the root)");
  }
  if (url.find('@', host_start) != std::string::npos) {
    throw InputError(
        "the OSCAR endpoint must not contain credentials; set OSCAR_USER and OSCAR_PASSWORD (or "
        "OSCAR_TOKEN) in the environment instead");
  }
  if (host_start == url.size())
    throw InputError("the OSCAR endpoint '" + endpoint + "' has no host");
  return url;
}

std::string StripQuery(const std::string& path) { return path.substr(0, path.find('?')); }

// The first line of a body, short, for messages.
std::string Excerpt(const std::string& body) {
  std::string line = body.substr(0, body.find('\n'));
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

enum class Failure { kNone, kRetry, kAmbiguous, kTls };

Failure Classify(httplib::Error error, bool idempotent) {
  switch (error) {
    case httplib::Error::Success:
      return Failure::kNone;
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
    case httplib::Error::BindIPAddress:
    case httplib::Error::Write:
      // Nothing (complete) reached the server: safe to send again.
      return Failure::kRetry;
    case httplib::Error::SSLServerVerification:
    case httplib::Error::SSLLoadingCerts:
      return Failure::kTls;
    default:
      // Sent, answer lost (Read, SSL errors mid-stream, Unknown...).
      return idempotent ? Failure::kRetry : Failure::kAmbiguous;
  }
}

}  // namespace

nlohmann::json ParseJsonObject(const std::string& body, const std::string& what,
                               const std::string& expected) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(what + ": the answer is not valid JSON (" + std::string(e.what()) +
                     "); expected " + expected);
  }
  if (!doc.is_object()) {
    throw InputError(what + ": the answer should be a JSON object (" + expected + ")");
  }
  return doc;
}

std::string DescribeRequest(const std::string& endpoint, const std::string& method,
                            const std::string& path) {
  return method + " " + endpoint + StripQuery(path);
}

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

HttpClient::HttpClient(HttpOptions options)
    : options_(std::move(options)),
      endpoint_(NormalizeEndpoint(options_.endpoint)),
      rng_(options_.seed) {
  client_ = std::make_unique<httplib::Client>(endpoint_);
  if (!client_->is_valid()) {
    throw InputError("cannot use the OSCAR endpoint '" + endpoint_ + "'");
  }
  const auto us = [](std::chrono::milliseconds ms) {
    return std::chrono::duration_cast<std::chrono::microseconds>(ms);
  };
  client_->set_connection_timeout(us(options_.connect_timeout));
  client_->set_read_timeout(us(options_.read_timeout));
  client_->set_write_timeout(us(options_.read_timeout));
  client_->enable_server_certificate_verification(!options_.insecure);
  client_->set_follow_location(false);
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

HttpClient::~HttpClient() = default;

std::chrono::milliseconds HttpClient::Backoff(int attempt) {
  // attempt 1 failed -> initial_backoff, then doubling, capped; full jitter.
  double delay = static_cast<double>(options_.initial_backoff.count());
  for (int i = 1; i < attempt && delay < options_.max_backoff.count(); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(options_.max_backoff.count()));
  std::uniform_real_distribution<double> jitter(0.0, delay);
  return std::chrono::milliseconds(static_cast<int64_t>(jitter(rng_)));
}

HttpResponse HttpClient::Send(const Request& request) {
  const std::string what = DescribeRequest(endpoint_, request.method, request.path);
  httplib::Request req;
  req.method = request.method;
  req.path = request.path;
  req.body = request.body;
  if (!request.content_type.empty()) req.set_header("Content-Type", request.content_type);
  req.set_header("Accept", "application/json, text/plain, */*");
  switch (request.auth.kind) {
    case HttpAuth::Kind::kNone:
      break;
    case HttpAuth::Kind::kBasic:
      req.headers.emplace(
          httplib::make_basic_authentication_header(request.auth.user, request.auth.secret));
      break;
    case HttpAuth::Kind::kBearer:
      req.set_header("Authorization", "Bearer " + request.auth.secret);
      break;
  }

  const int max_attempts = request.max_attempts > 0 ? request.max_attempts : options_.max_attempts;
  const auto us = [](std::chrono::milliseconds ms) {
    return std::chrono::duration_cast<std::chrono::microseconds>(ms);
  };
  // Restores the client's read timeout however Send() ends.
  struct ReadTimeout {
    httplib::Client* client;
    std::chrono::microseconds normal;
    ~ReadTimeout() { client->set_read_timeout(normal); }
  } restore{client_.get(), us(options_.read_timeout)};
  if (request.read_timeout.count() > 0) client_->set_read_timeout(us(request.read_timeout));

  std::string last_reason;
  HttpUnavailableError::Cause cause = HttpUnavailableError::Cause::kUnreachable;
  for (int attempt = 1;; ++attempt) {
    httplib::Result result = client_->send(req);
    if (!result) {
      const httplib::Error error = result.error();
      const std::string reason = "no answer (" + httplib::to_string(error) + ")";
      switch (Classify(error, request.idempotent)) {
        case Failure::kTls:
          throw InputError(what + ": TLS certificate verification failed (" +
                           httplib::to_string(error) +
                           "); check the endpoint's certificate, or set 'insecure: true' in the "
                           "campaign (or pass --insecure) for a test cluster");
        case Failure::kAmbiguous:
          throw HttpAmbiguousError(what + ": the request was sent but its answer was lost (" +
                                   httplib::to_string(error) + ")");
        default:
          last_reason = reason;
          cause = error == httplib::Error::Connection ||
                          error == httplib::Error::ConnectionTimeout ||
                          error == httplib::Error::BindIPAddress
                      ? HttpUnavailableError::Cause::kUnreachable
                      : HttpUnavailableError::Cause::kNoAnswer;
          break;
      }
    } else {
      const int status = result->status;
      if (status < 400 || (status == 404 && request.not_found_ok)) {
        return {status, result->body, result->get_header_value("Content-Type")};
      }
      if (status == 401 || status == 403) {
        throw InputError(what + ": " + std::to_string(status) +
                         (status == 401 ? " Unauthorized" : " Forbidden") +
                         "; check OSCAR_USER and OSCAR_PASSWORD (or OSCAR_TOKEN) in the "
                         "environment, that this user may use the service, and that the "
                         "endpoint is the right cluster");
      }
      if (status == 404) {
        throw InputError(what +
                         ": 404 Not Found; check the endpoint (is it an OSCAR cluster?) and "
                         "that the service or job exists there");
      }
      if (status < 500) {
        std::string message = what + ": " + std::to_string(status);
        if (!result->body.empty()) message += ": " + Excerpt(result->body);
        throw InputError(message);
      }
      last_reason = "status " + std::to_string(status);
      if (!result->body.empty()) last_reason += " (" + Excerpt(result->body) + ")";
      if (!request.idempotent) {
        // A gateway's 502/504 may come after the server did the work: not safe to resend.
        throw HttpAmbiguousError(what + ": answered " + last_reason +
                                 "; the request may or may not have taken effect");
      }
      cause = HttpUnavailableError::Cause::kServerError;
    }
    if (attempt >= max_attempts) {
      std::string advice;
      switch (cause) {
        case HttpUnavailableError::Cause::kUnreachable:
          advice =
              "check the endpoint in the campaign's oscar section (host, port, http:// or "
              "https://), that the cluster is up, and any proxy or firewall in between";
          break;
        case HttpUnavailableError::Cause::kNoAnswer:
          advice =
              "the server took the connection but did not answer in time; check that the "
              "endpoint is the OSCAR API (not another service on that port) and that the cluster "
              "is healthy (read_timeout sets how long to wait)";
          break;
        case HttpUnavailableError::Cause::kServerError:
          advice = "the cluster keeps failing; check its health (OSCAR's and Kubernetes' logs)";
          break;
      }
      throw HttpUnavailableError(cause, what + ": gave up after " + std::to_string(attempt) +
                                            " attempt" + (attempt > 1 ? "s" : "") +
                                            "; last: " + last_reason + "; " + advice);
    }
    const auto delay = Backoff(attempt);
    if (observer_) observer_(attempt, last_reason, delay);
    ++retries_;
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace twinprof::profile::oscar
