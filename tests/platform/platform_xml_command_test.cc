// twinprof platform-xml, end to end.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../cli/run_command.h"
#include "platform/simgrid_platform.h"

namespace twinprof {
namespace {

namespace fs = std::filesystem;

const std::string kEdgeCloud = std::string(TWINPROF_SOURCE_DIR) + "/platforms/edge-cloud.yaml";

TEST(PlatformXmlCommand, PrintsTheXmlOfThePlatform) {
  testing::CommandResult result = testing::RunTwinprof({"platform-xml", kEdgeCloud});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(result.out, ToSimGridXml(LoadPlatform(kEdgeCloud)));
}

TEST(PlatformXmlCommand, WritesAFileThatSimGridLoads) {
  fs::path file =
      fs::temp_directory_path() / ("twinprof-cmd-" + std::to_string(::getpid()) + ".xml");
  testing::CommandResult result =
      testing::RunTwinprof({"platform-xml", kEdgeCloud, "-o", file.string()});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_NE(result.out.find("11 nodes and 2 storage hosts in 2 clusters, 1 WAN link\n"),
            std::string::npos)
      << result.out;
  testing::CommandResult probe = testing::RunCommand({SIMGRID_PLATFORM_PROBE, file.string()});
  fs::remove(file);
  EXPECT_EQ(probe.exit_status, 0) << probe.err;
  EXPECT_EQ(probe.out.rfind("hosts 13\n", 0), 0u) << probe.out;
}

TEST(PlatformXmlCommand, BadInputExitsTwo) {
  testing::CommandResult missing = testing::RunTwinprof({"platform-xml", "/no/such/file.yaml"});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("/no/such/file.yaml"), std::string::npos) << missing.err;
  testing::CommandResult unwritable =
      testing::RunTwinprof({"platform-xml", kEdgeCloud, "-o", "/no/such/dir/out.xml"});
  EXPECT_EQ(unwritable.exit_status, 2);
  EXPECT_NE(unwritable.err.find("/no/such/dir/out.xml: error: cannot write"), std::string::npos)
      << unwritable.err;
  EXPECT_EQ(testing::RunTwinprof({"platform-xml"}).exit_status, 2);
  const std::string bad = "tests/data/bad/platform/disconnected-cluster.yaml";
  testing::CommandResult disconnected = testing::RunTwinprof({"platform-xml", bad});
  EXPECT_EQ(disconnected.exit_status, 2);
  EXPECT_NE(disconnected.err.find(bad + ":14:3: error: cluster 'fog' is not connected"),
            std::string::npos)
      << disconnected.err;
  EXPECT_TRUE(disconnected.out.empty());
}

}  // namespace
}  // namespace twinprof
