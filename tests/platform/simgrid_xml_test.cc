// The SimGrid XML export: SimGrid itself loads it (in a child process, simgrid_platform_probe),
// and what it builds is exactly what BuildSimGridPlatform builds in memory.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../subprocess.h"
#include "platform/simgrid_platform.h"
#include "platform_probe.h"
#include "simgrid_test_platforms.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;
using Routes = std::vector<std::pair<std::string, std::string>>;

// Loads the XML of `platform` with SimGrid in a child process and dumps it.
std::string DumpFromXml(const platform::Platform& platform, const Routes& routes) {
  fs::path file = fs::temp_directory_path() /
                  ("twinprof-xml-" + std::to_string(::getpid()) + "-" + platform.name + ".xml");
  std::ofstream(file) << platform::ToSimGridXml(platform);
  std::vector<std::string> argv = {SIMGRID_PLATFORM_PROBE, file.string()};
  for (const auto& [src, dst] : routes) {
    argv.push_back(src);
    argv.push_back(dst);
  }
  CommandResult result = RunCommand(argv);
  fs::remove(file);
  EXPECT_EQ(result.exit_status, 0) << result.err;
  return result.out;
}

// Builds `platform` in this process's Engine and dumps it.
std::string DumpFromMemory(const platform::Platform& platform, const Routes& routes) {
  int argc = 1;
  char name[] = "simgrid_xml_test";
  char* argv[] = {name, nullptr};
  simgrid::s4u::Engine engine(&argc, argv);
  platform::BuildSimGridPlatform(platform, engine);
  return DumpSimGridPlatform(engine, routes);
}

TEST(SimGridXml, EdgeCloudLoadsInSimGridAndMatchesTheInMemoryBuild) {
  platform::Platform platform = EdgeCloudPlatform();
  Routes routes = {{"edge/rpi4-0", "cloud/vm-medium-7"},
                   {"cloud/vm-medium-2", "edge/storage"},
                   {"edge/rpi4-1", "edge/rpi4-2"},
                   {"cloud/storage", "cloud/vm-medium-4"}};
  std::string from_xml = DumpFromXml(platform, routes);
  std::string from_memory = DumpFromMemory(platform, routes);
  EXPECT_EQ(from_xml, from_memory);
  // Spot checks, so that two equally wrong dumps cannot pass.
  EXPECT_NE(from_xml.find("hosts 13\n"), std::string::npos) << from_xml;
  EXPECT_NE(from_xml.find("host edge/rpi4-0 cores=4 speed=1200000000 arch=arm64 cluster=edge "
                          "memory=4294967296 node_type=rpi4\n"),
            std::string::npos)
      << from_xml;
  EXPECT_NE(from_xml.find("route edge/rpi4-0 -> cloud/vm-medium-7 latency=0.0253 "
                          "links=edge/lan-0,wan/edge/cloud,cloud/lan-7\n"),
            std::string::npos)
      << from_xml;
}

TEST(SimGridXml, MultiHopRoutesSurviveTheExport) {
  platform::Platform platform = ChainPlatform();
  Routes routes = {{"a/small-0", "c/big-0"}, {"c/big-0", "a/storage"}, {"b/small-0", "b/big-1"}};
  std::string from_xml = DumpFromXml(platform, routes);
  EXPECT_EQ(from_xml, DumpFromMemory(platform, routes));
  EXPECT_NE(from_xml.find("links=a/lan-0,wan/a/b,wan/c/b,c/lan-0\n"), std::string::npos)
      << from_xml;
}

TEST(SimGridXml, EveryExamplePlatformLoadsInSimGrid) {
  for (const auto& entry : fs::directory_iterator(fs::path(TWINPROF_SOURCE_DIR) / "platforms")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    platform::Platform platform = platform::LoadPlatform(entry.path().string());
    std::string dump = DumpFromXml(platform, {});
    EXPECT_NE(
        dump.find("hosts " + std::to_string(platform.node_count() + platform.clusters.size())),
        std::string::npos)
        << dump;
  }
}

TEST(SimGridXml, IsVersion41AndEscapesNames) {
  platform::Platform platform = EdgeCloudPlatform();
  platform.name = "a<b>&\"c\"";
  std::string xml = platform::ToSimGridXml(platform);
  EXPECT_NE(xml.find("<platform version=\"4.1\">"), std::string::npos);
  EXPECT_NE(xml.find("platform:a&lt;b&gt;&amp;&quot;c&quot;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("a<b>"), std::string::npos);
}

}  // namespace
}  // namespace twinprof::test
