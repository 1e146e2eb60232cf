// The oscar campaign section: the documented example (experiments/video-process/
// campaign-oscar.yaml) loads with every field as docs/formats.md describes it, and the corpus of
// broken OSCAR answers (tests/data/oscar/bad-answers) gives errors naming the field.
#include "profile/oscar/oscar_options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "profile/campaign.h"
#include "profile/oscar/job_info.h"

namespace twinprof::test {
namespace {

const std::string kExample =
    std::string(TWINPROF_SOURCE_DIR) + "/experiments/video-process/campaign-oscar.yaml";

TEST(OscarOptions, TheDocumentedExampleLoads) {
  const profile::Campaign campaign = profile::LoadCampaign(kExample);
  EXPECT_EQ(campaign.backend.name, "oscar");
  const profile::oscar::OscarOptions o = profile::oscar::ParseOscarOptions(campaign.backend);
  EXPECT_EQ(o.http.endpoint, "https://oscar.example.org");
  EXPECT_EQ(o.cluster_id, "oscar-cluster");
  EXPECT_FALSE(o.http.insecure);
  EXPECT_EQ(o.arch, "x86_64");
  EXPECT_EQ(o.bucket, "video-process");
  EXPECT_EQ(o.http.connect_timeout.count(), 5000);
  EXPECT_EQ(o.http.read_timeout.count(), 60000);
  EXPECT_EQ(o.http.max_attempts, 5);
  EXPECT_EQ(o.http.initial_backoff.count(), 500);
  EXPECT_EQ(o.http.max_backoff.count(), 30000);
  EXPECT_EQ(o.poll_interval_s, 2);
  EXPECT_EQ(o.settle_s, 10);
  EXPECT_EQ(o.run_timeout_s, 3600);
  EXPECT_TRUE(o.cleanup_jobs);
  EXPECT_FALSE(o.delete_services);
}

TEST(OscarOptions, TheDocsShowTheExampleAsItIs) {
  const auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string docs = read(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  const size_t section = docs.find("### Campaign: the oscar backend");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = docs.find("```yaml\n", section) + 8;
  const size_t end = docs.find("```\n", begin);
  EXPECT_EQ(docs.substr(begin, end - begin), read(kExample));
}

TEST(OscarOptions, MakingTheBackendNeedsCredentialsInTheEnvironment) {
  const profile::Campaign campaign = profile::LoadCampaign(kExample);
  unsetenv("OSCAR_TOKEN");
  unsetenv("OSCAR_USER");
  unsetenv("OSCAR_PASSWORD");
  EXPECT_THROW(profile::MakeBackend(campaign.backend), InputError);
  setenv("OSCAR_TOKEN", "token-from-the-environment", 1);
  EXPECT_EQ(profile::MakeBackend(campaign.backend)->name(), "oscar");  // no request is made
  unsetenv("OSCAR_TOKEN");
}

// An FDL service without a script runs its image's own command: only on OSCAR. A local
// campaign says so at the service (issue 15, point 14).
TEST(OscarOptions, AServiceWithoutScriptRunsOnOscarOnly) {
  const char* base = std::getenv("TMPDIR");
  const std::string path = std::string(base ? base : "/tmp") + "/twinprof-image-command.yaml";
  const std::string fdl =
      std::string(TWINPROF_SOURCE_DIR) + "/experiments/fdl/oscar-examples/rucio-service.yaml";
  const auto write = [&](const std::string& backend) {
    std::ofstream(path) << "name: rucio\nworkflow: " << fdl << "\n"
                        << backend << "inputs: {files: ['" << fdl << "']}\n"
                        << "space: {rucio-example: {cpu: [1]}}\n";
  };
  write("");
  try {
    profile::LoadCampaign(path);
    ADD_FAILURE() << "the local backend accepted a component without script";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, fdl);
    EXPECT_EQ(e.where().line, 4);
    EXPECT_NE(e.message().find("rucio-example' has no script"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("backend: oscar"), std::string::npos) << e.message();
  }
  write("backend: oscar\noscar: {endpoint: 'https://oscar.example.org'}\n");
  EXPECT_EQ(profile::LoadCampaign(path).workflow.size(), 1u);
  std::remove(path.c_str());
}

TEST(BadAnswers, EachNamesWhatIsWrong) {
  const std::string dir = std::string(TWINPROF_SOURCE_DIR) + "/tests/data/oscar/bad-answers/";
  std::ifstream expected(dir + "expected.tsv");
  std::string line;
  int checked = 0;
  while (std::getline(expected, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::string file = line.substr(0, line.find('\t'));
    const std::string substring = line.substr(line.find('\t') + 1);
    std::ifstream in(dir + file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    std::stringstream body;
    body << in.rdbuf();
    try {
      profile::oscar::ParseJobsPage(body.str(), "GET https://oscar/system/logs/grayify");
      ADD_FAILURE() << file << ": accepted";
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find(substring), std::string::npos) << file << ": " << e.message();
      EXPECT_NE(e.message().find("/system/logs/grayify"), std::string::npos) << file;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 11);
}

}  // namespace
}  // namespace twinprof::test
