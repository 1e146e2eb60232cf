// HttpClient against FakeOscar's fault injection: which failures are retried, how often, and
// what the errors say.
#include "profile/oscar/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <thread>

#include "fake_oscar.h"
#include "test_util.h"

namespace twinprof::test {
namespace {

using Kind = FakeOscar::Fault::Kind;

struct Fixture {
  TempDir dir;
  FakeOscar server{[this] {
    FakeOscar::Options o;
    o.work_dir = dir.path();
    o.enforce_limits = false;
    return o;
  }()};
  profile::oscar::HttpOptions Options() const {
    profile::oscar::HttpOptions o;
    o.endpoint = server.endpoint();
    o.max_attempts = 3;
    o.initial_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(20);
    o.read_timeout = std::chrono::milliseconds(500);
    o.connect_timeout = std::chrono::milliseconds(500);
    o.seed = 1;
    return o;
  }
  profile::oscar::HttpClient::Request Services() const {
    profile::oscar::HttpClient::Request r;
    r.method = "GET";
    r.path = "/system/services";
    r.auth = profile::oscar::HttpAuth::Basic("oscar", "fake-oscar-password-1234");
    return r;
  }
};

TEST(HttpClient, RetriesServerErrorsAndRecovers) {
  Fixture f;
  f.server.AddFault({Kind::k500, "GET", "/system/services", 0, 2, 0});
  profile::oscar::HttpClient client(f.Options());
  std::vector<int> attempts;
  client.set_retry_observer([&](int attempt, const std::string& reason, auto) {
    attempts.push_back(attempt);
    EXPECT_NE(reason.find("500"), std::string::npos);
  });
  EXPECT_EQ(client.Send(f.Services()).status, 200);
  EXPECT_EQ(client.retries(), 2);
  EXPECT_EQ(attempts, (std::vector<int>{1, 2}));
}

TEST(HttpClient, GivesUpAfterMaxAttempts) {
  Fixture f;
  f.server.AddFault({Kind::k500, "GET", "/system/services", 0, -1, 0});
  profile::oscar::HttpClient client(f.Options());
  try {
    client.Send(f.Services());
    FAIL();
  } catch (const profile::oscar::HttpUnavailableError& e) {
    EXPECT_NE(std::string(e.what()).find("gave up after 3 attempts"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("GET " + f.server.endpoint() + "/system/services"),
              std::string::npos);
  }
  EXPECT_EQ(f.server.requests(), 3);
}

TEST(HttpClient, NeverRetriesClientErrorsAndExplainsUnauthorized) {
  Fixture f;
  profile::oscar::HttpClient client(f.Options());
  auto request = f.Services();
  request.auth = profile::oscar::HttpAuth::Basic("oscar", "wrong-password-5678");
  try {
    client.Send(request);
    FAIL();
  } catch (const InputError& e) {
    const std::string message = e.message();
    EXPECT_NE(message.find("401 Unauthorized"), std::string::npos);
    EXPECT_NE(message.find("OSCAR_USER"), std::string::npos);
    EXPECT_NE(message.find(f.server.endpoint()), std::string::npos);
    EXPECT_EQ(message.find("wrong-password-5678"), std::string::npos);
  }
  EXPECT_EQ(f.server.requests(), 1);
  EXPECT_EQ(client.retries(), 0);
}

TEST(HttpClient, NotFoundNamesTheEndpointAndPath) {
  Fixture f;
  profile::oscar::HttpClient client(f.Options());
  auto request = f.Services();
  request.path = "/system/services/nope";
  try {
    client.Send(request);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("404"), std::string::npos);
    EXPECT_NE(e.message().find(f.server.endpoint() + "/system/services/nope"), std::string::npos);
  }
  request.not_found_ok = true;
  EXPECT_EQ(client.Send(request).status, 404);
}

TEST(HttpClient, RetriesSlowAnswersAndDroppedConnectionsForIdempotentRequests) {
  Fixture f;
  f.server.AddFault({Kind::kSlow, "GET", "/system/services", 0, 1, 1.0});
  f.server.AddFault({Kind::kDrop, "GET", "/system/services", 0, 1, 0});
  profile::oscar::HttpClient client(f.Options());
  std::vector<std::string> reasons;
  client.set_retry_observer(
      [&](int, const std::string& reason, auto) { reasons.push_back(reason); });
  EXPECT_EQ(client.Send(f.Services()).status, 200);
  EXPECT_EQ(client.retries(), 2) << ::testing::PrintToString(reasons) << f.server.faults_applied();
}

TEST(HttpClient, ALostAnswerToAPostIsAmbiguousNotRetried) {
  Fixture f;
  f.server.AddFault({Kind::kDrop, "POST", "/system/services", 0, 1, 0});
  profile::oscar::HttpClient client(f.Options());
  profile::oscar::HttpClient::Request request = f.Services();
  request.method = "POST";
  request.body = R"({"name": "s", "image": "i", "script": "true"})";
  request.content_type = "application/json";
  request.idempotent = false;
  EXPECT_THROW(client.Send(request), profile::oscar::HttpAmbiguousError);
  EXPECT_EQ(f.server.service_names(), std::vector<std::string>{"s"});  // it did take effect
}

// A POST is never resent on a 5xx: a gateway's 502 may come after the server did the work.
TEST(HttpClient, A5xxToAPostIsAmbiguousNotRetried) {
  Fixture f;
  f.server.AddFault({Kind::k502After, "POST", "/system/services", 0, 1, 0});
  profile::oscar::HttpClient client(f.Options());
  profile::oscar::HttpClient::Request request = f.Services();
  request.method = "POST";
  request.body = R"({"name": "s", "image": "i", "script": "true"})";
  request.content_type = "application/json";
  request.idempotent = false;
  try {
    client.Send(request);
    ADD_FAILURE() << "no error";
  } catch (const profile::oscar::HttpAmbiguousError& e) {
    EXPECT_NE(std::string(e.what()).find("502"), std::string::npos) << e.what();
  }
  EXPECT_EQ(client.retries(), 0);
  EXPECT_EQ(f.server.requests(), 1);
  EXPECT_EQ(f.server.service_names(), std::vector<std::string>{"s"});  // it did take effect
}

TEST(HttpClient, UnreachableEndpointIsUnavailableAfterRetries) {
  profile::oscar::HttpOptions o;
  {
    TempDir dir;
    FakeOscar::Options fo;
    fo.work_dir = dir.path();
    fo.enforce_limits = false;
    FakeOscar server(fo);
    o.endpoint = server.endpoint();  // closed once the server is gone
  }
  o.max_attempts = 2;
  o.initial_backoff = std::chrono::milliseconds(1);
  o.connect_timeout = std::chrono::milliseconds(200);
  profile::oscar::HttpClient client(o);
  profile::oscar::HttpClient::Request r;
  r.method = "GET";
  r.path = "/health";
  try {
    client.Send(r);
    ADD_FAILURE() << "no error";
  } catch (const profile::oscar::HttpUnavailableError& e) {
    // An InputError (exit status 2) that says what to check.
    EXPECT_EQ(e.cause(), profile::oscar::HttpUnavailableError::Cause::kUnreachable);
    EXPECT_NE(e.message().find("check the endpoint"), std::string::npos) << e.message();
  }
  EXPECT_EQ(client.retries(), 1);
}

// A port that takes connections but never answers: the request's own read timeout bounds it.
TEST(HttpClient, AServerThatNeverAnswersIsBoundedByTheReadTimeout) {
  SilentListener silent;
  profile::oscar::HttpOptions o;
  o.endpoint = silent.endpoint();
  o.read_timeout = std::chrono::milliseconds(60000);
  profile::oscar::HttpClient client(o);
  profile::oscar::HttpClient::Request r;
  r.method = "GET";
  r.path = "/health";
  r.read_timeout = std::chrono::milliseconds(300);
  r.max_attempts = 1;
  const auto start = std::chrono::steady_clock::now();
  try {
    client.Send(r);
    ADD_FAILURE() << "no error";
  } catch (const profile::oscar::HttpUnavailableError& e) {
    EXPECT_EQ(e.cause(), profile::oscar::HttpUnavailableError::Cause::kNoAnswer);
    EXPECT_NE(e.message().find("did not answer"), std::string::npos) << e.message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpClient, RejectsBadEndpoints) {
  profile::oscar::HttpOptions o;
  for (const char* bad : {"", "ftp://host", "https://host/oscar", "https://user:pw@host"}) {
    o.endpoint = bad;
    EXPECT_THROW(profile::oscar::HttpClient{o}, InputError) << bad;
  }
  o.endpoint = "oscar.example.org";
  EXPECT_EQ(profile::oscar::HttpClient(o).endpoint(), "https://oscar.example.org");
  o.endpoint = "http://127.0.0.1:8080/";
  EXPECT_EQ(profile::oscar::HttpClient(o).endpoint(), "http://127.0.0.1:8080");
}

TEST(HttpClient, VerifiesTlsCertificatesUnlessInsecure) {
  // An HTTPS server on 127.0.0.1 with a self-signed certificate.
  TempDir dir;
  const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
      "-days 1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  httplib::SSLServer server(cert.c_str(), key.c_str());
  ASSERT_TRUE(server.is_valid());
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Ok", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread listener([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  profile::oscar::HttpOptions o;
  o.endpoint = "https://127.0.0.1:" + std::to_string(port);
  o.max_attempts = 2;
  o.initial_backoff = std::chrono::milliseconds(1);
  profile::oscar::HttpClient::Request r;
  r.method = "GET";
  r.path = "/health";
  {
    profile::oscar::HttpClient verifying(o);
    try {
      verifying.Send(r);
      ADD_FAILURE() << "a self-signed certificate was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find("TLS certificate verification failed"), std::string::npos)
          << e.message();
      EXPECT_NE(e.message().find("insecure"), std::string::npos);
    }
    EXPECT_EQ(verifying.retries(), 0);
  }
  o.insecure = true;
  profile::oscar::HttpClient insecure(o);
  EXPECT_EQ(insecure.Send(r).body, "Ok");
  server.stop();
  listener.join();
}

}  // namespace
}  // namespace twinprof::test
