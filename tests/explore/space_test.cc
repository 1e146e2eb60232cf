// Loading explore spaces (the documented examples), numbering their configurations, and applying
// a configuration to the base scenario.

#include "explore/space.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "explore/axis_values.h"
#include "explore/configuration.h"

namespace twinprof::test {
namespace {

const std::string kSource = TWINPROF_SOURCE_DIR;
const std::string kExample = kSource + "/experiments/explore/space.yaml";
const std::string kFull = kSource + "/tests/explore/data/full-space.yaml";

// `explore --set`: overrides of the base scenario reach every candidate's base and its
// reproducing `simulate --set` arguments.
TEST(LoadSpace, SetOverridesTheBaseScenario) {
  std::vector<sim::Scenario> bases;
  explore::Space space = explore::LoadSpace(kExample, &bases, {{"workload.files", "7"}});
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_EQ(bases[0].workload.files, 7);
  std::vector<sim::Scenario> plain;
  explore::LoadSpace(kExample, &plain);
  EXPECT_EQ(plain[0].workload.files, 200);
  explore::Choices choices(space.axes.size(), 0);
  std::vector<std::string> arguments = explore::SetArguments(space, bases[0], choices, nullptr);
  ASSERT_FALSE(arguments.empty());
  EXPECT_EQ(arguments.front(), "workload.files=7");
}

// docs/formats.md, "Explore space": the example.
TEST(LoadSpace, DocumentedExample) {
  std::vector<sim::Scenario> bases;
  explore::Space space = explore::LoadSpace(kExample, &bases);
  EXPECT_EQ(space.name, "edge-cloud-mix");
  ASSERT_EQ(bases.size(), 1u);
  EXPECT_EQ(bases[0].name, "edge-cloud");
  EXPECT_EQ(space.size(), 500u);
  ASSERT_EQ(space.axes.size(), 5u);
  EXPECT_EQ(space.axes[0].numbers, (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(space.axes[1].numbers, (std::vector<double>{1, 2, 4, 8, 16}));
  EXPECT_EQ(space.axes[2].placements.size(), 2u);
  EXPECT_FALSE(space.axes[2].ordered());
  ASSERT_EQ(space.constraints.size(), 1u);
  EXPECT_EQ(space.constraints[0].kind, explore::Constraint::Kind::kMakespan);
  EXPECT_EQ(space.constraints[0].limit, 2400);
  ASSERT_EQ(space.objectives.size(), 1u);
  EXPECT_EQ(space.objectives[0].Column(), "makespan_s");
  EXPECT_EQ(
      explore::ConfigurationColumns(space),
      (std::vector<std::string>{"hardware.nodes.edge.rpi4", "hardware.nodes.cloud.vm-medium",
                                "placement.blurry-faces", "resources.blurry-faces.parallelism",
                                "resources.mask-detector.parallelism"}));
}

// The fuller example of docs/formats.md.
TEST(LoadSpace, FullExample) {
  std::vector<sim::Scenario> bases;
  explore::Space space = explore::LoadSpace(kFull, &bases);
  ASSERT_EQ(bases.size(), 2u);
  EXPECT_EQ(bases[0].workload.files, 4);
  EXPECT_EQ(bases[1].workload.files, 8);
  EXPECT_EQ(bases[1].workload.inter_upload_time, 5);
  ASSERT_EQ(space.workloads.size(), 2u);
  EXPECT_EQ(space.workloads[1].name, "busy");
  ASSERT_EQ(space.hardware.size(), 2u);
  EXPECT_FALSE(space.hardware[0].one_type);
  EXPECT_TRUE(space.hardware[1].one_type);
  EXPECT_EQ(space.hardware[1].types, (std::vector<std::string>{"vm-medium", "vm-large"}));
  // rpi4 0..2, rpi5 [0, 2], cloud type x 1..3, 3 placements, cpu x memory, mask-detector cpu.
  EXPECT_EQ(space.size(), 3u * 2 * 2 * 3 * 3 * 2 * 2 * 2);
  const explore::Axis& memory = space.axes[6];
  EXPECT_EQ(memory.kind, explore::Axis::Kind::kMemory);
  EXPECT_EQ(memory.numbers, (std::vector<double>{1073741824.0, 2147483648.0}));
  EXPECT_EQ(space.axes[7].numbers, (std::vector<double>{0.5, 1.5}));
  ASSERT_EQ(space.constraints.size(), 4u);
  EXPECT_EQ(space.constraints[1].Name(), "mask-detector p95");
  EXPECT_EQ(space.constraints[1].limit, 120);
  EXPECT_EQ(space.constraints[2].Name(), "cost");
  EXPECT_EQ(space.constraints[3].limit, 0.05);
  ASSERT_EQ(space.objectives.size(), 2u);
  EXPECT_EQ(space.objectives[1].Column(), "mask-detector.p95_s");
  EXPECT_EQ(space.search.budget, 100u);
  EXPECT_EQ(space.search.seed, 7u);
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// docs/formats.md shows both examples verbatim, in its "Explore space" section.
TEST(LoadSpace, FormatsDocShowsTheExamplesVerbatim) {
  std::string doc = Read(kSource + "/docs/formats.md");
  size_t section = doc.find("\n## Explore space\n");
  ASSERT_NE(section, std::string::npos);
  size_t next = doc.find("\n## ", section + 1);
  std::string text = doc.substr(section, next - section);
  EXPECT_NE(text.find("```yaml\n" + Read(kExample) + "```\n"), std::string::npos);
  EXPECT_NE(text.find("```yaml\n" + Read(kFull) + "```\n"), std::string::npos);
}

TEST(Configuration, NumbersRoundTripLastAxisFastest) {
  explore::Space space = explore::LoadSpace(kExample, nullptr);
  for (uint64_t n : {0ul, 1ul, 7ul, 123ul, 499ul})
    EXPECT_EQ(explore::Encode(space, explore::Decode(space, n)), n);
  EXPECT_EQ(explore::Decode(space, 1), (explore::Choices{0, 0, 0, 0, 1}));
  EXPECT_EQ(explore::Decode(space, 2), (explore::Choices{0, 0, 0, 1, 0}));
  EXPECT_EQ(explore::Decode(space, 499), (explore::Choices{4, 4, 1, 4, 1}));
  EXPECT_THROW(explore::Decode(space, 500), std::out_of_range);
}

TEST(Configuration, AppliesToTheBaseScenario) {
  std::vector<sim::Scenario> bases;
  explore::Space space = explore::LoadSpace(kFull, &bases);
  // rpi4 = 0, rpi5 = 2, cloud: vm-large x 3, blurry-faces on edge/rpi5 with 2 cores and 1Gi,
  // mask-detector 1.5 cores.
  explore::Choices choices = {0, 1, 1, 2, 2, 1, 0, 1};
  sim::Scenario scenario = explore::ApplyConfiguration(space, bases[1], choices);
  const platform::Cluster* edge = scenario.platform.FindCluster("edge");
  ASSERT_EQ(edge->nodes.size(), 1u);
  EXPECT_EQ(edge->nodes[0], (std::pair<std::string, int>{"rpi5", 2}));
  const platform::Cluster* cloud = scenario.platform.FindCluster("cloud");
  ASSERT_EQ(cloud->nodes.size(), 1u);
  EXPECT_EQ(cloud->nodes[0], (std::pair<std::string, int>{"vm-large", 3}));
  const sim::ComponentDeployment& blur =
      scenario.deployments[*scenario.workflow.Find("blurry-faces")];
  EXPECT_EQ(blur.cluster, "edge");
  EXPECT_EQ(blur.node_type, "rpi5");
  EXPECT_EQ(blur.cpu, 2);
  EXPECT_EQ(blur.memory_bytes, 1073741824.0);
  const sim::ComponentDeployment& mask =
      scenario.deployments[*scenario.workflow.Find("mask-detector")];
  EXPECT_EQ(mask.cpu, 1.5);
  EXPECT_TRUE(mask.sync.enabled);  // the rest comes from the base
  EXPECT_EQ(scenario.workload.files, 8);
  EXPECT_NO_THROW(sim::ValidateScenario(scenario));
  EXPECT_EQ(explore::ConfigurationValues(space, choices),
            (std::vector<std::string>{"0", "2", "0", "3", "edge/rpi5", "2", "1073741824", "1.5"}));
  EXPECT_EQ(
      explore::SetArguments(space, bases[1], choices, &space.workloads[1]),
      (std::vector<std::string>{
          "hardware.nodes.edge={rpi4: 0, rpi5: 2}",
          "hardware.nodes.cloud={vm-medium: 0, vm-large: 3}",
          "placement.blurry-faces={cluster: edge, node_type: rpi5}", "resources.blurry-faces.cpu=2",
          "resources.blurry-faces.cpu_limit=2", "resources.blurry-faces.memory=1073741824",
          "resources.mask-detector.cpu=1.5", "resources.mask-detector.cpu_limit=1.5",
          "workload.files=8", "workload.inter_upload_time=5s"}));
  // The --set arguments give the same scenario through the loader.
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const std::string& argument :
       explore::SetArguments(space, bases[1], choices, &space.workloads[1])) {
    size_t equals = argument.find('=');
    overrides.emplace_back(argument.substr(0, equals), argument.substr(equals + 1));
  }
  sim::Scenario loaded = sim::LoadScenario(space.scenario_path, overrides);
  EXPECT_EQ(loaded.platform.FindCluster("edge")->nodes, edge->nodes);
  EXPECT_EQ(loaded.platform.FindCluster("cloud")->nodes, cloud->nodes);
  EXPECT_EQ(loaded.deployments[*loaded.workflow.Find("mask-detector")].limit(), 1.5);
  EXPECT_EQ(loaded.workload.inter_upload_time, 5);
}

TEST(Configuration, AnEmptyClusterCannotRun) {
  std::vector<sim::Scenario> bases;
  explore::Space space = explore::LoadSpace(kFull, &bases);
  sim::Scenario scenario =
      explore::ApplyConfiguration(space, bases[0], explore::Choices{0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_THROW(sim::ValidateScenario(scenario), InputError);
}

TEST(AxisValues, ListsRangesAndSteps) {
  YamlFile file = YamlFile::Parse(
      "a: [4, 1, 2]\nb: 2..5\nc: {from: 1, to: 8, step: 3}\nd: 7\ne: {from: 1Gi, to: 3Gi, "
      "step: 1Gi}\nf: 250m..1\n",
      "values.yaml");
  const YAML::Node& root = file.root();
  EXPECT_EQ(explore::ParseAxisValues(file, root["a"], explore::Quantity::kCount, 0, "a").numbers,
            (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(explore::ParseAxisValues(file, root["b"], explore::Quantity::kCount, 0, "b").numbers,
            (std::vector<double>{2, 3, 4, 5}));
  EXPECT_EQ(explore::ParseAxisValues(file, root["c"], explore::Quantity::kCount, 0, "c").numbers,
            (std::vector<double>{1, 4, 7}));
  EXPECT_EQ(explore::ParseAxisValues(file, root["d"], explore::Quantity::kCount, 0, "d").numbers,
            (std::vector<double>{7}));
  EXPECT_EQ(explore::ParseAxisValues(file, root["e"], explore::Quantity::kSize, 0, "e").numbers,
            (std::vector<double>{1073741824.0, 2147483648.0, 3221225472.0}));
  EXPECT_EQ(explore::ParseAxisValues(file, root["f"], explore::Quantity::kCpu, 0, "f").numbers,
            (std::vector<double>{0.25}));
}

TEST(AxisValues, BadValuesNameTheirLine) {
  YamlFile file =
      YamlFile::Parse("a: []\nb: 8..1\nc: [1, 2, 1]\nd: {from: 1, to: 3, step: 0}\n", "bad.yaml");
  for (const char* key : {"a", "b", "c", "d"}) {
    try {
      explore::ParseAxisValues(file, file.root()[key], explore::Quantity::kCount, 0, key);
      FAIL() << key << ": no error";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "bad.yaml");
      EXPECT_EQ(e.where().line, key[0] - 'a' + 1) << e.what();
    }
  }
}

}  // namespace
}  // namespace twinprof::test
