#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/yaml_file.h"
#include "platform/platform.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

platform::Platform FromText(const std::string& text) {
  return platform::LoadPlatform(YamlFile::Parse(text, "p.yaml"));
}

// The error LoadPlatform gives for `text`.
InputError ErrorFor(const std::string& text) {
  try {
    FromText(text);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "loaded without error:\n" << text;
  return InputError("no error");
}

const char* const kTwoClusters = R"(name: t
node_types:
  small: {arch: arm64, cores: 4, speed: 1.2Gf, memory: 4Gi}
  big: {arch: x86_64, cores: 8, speed: 3Gf, memory: 16Gi, price_per_hour: 0.3}
clusters:
  a:
    nodes: {small: 2}
    lan: {bandwidth: 1Gbps, latency: 0.2ms}
    storage: {bandwidth: 40MBps, latency: 1ms}
  b:
    nodes: {big: 3, small: 1}
    lan: {bandwidth: 10Gbps, latency: 100us}
    storage: {bandwidth: 200MBps, latency: 0.5ms}
links:
  - {between: [a, b], bandwidth: 100Mbps, latency: 25ms}
overheads: {scheduling: 0.2s, pod_start: 1.5s, image_pull_bandwidth: 50MBps}
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(PlatformLoader, ReadsEveryField) {
  platform::Platform p = FromText(kTwoClusters);
  EXPECT_EQ(p.name, "t");
  EXPECT_EQ(p.source_file, "p.yaml");
  ASSERT_EQ(p.node_types.size(), 2u);
  const platform::NodeType* big = p.FindNodeType("big");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->arch, "x86_64");
  EXPECT_EQ(big->cores, 8);
  EXPECT_DOUBLE_EQ(big->speed, 3e9);
  EXPECT_DOUBLE_EQ(big->memory_bytes, 16.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(big->price_per_hour, 0.3);
  EXPECT_EQ(big->where.line, 4);
  EXPECT_DOUBLE_EQ(p.FindNodeType("small")->price_per_hour, 0);
  EXPECT_EQ(p.FindNodeType("none"), nullptr);

  const platform::Cluster* b = p.FindCluster("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->nodes.size(), 2u);
  EXPECT_EQ(b->nodes[0], (std::pair<std::string, int>("big", 3)));
  EXPECT_EQ(b->nodes[1], (std::pair<std::string, int>("small", 1)));
  EXPECT_EQ(b->node_count(), 4);
  EXPECT_DOUBLE_EQ(b->lan.bandwidth, 10e9 / 8);
  EXPECT_DOUBLE_EQ(b->lan.latency, 100e-6);
  EXPECT_DOUBLE_EQ(b->storage.bandwidth, 200e6);
  EXPECT_DOUBLE_EQ(b->storage.latency, 0.5e-3);
  EXPECT_EQ(p.node_count(), 6);

  ASSERT_EQ(p.links.size(), 1u);
  EXPECT_EQ(p.FindLink("b", "a"), &p.links[0]);
  EXPECT_EQ(p.FindLink("a", "b"), &p.links[0]);
  EXPECT_EQ(p.FindLink("a", "a"), nullptr);
  EXPECT_DOUBLE_EQ(p.links[0].link.bandwidth, 12.5e6);
  EXPECT_DOUBLE_EQ(p.links[0].link.latency, 0.025);
  EXPECT_EQ(p.links[0].where.line, 15);

  EXPECT_DOUBLE_EQ(p.overheads.scheduling_s, 0.2);
  EXPECT_DOUBLE_EQ(p.overheads.pod_start_s, 1.5);
  EXPECT_DOUBLE_EQ(p.overheads.image_pull_bandwidth, 50e6);
  EXPECT_TRUE(p.overheads.images_cached);
}

TEST(PlatformLoader, ArchAliasesAreNormalised) {
  platform::Platform p = FromText(Replace(Replace(kTwoClusters, "arch: arm64", "arch: aarch64"),
                                          "arch: x86_64", "arch: amd64"));
  EXPECT_EQ(p.FindNodeType("small")->arch, "arm64");
  EXPECT_EQ(p.FindNodeType("big")->arch, "x86_64");
}

TEST(PlatformLoader, OneClusterNeedsNoLinks) {
  platform::Platform p = FromText(R"(name: one
node_types: {n: {arch: x86_64, cores: 2, speed: 2Gf, memory: 2Gi}}
clusters:
  c: {nodes: {n: 1}, lan: {bandwidth: 1Gbps, latency: 0}, storage: {bandwidth: 1GBps, latency: 0}}
overheads: {scheduling: 0, pod_start: 1s, image_pull_bandwidth: 10MBps, images_cached: false}
)");
  EXPECT_TRUE(p.links.empty());
  EXPECT_FALSE(p.overheads.images_cached);
}

struct BadCase {
  const char* from;
  const char* to;
  int line;
  const char* message;
};

TEST(PlatformLoader, ErrorsNameTheLineAndTheProblem) {
  const BadCase cases[] = {
      {"cores: 8", "cores: 0", 4, "cores"},
      {"cores: 8", "cores: 2000000", 4, "out of range"},
      {"cores: 8", "cores: 2.5", 4, "not an integer"},
      {"speed: 3Gf", "speed: 0", 4, "speed (flops per second of one core) must be positive"},
      {"speed: 3Gf", "speed: 3GHz", 4, "unknown unit 'GHz'"},
      {"speed: 3Gf", "speed: 1e20", 4, "absurdly large"},
      {"memory: 16Gi", "memory: -1Gi", 4, "negative"},
      {"arch: x86_64", "arch: riscv64", 4, "arch 'riscv64' is not x86_64 or arm64"},
      {"price_per_hour: 0.3", "price_per_hour: -1", 4, "must not be negative"},
      {"price_per_hour: 0.3", "price: 0.3", 4, "unknown field 'price'"},
      {", memory: 16Gi", "", 4, "missing field 'memory'"},
      {"{big: 3, small: 1}", "{big: 3, huge: 1}", 11, "unknown node type 'huge'"},
      {"{big: 3, small: 1}", "{big: 0}", 11, "out of range [1,"},
      {"{big: 3, small: 1}", "{big: 3, big: 1}", 11, "listed twice"},
      {"bandwidth: 10Gbps", "bandwidth: 0Gbps", 12, "must be positive"},
      {"latency: 100us", "latency: 100 parsecs", 12, "unknown unit"},
      {"latency: 100us", "delay: 100us", 12, "unknown field 'delay'"},
      {"  b:\n", "  a:\n", 10, "duplicate cluster 'a'"},
      {"  big:", "  small:", 4, "duplicate node type 'small'"},
      {"[a, b]", "[a, c]", 15, "unknown cluster 'c'"},
      {"[a, b]", "[a, a]", 15, "to itself"},
      {"[a, b]", "[a]", 15, "exactly two clusters"},
      {"links:\n  - {between: [a, b], bandwidth: 100Mbps, latency: 25ms}\n", "", 10,
       "cluster 'b' is not connected to cluster 'a'"},
      {"pod_start: 1.5s", "pod_start: 2d", 16, "absurdly large"},
      {"image_pull_bandwidth: 50MBps", "image_pull_bandwidth: 50MB", 16, "unknown unit 'MB'"},
      {"name: t\n", "", 1, "missing field 'name'"},
      {"overheads:", "overhead:", 16, "unknown field 'overhead'"},
      {"  a:\n", "  a/x:\n", 6, "cluster name 'a/x' is not valid"},
  };
  for (const BadCase& bad : cases) {
    std::string text = Replace(kTwoClusters, bad.from, bad.to);
    InputError error = ErrorFor(text);
    EXPECT_EQ(error.where().file, "p.yaml") << bad.to;
    EXPECT_EQ(error.where().line, bad.line) << bad.to << ": " << error.what();
    EXPECT_NE(error.message().find(bad.message), std::string::npos)
        << bad.to << ": expected '" << bad.message << "' in " << error.what();
  }
}

TEST(PlatformLoader, SecondLinkBetweenTheSameClustersIsAnError) {
  std::string text =
      Replace(kTwoClusters,
              "overheads:", "  - {between: [b, a], bandwidth: 1Gbps, latency: 5ms}\noverheads:");
  InputError error = ErrorFor(text);
  EXPECT_EQ(error.where().line, 16);
  EXPECT_NE(error.message().find("a second link between 'b' and 'a' (first at p.yaml:15"),
            std::string::npos)
      << error.what();
}

TEST(PlatformLoader, ClustersConnectedThroughAThirdOneAreFine) {
  std::string text = Replace(kTwoClusters, "links:", R"(  c:
    nodes: {small: 1}
    lan: {bandwidth: 1Gbps, latency: 0.2ms}
    storage: {bandwidth: 40MBps, latency: 1ms}
links:
  - {between: [c, b], bandwidth: 50Mbps, latency: 40ms})");
  platform::Platform p = FromText(text);
  EXPECT_EQ(p.clusters.size(), 3u);
  EXPECT_EQ(p.FindLink("a", "c"), nullptr);
}

TEST(PlatformLoader, MissingFileIsAnInputError) {
  EXPECT_THROW(platform::LoadPlatform("/nonexistent/platform.yaml"), InputError);
}

// ValidatePlatform on platforms built in code, as the explorer does.
TEST(ValidatePlatform, CatchesMistakesInCodeBuiltPlatforms) {
  platform::Platform base = FromText(kTwoClusters);
  platform::ValidatePlatform(base);

  auto expect_error = [](const platform::Platform& p, const std::string& message) {
    try {
      platform::ValidatePlatform(p);
      ADD_FAILURE() << "no error, expected " << message;
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find(message), std::string::npos) << e.what();
    }
  };
  platform::Platform p = base;
  p.clusters[0].nodes[0].second = 0;
  expect_error(p, "the count of 'small' must be between 1");
  p = base;
  p.clusters[1].nodes[0].first = "tiny";
  expect_error(p, "unknown node type 'tiny'");
  p = base;
  p.node_types[0].cores = 0;
  expect_error(p, "cores must be between 1");
  p = base;
  p.node_types[1].speed = -1;
  expect_error(p, "speed must be positive");
  p = base;
  p.links[0].link.bandwidth = 0;
  expect_error(p, "bandwidth must be positive");
  p = base;
  p.links.clear();
  expect_error(p, "not connected");
  p = base;
  p.links[0].b = "a";
  expect_error(p, "to itself");
  p = base;
  p.clusters[1].name = "a";
  expect_error(p, "duplicate cluster 'a'");
  p = base;
  p.node_types[0].arch = "mips";
  expect_error(p, "arch 'mips'");
  p = base;
  p.overheads.pod_start_s = -1;
  expect_error(p, "pod_start must be zero or positive");
  p = base;
  p.clusters[0].nodes[0].second = platform::PlatformLimits::kMaxNodes;
  p.clusters[1].nodes[0].second = platform::PlatformLimits::kMaxNodes;
  expect_error(p, "at most");
}

TEST(PlatformNames, AreIdentifiers) {
  EXPECT_TRUE(platform::IsValidPlatformName("vm-medium"));
  EXPECT_TRUE(platform::IsValidPlatformName("rpi4.b_2"));
  EXPECT_FALSE(platform::IsValidPlatformName(""));
  EXPECT_FALSE(platform::IsValidPlatformName("-x"));
  EXPECT_FALSE(platform::IsValidPlatformName("a b"));
  EXPECT_FALSE(platform::IsValidPlatformName("a/b"));
  EXPECT_FALSE(platform::IsValidPlatformName(std::string(65, 'a')));
}

// Every file in platforms/ loads (the documented examples included).
TEST(PlatformExamples, EveryFileInPlatformsLoads) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(TWINPROF_SOURCE_DIR) / "platforms")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    platform::Platform p = platform::LoadPlatform(entry.path().string());
    EXPECT_FALSE(p.clusters.empty());
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(PlatformExamples, EdgeCloudMatchesItsDescription) {
  platform::Platform p =
      platform::LoadPlatform(std::string(TWINPROF_SOURCE_DIR) + "/platforms/edge-cloud.yaml");
  ASSERT_NE(p.FindCluster("edge"), nullptr);
  ASSERT_NE(p.FindCluster("cloud"), nullptr);
  EXPECT_EQ(p.FindCluster("edge")->node_count(), 3);
  EXPECT_EQ(p.FindCluster("cloud")->node_count(), 8);
  EXPECT_EQ(p.FindNodeType("rpi4")->arch, "arm64");
  EXPECT_EQ(p.FindNodeType("rpi4")->cores, 4);
  EXPECT_DOUBLE_EQ(p.FindNodeType("rpi4")->memory_bytes, 4.0 * (1 << 30));
  EXPECT_EQ(p.FindNodeType("vm-medium")->arch, "x86_64");
  EXPECT_DOUBLE_EQ(p.FindNodeType("vm-medium")->memory_bytes, 8.0 * (1 << 30));
  ASSERT_NE(p.FindLink("edge", "cloud"), nullptr);
}

// docs/formats.md shows platforms/edge-cloud.yaml verbatim.
TEST(PlatformExamples, FormatsDocShowsEdgeCloudVerbatim) {
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  std::string doc = read(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  size_t section = doc.find("\n## Platform\n");
  ASSERT_NE(section, std::string::npos);
  size_t begin = doc.find("```yaml\n", section);
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  size_t end = doc.find("```\n", begin);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(doc.substr(begin, end - begin),
            read(std::string(TWINPROF_SOURCE_DIR) + "/platforms/edge-cloud.yaml"));
}

}  // namespace
}  // namespace twinprof::test
