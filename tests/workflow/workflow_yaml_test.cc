#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/yaml_file.h"
#include "temp_files.h"
#include "workflow/loaders.h"

namespace twinprof::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// The error a loader throws, as "LINE: MESSAGE" (or "ok").
std::string ErrorOf(const std::string& path) {
  try {
    workflow::LoadWorkflowYaml(path, nullptr);
  } catch (const InputError& e) {
    return std::to_string(e.where().line) + ": " + e.message();
  }
  return "ok";
}

TEST(WorkflowYaml, LoadsTheMaskDetectionExample) {
  Warnings warnings;
  std::string path = std::string(TWINPROF_SOURCE_DIR) + "/workflows/mask-detection.yaml";
  workflow::Workflow w = workflow::LoadWorkflowYaml(path, &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front().ToString();
  EXPECT_EQ(w.name(), "mask-detection");
  EXPECT_EQ(w.source_file(), path);
  ASSERT_EQ(w.size(), 2u);
  const workflow::Component& blur = w.component(*w.Find("blurry-faces"));
  EXPECT_EQ(blur.script, "scripts/blurry-faces.sh");
  EXPECT_EQ(blur.script_path,
            std::string(TWINPROF_SOURCE_DIR) + "/workflows/scripts/blurry-faces.sh");
  EXPECT_EQ(blur.images.at("x86_64"), "grycap/blurry-faces");
  EXPECT_EQ(blur.images.at("arm64"), "ghcr.io/srisco/blurry-faces-arm64");
  EXPECT_DOUBLE_EQ(blur.image_size_bytes, 1.2e9);
  EXPECT_DOUBLE_EQ(blur.cpu, 1.0);
  EXPECT_DOUBLE_EQ(blur.memory_bytes, 2.0 * 1024 * 1024 * 1024);
  EXPECT_THAT(blur.environment, ElementsAre(Pair("FRAMES_PER_SECOND", "1")));
  EXPECT_EQ(blur.where.line, 10);
  const workflow::Component& mask = w.component(*w.Find("mask-detector"));
  EXPECT_EQ(mask.images.count("arm64"), 0u);
  EXPECT_THAT(w.Successors(*w.Find("blurry-faces")), ElementsAre(*w.Find("mask-detector")));
  EXPECT_NO_THROW(workflow::RequireScripts(w));
  // LoadWorkflow detects the format.
  EXPECT_EQ(workflow::LoadWorkflow(path, nullptr).size(), 2u);
}

TEST(WorkflowYaml, FormatsDocQuotesTheExampleVerbatim) {
  std::string doc = ReadTextFile(std::string(TWINPROF_SOURCE_DIR) + "/docs/formats.md");
  std::string example =
      ReadTextFile(std::string(TWINPROF_SOURCE_DIR) + "/workflows/mask-detection.yaml");
  EXPECT_NE(doc.find("```yaml\n" + example + "```"), std::string::npos)
      << "docs/formats.md must quote workflows/mask-detection.yaml exactly";
}

TEST(WorkflowYaml, MinimalFileWithDefaultsAndPlainImage) {
  TempDir dir;
  std::string path = dir.Write("sub/tiny.yaml",
                               "components:\n"
                               "  only:\n"
                               "    script: ../run.sh\n"
                               "    image: ubuntu:24.04\n"
                               "    cpu: 500m\n"
                               "    memory: 256Mi\n");
  Warnings warnings;
  workflow::Workflow w = workflow::LoadWorkflowYaml(path, &warnings);
  EXPECT_EQ(w.name(), "tiny");  // the file's stem
  const workflow::Component& c = w.component(0);
  EXPECT_DOUBLE_EQ(c.cpu, 0.5);
  EXPECT_DOUBLE_EQ(c.memory_bytes, 256.0 * 1048576);
  EXPECT_EQ(c.images.at("x86_64"), "ubuntu:24.04");
  EXPECT_EQ(c.images.at("arm64"), "ubuntu:24.04");
  EXPECT_EQ(c.script_path, dir.path() + "/run.sh");
  // The script does not exist: a warning for the loader, an error for RequireScripts.
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].ToString(), HasSubstr("tiny.yaml:2:3: warning: script of component "
                                                "'only' not found"));
  EXPECT_THROW(workflow::RequireScripts(w), InputError);
  dir.Write("run.sh", "#!/bin/sh\n");
  EXPECT_NO_THROW(workflow::RequireScripts(w));
}

TEST(WorkflowYaml, ErrorsNameTheLine) {
  TempDir dir;
  const std::string head = "name: w\ncomponents:\n";
  const std::string a = "  a: {script: a.sh, cpu: 1, memory: 1Gi}\n";
  const std::string b = "  b: {script: b.sh, cpu: 1, memory: 1Gi}\n";
  auto error = [&](const std::string& text) { return ErrorOf(dir.Write("w.yaml", text)); };

  EXPECT_EQ(error(head + a + b + "edges:\n  - {from: a, to: b}\n"), "ok");
  EXPECT_THAT(error(head + a + b + "edges:\n  - {from: a, to: c}\n"),
              HasSubstr("6: edge names unknown component 'c' (components: a, b)"));
  EXPECT_THAT(error(head + a + b + "edges:\n  - {from: a, to: b}\n  - {from: b, to: a}\n"),
              HasSubstr("3: the workflow has a cycle: a -> b -> a"));
  EXPECT_THAT(error(head + a + a), HasSubstr("4: duplicate component name 'a'"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: -1, memory: 1Gi}\n"),
              HasSubstr("4: cpu: "));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 0, memory: 1Gi}\n"),
              HasSubstr("4: cpu must be positive"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, memory: 0}\n"),
              HasSubstr("4: memory must be positive"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, memory: 2 apples}\n"),
              HasSubstr("4: memory: "));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1e999, memory: 1Gi}\n"),
              HasSubstr("4: cpu: "));
  EXPECT_THAT(error(head + a + "  b: {cpu: 1, memory: 1Gi}\n"),
              HasSubstr("4: missing field 'script'"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, memory: 1Gi}\n"),
              HasSubstr("4: missing field 'cpu'"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, memory: 1Gi, gpu: 1}\n"),
              HasSubstr("4: unknown field 'gpu'"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, cpu: 2, memory: 1Gi}\n"),
              HasSubstr("4: 'cpu' appears twice"));
  EXPECT_THAT(error(head + a + "  b c: {script: b.sh, cpu: 1, memory: 1Gi}\n"),
              HasSubstr("4: component name 'b c' is not a valid name"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, memory: 1Gi, image: {sparc: x}}\n"),
              HasSubstr("4: unknown field 'sparc'"));
  EXPECT_THAT(error(head + a + "  b: {script: b.sh, cpu: 1, memory: 1Gi, environment: {1X: y}}\n"),
              HasSubstr("4: '1X' is not a valid environment variable name"));
  EXPECT_THAT(error("name: w\ncomponents: {}\n"), HasSubstr("2: the workflow has no components"));
  EXPECT_THAT(error("name: w\n"), HasSubstr("1: missing field 'components'"));
  EXPECT_THAT(error("name: w\nsteps: 3\ncomponents:\n" + a), HasSubstr("2: unknown field 'steps'"));
  EXPECT_THAT(error(head + a + "edges:\n  - {from: a, to: a, weight: 3}\n"),
              HasSubstr("5: unknown field 'weight'"));
  EXPECT_THAT(error(head + a + b + "edges:\n  - {from: a, to: b}\n  - {from: a, to: b}\n"),
              HasSubstr("7: edge a -> b is declared twice (first at line 6)"));
  EXPECT_THAT(error(head + "  a: [1, 2\n"), HasSubstr("YAML syntax error"));
  EXPECT_THAT(error(""), HasSubstr("1: empty file"));
}

}  // namespace
}  // namespace twinprof::test
