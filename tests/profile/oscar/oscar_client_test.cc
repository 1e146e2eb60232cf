// OscarClient against FakeOscar: services with FDL resources and tokens, asynchronous
// invocations that really run, both listing shapes with every page, job logs, clean-up,
// credentials from the environment.
#include "profile/oscar/oscar_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <regex>

#include "fake_oscar.h"
#include "profile/oscar/credentials.h"
#include "profile/oscar/supervisor_log.h"
#include "test_util.h"

namespace twinprof::test {
namespace {

FakeOscar::Options ServerOptions(const std::string& dir, int page_size) {
  FakeOscar::Options o;
  o.work_dir = dir;
  o.page_size = page_size;
  o.pod_start_delay_s = 0.05;
  o.supervisor_delay_s = 0.02;
  return o;
}

profile::oscar::OscarClient MakeClient(const FakeOscar& server) {
  profile::oscar::HttpOptions o;
  o.endpoint = server.endpoint();
  o.initial_backoff = std::chrono::milliseconds(5);
  o.read_timeout = std::chrono::milliseconds(2000);
  return profile::oscar::OscarClient(
      o, {profile::oscar::HttpAuth::Basic("oscar", "fake-oscar-password-1234")});
}

profile::oscar::ServiceSpec Spec(const std::string& name) {
  profile::oscar::ServiceSpec spec;
  spec.name = name;
  spec.image = "ghcr.io/example/" + name;
  spec.script = "#!/bin/sh\nwc -c < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/count.txt\"\n";
  spec.cpu = 0.5;
  spec.memory_bytes = 256.0 * 1048576;
  spec.parallelism = 3;
  spec.input_paths = {"bucket/" + name};
  spec.output_paths = {"bucket/" + name + "-out"};
  spec.environment = {{"GREETING", "hello"}};
  return spec;
}

TEST(ServiceSpec, FollowsFdlSemantics) {
  const nlohmann::json j = Spec("count").ToJson();
  EXPECT_EQ(j["cpu"], "0.5");
  EXPECT_EQ(j["memory"], "256Mi");
  EXPECT_EQ(j["total_cpu"], "1.5");
  EXPECT_EQ(j["total_memory"], "768Mi");
  EXPECT_EQ(j["input"][0]["storage_provider"], "minio.default");
  EXPECT_EQ(j["input"][0]["path"], "bucket/count");
  EXPECT_EQ(j["environment"]["variables"]["GREETING"], "hello");
  EXPECT_EQ(j["log_level"], "INFO");
  EXPECT_EQ(profile::oscar::FormatCpuQuantity(2), "2");
  EXPECT_EQ(profile::oscar::FormatCpuQuantity(0.125), "0.125");
  EXPECT_EQ(profile::oscar::FormatMemoryQuantity(1.5 * 1048576), "2Mi");
}

TEST(OscarClient, CreatesThenUpdatesAServiceAndReadsItsToken) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), 0));
  profile::oscar::OscarClient client = MakeClient(server);
  EXPECT_FALSE(client.ServiceExists("count"));
  client.CreateOrUpdateService(Spec("count"));
  const std::string token = client.ReadServiceToken("count");
  EXPECT_EQ(token.size(), 64u);
  profile::oscar::ServiceSpec bigger = Spec("count");
  bigger.cpu = 1;
  client.CreateOrUpdateService(bigger);  // PUT: same service, same token
  EXPECT_EQ(server.service("count")["cpu"], "1");
  EXPECT_EQ(server.service("count")["total_cpu"], "3");
  EXPECT_EQ(client.ReadServiceToken("count"), token);
  client.DeleteService("count");
  EXPECT_FALSE(client.ServiceExists("count"));
  client.DeleteService("count");  // already gone: fine
}

void RunFiveJobs(int page_size) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), page_size));
  profile::oscar::OscarClient client = MakeClient(server);
  client.CreateOrUpdateService(Spec("count"));
  const std::string token = client.ReadServiceToken("count");
  for (int i = 0; i < 5; ++i) client.InvokeAsync("count", token, std::string(100 + i, 'x'));
  std::map<std::string, profile::oscar::JobInfo> jobs;
  ASSERT_TRUE(WaitFor(
      [&] {
        jobs = client.ListJobs("count");
        for (const auto& [name, info] : jobs) {
          if (!profile::oscar::IsTerminal(info.status)) return false;
        }
        return jobs.size() == 5;
      },
      30));
  for (const auto& [name, info] : jobs) {
    EXPECT_EQ(info.status, profile::oscar::JobStatus::kSucceeded) << name;
    ASSERT_TRUE(info.creation_time && info.start_time && info.finish_time);
    EXPECT_LE(*info.creation_time, *info.start_time);
    EXPECT_LE(*info.start_time, *info.finish_time);
    const profile::oscar::SupervisorLog log =
        profile::oscar::ParseSupervisorLog(client.JobLog("count", name));
    ASSERT_TRUE(log.script_start && log.script_end) << name;
    EXPECT_LE(*log.script_start, *log.script_end);
    EXPECT_EQ(log.output_files, 1);
  }
  client.DeleteJobs("count");
  EXPECT_TRUE(client.ListJobs("count").empty());
  EXPECT_EQ(client.JobLog("count", "gone"), "");
}

TEST(OscarClient, RunsJobsAndListsThemFromTheBareMap) { RunFiveJobs(0); }
TEST(OscarClient, RunsJobsAndListsThemPageByPage) { RunFiveJobs(2); }

TEST(ServiceSpec, WithoutAScriptTheImagesCommandRuns) {
  profile::oscar::ServiceSpec spec = Spec("kserve");
  spec.script.clear();
  EXPECT_FALSE(spec.ToJson().contains("script"));
  EXPECT_EQ(spec.ToJson()["image"], "ghcr.io/example/kserve");
}

// Jobs are named SERVICE-<uuid4>, as OSCAR names them; a bucket lists its objects with sizes.
TEST(OscarClient, JobsAreNamedLikeOscarsAndBucketsListTheirObjects) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), 2));  // pages of 2: the bucket listing pages too
  profile::oscar::OscarClient client = MakeClient(server);
  client.CreateOrUpdateService(Spec("count"));
  const std::string token = client.ReadServiceToken("count");
  for (int i = 0; i < 3; ++i) client.InvokeAsync("count", token, std::string(10 * (i + 1), 'x'));
  std::map<std::string, profile::oscar::JobInfo> jobs;
  ASSERT_TRUE(WaitFor(
      [&] {
        jobs = client.ListJobs("count");
        int done = 0;
        for (const auto& [name, info] : jobs) done += profile::oscar::IsTerminal(info.status);
        return done == 3;
      },
      30));
  const std::regex uuid4(
      "count-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const auto& [name, info] : jobs) EXPECT_TRUE(std::regex_match(name, uuid4)) << name;
  // Each job wrote count.txt into bucket/count-out: one object, overwritten by each job.
  const std::map<std::string, double> objects = client.ListBucket("bucket");
  ASSERT_EQ(objects.count("count-out/count.txt"), 1u) << objects.size();
  EXPECT_GT(objects.at("count-out/count.txt"), 0);
  EXPECT_TRUE(client.ListBucket("no-such-bucket").empty());
}

// After a restart that lost the service, a 404 says the service is gone (not "check the
// endpoint"), for the listing, the invocation and the token.
TEST(OscarClient, AServiceGoneAfterARestartIsSaidToBeGone) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), 0));
  profile::oscar::OscarClient client = MakeClient(server);
  EXPECT_NO_THROW(client.CheckReachable());
  client.CreateOrUpdateService(Spec("count"));
  const std::string token = client.ReadServiceToken("count");
  server.AddFault({FakeOscar::Fault::Kind::kRestart, "GET", "/system/logs/", 0, 1, 0});
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { client.ListJobs("count"); }, [&] { client.InvokeAsync("count", token, "x"); },
           [&] { client.ReadServiceToken("count"); }}) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find("the service 'count' is gone"), std::string::npos) << e.message();
      EXPECT_NE(e.message().find("--resume"), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find("check the endpoint"), std::string::npos) << e.message();
    }
  }
}

TEST(OscarClient, AWrongServiceTokenIsUnauthorized) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), 0));
  profile::oscar::OscarClient client = MakeClient(server);
  client.CreateOrUpdateService(Spec("count"));
  EXPECT_THROW(client.InvokeAsync("count", std::string(64, 'a'), "x"), InputError);
  EXPECT_EQ(server.jobs_created("count"), 0);
}

TEST(OscarClient, MalformedListingNamesTheProblem) {
  TempDir dir;
  FakeOscar server(ServerOptions(dir.path(), 0));
  profile::oscar::OscarClient client = MakeClient(server);
  client.CreateOrUpdateService(Spec("count"));
  server.AddFault({FakeOscar::Fault::Kind::kMalformedJson, "GET", "/system/logs/", 0, 1, 0});
  try {
    client.ListJobs("count");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("not valid JSON"), std::string::npos);
    EXPECT_NE(e.message().find("/system/logs/count"), std::string::npos);
  }
}

class Env {
 public:
  Env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~Env() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Credentials, ComeFromTheEnvironmentAndAreNeverDescribed) {
  {
    Env a("OSCAR_TOKEN", nullptr), b("OSCAR_USER", nullptr), c("OSCAR_PASSWORD", nullptr);
    try {
      profile::oscar::CredentialsFromEnvironment();
      FAIL();
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find("OSCAR_USER and OSCAR_PASSWORD"), std::string::npos);
    }
  }
  {
    Env a("OSCAR_TOKEN", nullptr), b("OSCAR_USER", "alice"), c("OSCAR_PASSWORD", nullptr);
    EXPECT_THROW(profile::oscar::CredentialsFromEnvironment(), InputError);
  }
  {
    Env a("OSCAR_TOKEN", nullptr), b("OSCAR_USER", "alice"), c("OSCAR_PASSWORD", "s3cr3t-xyz");
    const profile::oscar::Credentials cred = profile::oscar::CredentialsFromEnvironment();
    EXPECT_EQ(cred.auth.kind, profile::oscar::HttpAuth::Kind::kBasic);
    EXPECT_EQ(cred.Describe().find("s3cr3t-xyz"), std::string::npos);
  }
  {
    Env a("OSCAR_TOKEN", "tok-abc-123"), b("OSCAR_USER", "alice"), c("OSCAR_PASSWORD", "pw");
    const profile::oscar::Credentials cred = profile::oscar::CredentialsFromEnvironment();
    EXPECT_EQ(cred.auth.kind, profile::oscar::HttpAuth::Kind::kBearer);
    EXPECT_EQ(cred.Describe().find("tok-abc-123"), std::string::npos);
  }
}

TEST(OscarClient, AcceptsAnOidcBearerTokenForTheSystemCalls) {
  TempDir dir;
  FakeOscar::Options o = ServerOptions(dir.path(), 0);
  o.oidc_token = "oidc-token-for-tests";
  FakeOscar server(o);
  profile::oscar::HttpOptions h;
  h.endpoint = server.endpoint();
  profile::oscar::OscarClient client(h, {profile::oscar::HttpAuth::Bearer("oidc-token-for-tests")});
  client.CreateOrUpdateService(Spec("count"));
  EXPECT_TRUE(client.ServiceExists("count"));
}

}  // namespace
}  // namespace twinprof::test
