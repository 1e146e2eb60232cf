// twinprof platform-xml, end to end.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../subprocess.h"
#include "platform/simgrid_platform.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

const std::string kEdgeCloud = std::string(TWINPROF_SOURCE_DIR) + "/platforms/edge-cloud.yaml";

TEST(PlatformXmlCommand, PrintsTheXmlOfThePlatform) {
  CommandResult result = RunTwinprof({"platform-xml", kEdgeCloud});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(result.out, platform::ToSimGridXml(platform::LoadPlatform(kEdgeCloud)));
}

TEST(PlatformXmlCommand, WritesAFileThatSimGridLoads) {
  fs::path file =
      fs::temp_directory_path() / ("twinprof-cmd-" + std::to_string(::getpid()) + ".xml");
  CommandResult result = RunTwinprof({"platform-xml", kEdgeCloud, "-o", file.string()});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("11 nodes and 2 storage hosts in 2 clusters, 1 WAN link\n"),
            std::string::npos)
      << result.out;
  CommandResult probe = RunCommand({SIMGRID_PLATFORM_PROBE, file.string()});
  fs::remove(file);
  EXPECT_EQ(probe.exit_status, 0) << probe.err;
  EXPECT_EQ(probe.out.rfind("hosts 13\n", 0), 0u) << probe.out;
}

TEST(PlatformXmlCommand, BadInputExitsTwo) {
  CommandResult missing = RunTwinprof({"platform-xml", "/no/such/file.yaml"});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("/no/such/file.yaml"), std::string::npos) << missing.err;
  CommandResult unwritable =
      RunTwinprof({"platform-xml", kEdgeCloud, "-o", "/no/such/dir/out.xml"});
  EXPECT_EQ(unwritable.exit_status, 2);
  EXPECT_NE(unwritable.err.find("/no/such/dir/out.xml: error: cannot write"), std::string::npos)
      << unwritable.err;
  EXPECT_EQ(RunTwinprof({"platform-xml"}).exit_status, 2);
  const std::string bad = "tests/data/bad/platform/disconnected-cluster.yaml";
  CommandResult disconnected = RunTwinprof({"platform-xml", bad});
  EXPECT_EQ(disconnected.exit_status, 2);
  EXPECT_NE(disconnected.err.find(bad + ":14:3: error: cluster 'fog' is not connected"),
            std::string::npos)
      << disconnected.err;
  EXPECT_TRUE(disconnected.out.empty());
}

}  // namespace
}  // namespace twinprof::test
