#include <gtest/gtest.h>

#include "../subprocess.h"

namespace twinprof::test {
namespace {

TEST(Cli, HelpAndVersionExitZero) {
  auto help = RunTwinprof({"--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("twinprof"), std::string::npos);
  auto version = RunTwinprof({"--version"});
  EXPECT_EQ(version.exit_status, 0);
  EXPECT_NE(version.out.find("twinprof 0."), std::string::npos) << version.out;
}

TEST(Cli, UnknownFlagsAndCommandsAreBadInput) {
  EXPECT_EQ(RunTwinprof({"--no-such-flag"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({"no-such-command"}).exit_status, 2);
  EXPECT_EQ(RunTwinprof({}).exit_status, 2);
}

}  // namespace
}  // namespace twinprof::test
