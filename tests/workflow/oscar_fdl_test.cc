#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "temp_files.h"
#include "workflow/loaders.h"

namespace twinprof::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const std::string kFdl = std::string(TWINPROF_DATA_DIR) + "/fdl/oscar-examples/";

TEST(OscarFdl, EverySharedFileLoads) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFdl)) {
    if (entry.path().extension() != ".yaml") continue;  // README.md
    SCOPED_TRACE(entry.path().string());
    Warnings warnings;
    workflow::Workflow w = workflow::LoadOscarFdl(entry.path().string(), &warnings);
    EXPECT_GE(w.size(), 1u);
    EXPECT_NO_THROW(w.TopologicalOrder());
    // LoadWorkflow recognises FDL by its `functions` section.
    EXPECT_EQ(workflow::LoadWorkflow(entry.path().string(), nullptr).size(), w.size());
    ++files;
  }
  EXPECT_GE(files, 9);
}

// OSCAR's fire-detection example with replicas: one service name in two clusters, the edge one
// delegating to the cloud one; `environment.Variables` capitalised, with placeholders.
TEST(OscarFdl, FireDetectionReplicasIsTwoServicesOfOneNameInTwoClusters) {
  Warnings warnings;
  workflow::Workflow w = workflow::LoadOscarFdl(kFdl + "fire_detection_replicas.yaml", &warnings);
  ASSERT_EQ(w.size(), 2u);
  const auto edge = w.Find("fire-detection@oscar-cluster-edge");
  const auto cloud = w.Find("fire-detection@oscar-cluster");
  ASSERT_TRUE(edge && cloud);
  EXPECT_FALSE(w.Find("fire-detection"));
  const workflow::Component& e = w.component(*edge);
  EXPECT_EQ(e.service_name, "fire-detection");
  EXPECT_EQ(e.cluster, "oscar-cluster-edge");
  EXPECT_EQ(w.component(*cloud).service_name, "fire-detection");
  EXPECT_EQ(w.component(*cloud).cluster, "oscar-cluster");
  EXPECT_DOUBLE_EQ(e.cpu, 1.0);
  ASSERT_EQ(e.replicas.size(), 1u);
  EXPECT_EQ(e.replicas[0].type, "oscar");
  EXPECT_EQ(e.replicas[0].cluster, "oscar-cluster");
  EXPECT_EQ(e.replicas[0].service, "fire-detection");
  EXPECT_EQ(e.replicas[0].component, "fire-detection@oscar-cluster");
  EXPECT_TRUE(w.component(*cloud).replicas.empty());
  // Variables (capitalised) are read; the [placeholder] lists are left out with a warning.
  EXPECT_THAT(e.environment,
              ElementsAre(Pair("SEND_SNS", "false"), Pair("AWS_DEFAULT_OUTPUT", "json")));
  int placeholders = 0;
  for (const auto& warning : warnings) {
    placeholders += warning.message.find("placeholder") != std::string::npos;
  }
  EXPECT_EQ(placeholders, 8);                // 4 per service
  EXPECT_TRUE(w.Successors(*edge).empty());  // replicas are not edges
}

// Services without a script run their image's own command (rucio, kserve LLM); without cpu or
// memory they get OSCAR's defaults. They cannot run on the local backend.
TEST(OscarFdl, ServicesWithoutScriptRunTheirImagesCommand) {
  workflow::Workflow rucio = workflow::LoadOscarFdl(kFdl + "rucio-service.yaml", nullptr);
  ASSERT_EQ(rucio.size(), 1u);
  EXPECT_TRUE(rucio.component(0).image_command);
  EXPECT_TRUE(rucio.component(0).script.empty());
  EXPECT_EQ(rucio.component(0).images.at("x86_64"), "ghcr.io/grycap/fish-detector:1.0.0");
  EXPECT_THAT(rucio.component(0).input_paths, ElementsAre("rucio/input"));
  EXPECT_NO_THROW(workflow::RequireScripts(rucio, true));
  try {
    workflow::RequireScripts(rucio, false);
    ADD_FAILURE() << "a script-less component was accepted for local runs";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 4);
    EXPECT_THAT(e.message(), HasSubstr("has no script: it runs its image's own command"));
    EXPECT_THAT(e.message(), HasSubstr("backend: oscar"));
  }
  workflow::Workflow llm = workflow::LoadOscarFdl(kFdl + "kserve-llmisvc-qwen2-5.yaml", nullptr);
  ASSERT_EQ(llm.size(), 1u);
  EXPECT_TRUE(llm.component(0).image_command);
  EXPECT_DOUBLE_EQ(llm.component(0).cpu, 0.2);
  EXPECT_DOUBLE_EQ(llm.component(0).memory_bytes, 256.0 * 1048576);
  workflow::Workflow sklearn = workflow::LoadOscarFdl(kFdl + "oscar-svc-sklearn.yaml", nullptr);
  EXPECT_FALSE(sklearn.component(0).image_command);  // it has a script
}

TEST(OscarFdl, VideoProcessChainsSplitVideoToDarknet) {
  Warnings warnings;
  workflow::Workflow w = workflow::LoadOscarFdl(kFdl + "video-process.yaml", &warnings);
  ASSERT_EQ(w.size(), 2u);
  workflow::ComponentId split = *w.Find("split-video");
  workflow::ComponentId darknet = *w.Find("darknet");
  EXPECT_THAT(w.Successors(split), ElementsAre(darknet));
  EXPECT_THAT(w.Sources(), ElementsAre(split));
  EXPECT_THAT(w.Sinks(), ElementsAre(darknet));
  const workflow::Component& c = w.component(split);
  EXPECT_EQ(c.cluster, "oscar-cluster");
  EXPECT_DOUBLE_EQ(c.cpu, 1.0);
  EXPECT_DOUBLE_EQ(c.memory_bytes, 1024.0 * 1048576);
  EXPECT_EQ(c.images.at("x86_64"), "grycap/ffmpeg");
  EXPECT_THAT(c.input_paths, ElementsAre("video-process/in"));
  EXPECT_THAT(c.output_paths, ElementsAre("video-process/med"));
  EXPECT_EQ(c.script_path,
            std::filesystem::path(kFdl + "split-video.sh").lexically_normal().string());
  EXPECT_EQ(c.where.line, 4);
  // The edge is located at darknet's input path.
  auto edge = *boost::out_edges(split, w.graph()).first;
  EXPECT_EQ(w.graph()[edge].where.line, 23);
  // The scripts are not in the shared folder: warned about, not fatal.
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0].message, HasSubstr("not found"));
  EXPECT_THROW(workflow::RequireScripts(w), InputError);
}

TEST(OscarFdl, MaskDetectorChainsAnonAndSplitToMaskDetector) {
  workflow::Workflow w = workflow::LoadOscarFdl(kFdl + "mask-detector-workflow.yaml", nullptr);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_THAT(w.Successors(*w.Find("anon-and-split")), ElementsAre(*w.Find("mask-detector")));
  EXPECT_EQ(w.component(*w.Find("mask-detector")).cluster, "my_oscar");
  EXPECT_DOUBLE_EQ(w.component(*w.Find("anon-and-split")).memory_bytes, 2.0 * 1073741824);
}

TEST(OscarFdl, SleepTestHasEnvironmentAndIgnoresKnownOscarFields) {
  Warnings warnings;
  workflow::Workflow w = workflow::LoadOscarFdl(kFdl + "sleep-test.yaml", &warnings);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_THAT(w.component(0).environment, ElementsAre(Pair("SLEEP_SECONDS", "30")));
  // allowed_users and log_level are OSCAR fields: no warning; only the missing script.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].message, HasSubstr("script"));
}

TEST(OscarFdl, ServicesOfSeveralClustersAndUnknownFields) {
  TempDir dir;
  dir.Write("a.sh", "");
  dir.Write("b.sh", "");
  dir.Write("c.sh", "");
  std::string path = dir.Write("multi.yaml", R"(functions:
  oscar:
  - edge:
      name: a
      cpu: '0.5'
      memory: 512Mi
      script: a.sh
      colour: blue
      input: [{storage_provider: minio, path: /in/}]
      output: [{storage_provider: minio, path: mid}, {storage_provider: minio, path: side}]
  - cloud:
      name: b
      cpu: 2
      memory: 4Gi
      script: b.sh
      input: [{storage_provider: minio.cloud, path: mid, prefix: x}]
      output: [{storage_provider: minio, path: out}]
  - cloud:
      name: c
      cpu: '1.0'
      memory: 1G
      script: c.sh
      input: [{path: side}, {path: out}]
)");
  Warnings warnings;
  workflow::Workflow w = workflow::LoadOscarFdl(path, &warnings);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w.component(0).cluster, "edge");
  EXPECT_EQ(w.component(1).cluster, "cloud");
  EXPECT_DOUBLE_EQ(w.component(0).cpu, 0.5);
  EXPECT_DOUBLE_EQ(w.component(2).memory_bytes, 1e9);
  EXPECT_THAT(w.component(0).input_paths, ElementsAre("in"));
  EXPECT_THAT(w.Successors(0), ElementsAre(1, 2));
  EXPECT_THAT(w.Successors(1), ElementsAre(2));
  EXPECT_THAT(w.TopologicalOrder(), ElementsAre(0, 1, 2));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].where.line, 8);
  EXPECT_THAT(warnings[0].message, HasSubstr("unknown field 'colour'"));
}

TEST(OscarFdl, ErrorsNameTheLine) {
  TempDir dir;
  auto error = [&](const std::string& text) {
    try {
      workflow::LoadOscarFdl(dir.Write("f.yaml", text), nullptr);
    } catch (const InputError& e) {
      return std::to_string(e.where().line) + ": " + e.message();
    }
    return std::string("ok");
  };
  const std::string head = "functions:\n  oscar:\n  - c:\n";
  EXPECT_EQ(error(head + "      {name: a, cpu: '1.0', memory: 1Gi, script: a.sh}\n"), "ok");
  EXPECT_THAT(error(head + "      {name: a, cpu: '1.0', memory: 1Gi}\n"),
              HasSubstr("4: service 'a' has neither a script nor an image"));
  EXPECT_EQ(error(head + "      {name: a, image: i, cpu: '1.0', memory: 1Gi}\n"), "ok");
  EXPECT_THAT(error(head + "      {name: a, script: a.sh, replicas: [{type: queue}]}\n"),
              HasSubstr("4: a replica's type is oscar or endpoint, not 'queue'"));
  EXPECT_THAT(error(head + "      {name: a, script: a.sh, replicas: [{type: oscar}]}\n"),
              HasSubstr("4: missing field 'cluster_id'"));
  EXPECT_THAT(error(head + "      {name: a, cpu: 'one', memory: 1Gi, script: a.sh}\n"),
              HasSubstr("4: cpu: "));
  EXPECT_THAT(error(head + "      {name: a, cpu: '1.0', memory: 0Mi, script: a.sh}\n"),
              HasSubstr("4: memory must be positive"));
  EXPECT_THAT(error(head + "      {name: a, cpu: '1.0', memory: 1Gi, script: a.sh, "
                           "input: [{path: x}], output: [{path: x}]}\n"),
              HasSubstr("the workflow has a cycle: a -> a"));
  EXPECT_THAT(error(head + "      {name: a, cpu: '1', memory: 1Gi, script: a.sh}\n"
                           "  - c:\n      {name: a, cpu: '1', memory: 1Gi, script: a.sh}\n"),
              HasSubstr("6: duplicate service 'a' in cluster 'c' (first defined at line 4)"));
  // The same name in another cluster is another service.
  EXPECT_EQ(error(head + "      {name: a, cpu: '1', memory: 1Gi, script: a.sh}\n"
                         "  - d:\n      {name: a, cpu: '1', memory: 1Gi, script: a.sh}\n"),
            "ok");
  EXPECT_THAT(error("functions:\n  oscar: []\n"), HasSubstr("2: the FDL file defines no services"));
  EXPECT_THAT(error("functions: {}\n"), HasSubstr("1: missing field 'oscar'"));
}

}  // namespace
}  // namespace twinprof::test
