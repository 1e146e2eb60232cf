// Campaign loading and planning: the example campaigns of experiments/ and docs/formats.md load,
// plans are stable, arrival patterns are what they say; the OSCAR FDL examples run unchanged.
#include "profile/campaign.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../subprocess.h"
#include "profile/planner.h"
#include "profile/results_store.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

std::string Source(const std::string& path) {
  return (fs::path(TWINPROF_SOURCE_DIR) / path).string();
}

TEST(CampaignTest, VideoProcessExampleOfTheDocsLoadsAndPlans) {
  profile::Campaign campaign =
      profile::LoadCampaign(Source("experiments/video-process/campaign.yaml"));
  EXPECT_EQ(campaign.name, "video-process");
  EXPECT_EQ(campaign.workflow.size(), 2u);
  EXPECT_EQ(campaign.backend.name, "local");
  ASSERT_EQ(campaign.inputs.size(), 4u);  // seconds x size
  EXPECT_EQ(campaign.inputs[1].name, "seconds=2,size=640x360");
  EXPECT_NE(campaign.inputs[1].command.find("duration=2:size=640x360"), std::string::npos);
  EXPECT_EQ(campaign.arrival.files(), 4);
  EXPECT_TRUE(campaign.arrival.exponential);
  EXPECT_TRUE(campaign.test_single_components);
  EXPECT_DOUBLE_EQ(campaign.job_timeout_s, 300);

  profile::Plan plan = profile::MakePlan(campaign);
  // 4 inputs x grayify cpu {0.5, 1} x parallelism {1, 2}, each followed by 2 single runs.
  ASSERT_EQ(plan.runs.size(), 48u);
  EXPECT_EQ(plan.workflow_runs(), 16);
  EXPECT_EQ(plan.runs[0].mode, "workflow");
  EXPECT_EQ(plan.runs[1].mode, "single:split-video");
  EXPECT_EQ(plan.runs[1].parent_run_id, 0);
  EXPECT_EQ(plan.runs[2].mode, "single:grayify");
  ASSERT_EQ(plan.runs[2].deployments.size(), 1u);
  EXPECT_EQ(plan.runs[2].deployments[0].component, "grayify");
  std::vector<std::string> names = {
      "input",           "input.seconds",         "input.size",
      "split-video.cpu", "split-video.memory_mb", "split-video.parallelism",
      "grayify.cpu",     "grayify.memory_mb",     "grayify.parallelism"};
  EXPECT_EQ(plan.parameter_names, names);
  // The same file, the same plan.
  EXPECT_EQ(
      profile::MakePlan(profile::LoadCampaign(Source("experiments/video-process/campaign.yaml")))
          .fingerprint,
      plan.fingerprint);
  std::set<std::string> keys;
  for (const profile::PlannedRun& run : plan.runs) keys.insert(run.key);
  EXPECT_EQ(keys.size(), plan.runs.size());
}

TEST(CampaignTest, CpuBurnExampleSweepsTheQuota) {
  profile::Campaign campaign = profile::LoadCampaign(Source("experiments/cpu-burn/campaign.yaml"));
  profile::Plan plan = profile::MakePlan(campaign);
  EXPECT_EQ(plan.runs.size(), 2u * 3u * 2u);  // inputs x cpu x repetitions
  std::set<double> cpus;
  for (const profile::PlannedRun& run : plan.runs) {
    cpus.insert(run.deployments[0].cpu);
    EXPECT_EQ(run.deployments[0].environment.back(),
              std::make_pair(std::string("ROUNDS"), std::string("8")));
  }
  EXPECT_EQ(cpus, (std::set<double>{0.25, 0.5, 1.0}));
}

TEST(CampaignTest, ArrivalPatterns) {
  profile::Arrival deterministic;
  deterministic.batch_size = 2;
  deterministic.number_of_batches = 3;
  deterministic.inter_upload_time_s = 5;
  EXPECT_EQ(deterministic.UploadTimes(1), (std::vector<double>{0, 0, 5, 5, 10, 10}));
  profile::Arrival exponential = deterministic;
  exponential.exponential = true;
  exponential.number_of_batches = 2000;
  std::vector<double> times = exponential.UploadTimes(1);
  EXPECT_EQ(times, exponential.UploadTimes(1));  // seeded
  EXPECT_NE(times, exponential.UploadTimes(2));  // another repetition, other gaps
  EXPECT_NEAR(times.back() / 1999, 5.0, 0.5);    // mean gap
  EXPECT_EQ(times[0], 0);
  EXPECT_EQ(times[2], times[3]);  // a batch arrives at once
  EXPECT_GT(times[2], 0);
}

TEST(CampaignTest, FileInputsAndRunRequests) {
  fs::path dir = fs::temp_directory_path() / ("twinprof-campaign-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "videos");
  std::ofstream(dir / "videos/b.mp4") << "bb";
  std::ofstream(dir / "videos/a.mp4") << "a";
  std::ofstream(dir / "campaign.yaml")
      << "workflow: " << Source("workflows/video-process.yaml") << "\n"
      << "inputs: {files: [videos]}\n"
      << "space:\n  input: [b.mp4]\n  grayify: {env: {BLUR_SIGMA: [0, 3]}}\n"
      << "arrival: {batch_size: 2, number_of_batches: 2, inter_upload_time: 1s}\n";
  profile::Campaign campaign = profile::LoadCampaign((dir / "campaign.yaml").string());
  ASSERT_EQ(campaign.inputs.size(), 1u);
  EXPECT_EQ(campaign.inputs[0].name, "b.mp4");
  profile::Plan plan = profile::MakePlan(campaign);
  ASSERT_EQ(plan.runs.size(), 2u);
  profile::RunRequest request = profile::MakeRunRequest(campaign, plan.runs[1], {}, "/tmp/x");
  ASSERT_EQ(request.uploads.size(), 4u);
  EXPECT_EQ(request.uploads[3].name, "input-4.mp4");
  EXPECT_EQ(request.uploads[3].component, "split-video");
  EXPECT_EQ(request.uploads[3].time_s, 1.0);
  EXPECT_EQ(request.deployments[1].component, "grayify");
  bool found = false;
  for (const auto& [name, value] : request.deployments[1].environment) {
    if (name == "BLUR_SIGMA") {
      EXPECT_EQ(value, "3");  // the campaign's value replaces the workflow's
      EXPECT_FALSE(found);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  fs::remove_all(dir);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The parameters' types are declared by the plan, from the campaign: an environment variable is
// a number only when every value listed for it is one (values of the runs are never looked at).
TEST(CampaignTest, PlanDeclaresParameterTypes) {
  fs::path dir = fs::temp_directory_path() / ("twinprof-types-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "campaign.yaml")
      << "workflow: " << Source("workflows/video-process.yaml") << "\n"
      << "inputs: {generate: 'echo {size} > {out}', values: {size: [320x240, 640x360]}}\n"
      << "space:\n  grayify: {cpuset: ['0'], env: {BLUR_SIGMA: [0, 3], MODE: ['1', fast]}}\n";
  profile::Plan plan = profile::MakePlan(profile::LoadCampaign((dir / "campaign.yaml").string()));
  std::map<std::string, ParameterType> types = ParameterTypeMap(plan.parameters);
  EXPECT_EQ(types.at("input"), ParameterType::kText);
  EXPECT_EQ(types.at("input.size"), ParameterType::kText);
  EXPECT_EQ(types.at("grayify.cpu"), ParameterType::kNumber);
  EXPECT_EQ(types.at("grayify.memory_mb"), ParameterType::kNumber);
  EXPECT_EQ(types.at("grayify.parallelism"), ParameterType::kNumber);
  EXPECT_EQ(types.at("grayify.cpuset"), ParameterType::kText);  // "0" is a set of cores
  EXPECT_EQ(types.at("grayify.env.BLUR_SIGMA"), ParameterType::kNumber);
  EXPECT_EQ(types.at("grayify.env.MODE"), ParameterType::kText);
  ASSERT_EQ(plan.parameters.size(), plan.parameter_names.size());
  for (size_t i = 0; i < plan.parameters.size(); ++i) {
    EXPECT_EQ(plan.parameters[i].name, plan.parameter_names[i]);
  }
  fs::remove_all(dir);
}

// docs/formats.md, "Configurations and the join key": the declarations of the example campaign.
TEST(CampaignTest, FormatsDocShowsTheExampleCampaignsDeclarations) {
  std::string doc = ReadAll(Source("docs/formats.md"));
  size_t table = doc.find("| parameter | declared type |");
  ASSERT_NE(table, std::string::npos);
  std::vector<ParameterDeclaration> documented;
  std::istringstream in(doc.substr(table));
  std::string line;
  std::getline(in, line);  // header
  std::getline(in, line);  // |---|---|
  while (std::getline(in, line) && line.rfind("| `", 0) == 0) {
    size_t name_end = line.find('`', 3);
    std::string name = line.substr(3, name_end - 3);
    std::string type = line.substr(line.find("| ", name_end) + 2);
    type = type.substr(0, type.find(' '));
    documented.push_back({name, ParseParameterType(type).value()});
  }
  profile::Plan plan =
      profile::MakePlan(profile::LoadCampaign(Source("experiments/video-process/campaign.yaml")));
  EXPECT_EQ(documented, plan.parameters);
}

// interleave_repetitions: every configuration once per pass, the same runs otherwise.
TEST(CampaignTest, InterleavedRepetitionsRunEveryConfigurationOncePerPass) {
  fs::path dir = fs::temp_directory_path() / ("twinprof-interleave-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (bool interleave : {false, true}) {
    std::ofstream(dir / "campaign.yaml")
        << "workflow: " << Source("workflows/video-process.yaml") << "\n"
        << "inputs: {generate: 'echo {s} > {out}', values: {s: [1]}}\n"
        << "space:\n  grayify: {cpu: [0.5, 1]}\nrepetitions: 2\n"
        << "interleave_repetitions: " << (interleave ? "true" : "false") << "\n";
    profile::Plan plan = profile::MakePlan(profile::LoadCampaign((dir / "campaign.yaml").string()));
    ASSERT_EQ(plan.runs.size(), 4u);
    std::vector<std::pair<int, std::string>> order;  // (repetition, grayify.cpu)
    for (const profile::PlannedRun& run : plan.runs) {
      EXPECT_EQ(run.run_id, static_cast<int>(order.size()));
      for (const auto& [name, value] : run.parameters) {
        if (name == "grayify.cpu") order.emplace_back(run.repetition, value);
      }
    }
    using Order = std::vector<std::pair<int, std::string>>;
    const Order expected = interleave ? Order{{1, "0.5"}, {1, "1"}, {2, "0.5"}, {2, "1"}}
                                      : Order{{1, "0.5"}, {2, "0.5"}, {1, "1"}, {2, "1"}};
    EXPECT_EQ(order, expected);
  }
  fs::remove_all(dir);
}

// The OSCAR FDL files whose tools are installed run unchanged with our scripts beside them.
TEST(CampaignTest, OscarFdlExamplesRunLocally) {
  for (const char* name : {"imagemagick", "sleep-test"}) {
    fs::path out = fs::temp_directory_path() /
                   ("twinprof-fdl-" + std::string(name) + "-" + std::to_string(::getpid()));
    fs::remove_all(out);
    auto result =
        RunTwinprof({"profile", Source("experiments/fdl/" + std::string(name) + "/campaign.yaml"),
                     "-o", out.string(), "-q"});
    ASSERT_EQ(result.exit_status, 0) << result.err;
    profile::ResultsStore store = profile::ResultsStore::OpenExisting(out.string());
    std::vector<profile::StoredJob> jobs = store.Jobs();
    EXPECT_GE(jobs.size(), 4u);
    for (const profile::StoredJob& job : jobs) {
      EXPECT_TRUE(job.record.succeeded()) << name << ": " << job.record.failure_reason << "\n"
                                          << job.log_tail;
      EXPECT_EQ(job.record.output_files, 1);
    }
    fs::remove_all(out);
  }
}

}  // namespace
}  // namespace twinprof::test

namespace twinprof::test {
namespace {

TEST(CampaignTest, CheckKnowsCampaigns) {
  auto result = RunTwinprof({"check", Source("experiments/cpu-burn/campaign.yaml")});
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("(campaign, 12 runs of workflow cpu-burn, 2 inputs, backend local)"),
            std::string::npos)
      << result.out;
  auto bad = RunTwinprof({"check", Source("tests/data/bad/campaign/bad-cpu.yaml")});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_NE(bad.err.find("bad-cpu.yaml:6:14: error:"), std::string::npos) << bad.err;
}

// docs/formats.md shows experiments/video-process/campaign.yaml verbatim.
TEST(CampaignTest, FormatsDocShowsTheExampleCampaignAsItIs) {
  std::string doc = ReadAll(Source("docs/formats.md"));
  std::string campaign = ReadAll(Source("experiments/video-process/campaign.yaml"));
  ASSERT_FALSE(campaign.empty());
  size_t section = doc.find("## Campaign");
  ASSERT_NE(section, std::string::npos);
  EXPECT_NE(doc.find("```yaml\n" + campaign + "```", section), std::string::npos)
      << "docs/formats.md's copy of experiments/video-process/campaign.yaml is out of date";
}

}  // namespace
}  // namespace twinprof::test
