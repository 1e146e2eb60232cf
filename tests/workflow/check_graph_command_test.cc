// End-to-end tests of `twinprof check` and `twinprof graph` on the files in the repository.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "../subprocess.h"
#include "temp_files.h"

namespace twinprof::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using twinprof::test::RunTwinprof;

const std::string kSource = TWINPROF_SOURCE_DIR;
const std::string kFdl = std::string(TWINPROF_DATA_DIR) + "/fdl/oscar-examples/";

TEST(CheckCommand, AcceptsEveryExampleAndSharedFdlFile) {
  std::vector<std::string> args = {"check"};
  for (const char* folder : {"/workflows", "/workflows/wfformat", "/platforms"}) {
    for (const auto& entry : std::filesystem::directory_iterator(kSource + folder)) {
      if (entry.is_regular_file()) args.push_back(entry.path().string());
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(kFdl)) {
    if (entry.path().extension() == ".yaml") args.push_back(entry.path().string());  // not README
  }
  auto result = RunTwinprof(args);
  EXPECT_EQ(result.exit_status, 0) << result.err;
  for (size_t i = 1; i < args.size(); ++i) {
    EXPECT_THAT(result.out, HasSubstr("ok  " + args[i] + "  (")) << result.out;
  }
}

TEST(CheckCommand, DescribesEachKind) {
  auto result = RunTwinprof({"check", "workflows/mask-detection.yaml",
                             "workflows/wfformat/fork-join.json", kFdl + "video-process.yaml"});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("ok  workflows/mask-detection.yaml  (workflow, 2 components, 1 edge)\n"));
  EXPECT_THAT(result.out,
              HasSubstr("ok  workflows/wfformat/fork-join.json  (WfFormat, 5 tasks, 6 edges)\n"));
  EXPECT_THAT(result.out, HasSubstr("video-process.yaml  (OSCAR FDL, 2 services on 1 cluster, "
                                    "1 edge)\n"));
  auto platform = RunTwinprof({"check", "platforms/edge-cloud.yaml"});
  EXPECT_EQ(platform.exit_status, 0) << platform.err;
  EXPECT_THAT(platform.out, HasSubstr("ok  platforms/edge-cloud.yaml  (platform, 2 node types, "
                                      "2 clusters, 11 nodes, 1 link)\n"));
  // The FDL scripts are not in the shared folder: a warning, not an error.
  EXPECT_THAT(result.err, HasSubstr("video-process.yaml:4:13: warning: script of component "
                                    "'split-video' not found"));
}

TEST(CheckCommand, ContinuesOverBadFilesAndExitsTwo) {
  TempDir dir;
  std::string cycle = dir.Write("cycle.yaml",
                                "components:\n"
                                "  a: {script: a.sh, cpu: 1, memory: 1Gi}\n"
                                "  b: {script: b.sh, cpu: 1, memory: 1Gi}\n"
                                "edges: [{from: a, to: b}, {from: b, to: a}]\n");
  std::string unknown = dir.Write("what.yaml", "colour: blue\n");
  std::string platform = dir.Write("platform.yaml", "name: p\nnode_types: {}\nclusters: {}\n");
  auto result = RunTwinprof({"check", cycle, "workflows/mask-detection.yaml", unknown,
                             dir.path() + "/missing.yaml", platform});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_THAT(result.err, HasSubstr(cycle + ":2:3: error: the workflow has a cycle: a -> b -> a"));
  EXPECT_THAT(result.err, HasSubstr(unknown + ":1:1: error: cannot tell what kind of file"));
  EXPECT_THAT(result.err, HasSubstr("missing.yaml: error: cannot read file"));
  EXPECT_THAT(result.err, HasSubstr("4 of 5 files have errors"));
  EXPECT_THAT(result.out, HasSubstr("ok  workflows/mask-detection.yaml"));
  EXPECT_THAT(result.out, HasSubstr("bad " + cycle));
  EXPECT_THAT(result.out, HasSubstr("bad " + platform));
  EXPECT_THAT(result.err, HasSubstr(platform + ":"));
}

// Training configurations (.ini or YAML) and behaviour parameter files are checked too.
TEST(CheckCommand, KnowsTrainingConfigurationsAndBehaviourFiles) {
  std::string ini = std::string(TWINPROF_DATA_DIR) + "/ml/faas_test.ini";
  std::string behaviour = std::string(TWINPROF_DATA_DIR) + "/sim/edge-cloud/behaviour.yaml";
  auto result = RunTwinprof({"check", ini, behaviour});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("ok  " + ini + "  (training configuration, "));
  EXPECT_THAT(result.out, HasSubstr("y ave_response_time, validation "));
  EXPECT_THAT(result.out,
              HasSubstr("ok  " + behaviour + "  (behaviour, 2 component behaviours)\n"));

  TempDir dir;
  std::string typo = dir.Write("typo.ini",
                               "[General]\ntechniques = ['LRRidge']\ny = 'y'\n"
                               "[DataPreparation]\ninput_path = '" +
                                   kSource +
                                   "/tests/data/bad/model/data.csv'\n"
                                   "[LRRidgee]\nalpha = [0.1]\n");
  std::string bad_behaviour =
      dir.Write("behaviour.yaml", "behaviour:\n  a: {serial_fraction: 2}\n");
  auto bad = RunTwinprof({"check", typo, bad_behaviour});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_THAT(bad.err,
              HasSubstr(typo + ":6: error: [LRRidgee]: unknown section (did you mean [LRRidge]?)"));
  EXPECT_THAT(bad.err, HasSubstr(bad_behaviour + ":2:"));
  EXPECT_THAT(bad.out, HasSubstr("bad " + typo));
  EXPECT_THAT(bad.out, HasSubstr("bad " + bad_behaviour));
}

TEST(CheckCommand, FolderIsNotAFile) {
  auto result = RunTwinprof({"check", "workflows"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_THAT(result.err, HasSubstr("workflows: error: is a directory, not a file"));
}

TEST(CheckCommand, NeedsAFile) { EXPECT_EQ(RunTwinprof({"check"}).exit_status, 2); }

TEST(GraphCommand, PrintsDot) {
  auto result = RunTwinprof({"graph", "workflows/mask-detection.yaml"});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(result.out,
            "digraph G {\n"
            "label=\"mask-detection\";\n"
            "rankdir=LR;\n"
            "node [shape=box];\n"
            "0[label=\"blurry-faces\\ncpu 1, 2 GiB\"];\n"
            "1[label=\"mask-detector\\ncpu 1, 1 GiB\"];\n"
            "0->1 ;\n"
            "}\n");
  auto fdl = RunTwinprof({"graph", kFdl + "mask-detector-workflow.yaml"});
  EXPECT_EQ(fdl.exit_status, 0) << fdl.err;
  EXPECT_THAT(fdl.out, HasSubstr("anon-and-split\\ncpu 1, 2 GiB\\ncluster my_oscar"));
  EXPECT_THAT(fdl.out, HasSubstr("0->1"));
  auto wf = RunTwinprof({"graph", "workflows/wfformat/fork-join.json"});
  EXPECT_EQ(wf.exit_status, 0) << wf.err;
  EXPECT_THAT(wf.out, HasSubstr("3->4"));
  EXPECT_THAT(wf.out, HasSubstr("runtime 45.5 s"));
}

TEST(GraphCommand, BadWorkflowIsExitTwo) {
  TempDir dir;
  std::string bad = dir.Write("bad.yaml", "components: {}\n");
  auto result = RunTwinprof({"graph", bad});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_THAT(result.err, HasSubstr(bad + ":1:13: error: the workflow has no components"));
  EXPECT_THAT(result.out, Not(HasSubstr("digraph")));
  EXPECT_EQ(RunTwinprof({"graph"}).exit_status, 2);
}

}  // namespace
}  // namespace twinprof::test
