#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_files.h"
#include "workflow/json_location.h"
#include "workflow/loaders.h"

namespace twinprof::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kForkJoin =
    std::string(TWINPROF_SOURCE_DIR) + "/workflows/wfformat/fork-join.json";

TEST(WfFormat, LoadsTheForkJoinExample) {
  Warnings warnings;
  workflow::Workflow w = workflow::LoadWfFormat(kForkJoin, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(w.name(), "fork-join");
  ASSERT_EQ(w.size(), 5u);
  workflow::ComponentId split = *w.Find("split"), merge = *w.Find("merge");
  EXPECT_THAT(w.Successors(split), ElementsAre(1, 2, 3));
  EXPECT_THAT(w.Predecessors(merge), ElementsAre(1, 2, 3));
  EXPECT_EQ(boost::num_edges(w.graph()), 6u);  // parents and children name each edge once
  EXPECT_THAT(w.Sources(), ElementsAre(split));
  EXPECT_THAT(w.Sinks(), ElementsAre(merge));
  const workflow::Component& s = w.component(split);
  EXPECT_DOUBLE_EQ(s.runtime_s, 8.0);
  EXPECT_DOUBLE_EQ(s.input_bytes, 3e8);
  EXPECT_DOUBLE_EQ(s.output_bytes, 3e8);
  EXPECT_DOUBLE_EQ(s.memory_bytes, 268435456);
  EXPECT_EQ(s.where.line, 10);
  const workflow::Component& w2 = w.component(*w.Find("work_2"));
  EXPECT_DOUBLE_EQ(w2.cpu, 2);
  EXPECT_EQ(w2.task_cores, 2);
  EXPECT_DOUBLE_EQ(w2.input_bytes, 1e8);
  EXPECT_DOUBLE_EQ(w2.output_bytes, 2e6);
  // The critical path with the measured runtimes goes through the slowest worker.
  std::vector<double> runtimes;
  for (workflow::ComponentId id : w.components()) runtimes.push_back(w.component(id).runtime_s);
  workflow::CriticalPath path = w.FindCriticalPath(runtimes);
  EXPECT_DOUBLE_EQ(path.length, 62.5);
  EXPECT_THAT(path.components, ElementsAre(split, *w.Find("work_2"), merge));
  // No scripts: loading is fine, running is not.
  EXPECT_THROW(workflow::RequireScripts(w), InputError);
  EXPECT_EQ(workflow::LoadWorkflow(kForkJoin, nullptr).size(), 5u);
}

TEST(WfFormat, LoadsOlderInstancesWithTasksUnderWorkflow) {
  TempDir dir;
  std::string path = dir.Write("old.json", R"({
  "name": "old", "schemaVersion": "1.3",
  "workflow": {"tasks": [
    {"name": "a", "type": "compute", "runtimeInSeconds": 2.5, "cores": 1, "parents": [],
     "children": ["b"], "files": [{"link": "output", "name": "x", "sizeInBytes": 100}]},
    {"name": "b", "type": "compute", "runtimeInSeconds": 1, "cores": 4, "parents": ["a"],
     "files": [{"link": "input", "name": "x", "sizeInBytes": 100}]}
  ]}
})");
  workflow::Workflow w = workflow::LoadWfFormat(path, nullptr);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_THAT(w.Successors(0), ElementsAre(1));
  EXPECT_EQ(boost::num_edges(w.graph()), 1u);
  EXPECT_DOUBLE_EQ(w.component(0).output_bytes, 100);
  EXPECT_DOUBLE_EQ(w.component(1).input_bytes, 100);
  EXPECT_DOUBLE_EQ(w.component(1).cpu, 4);
  EXPECT_DOUBLE_EQ(w.component(0).runtime_s, 2.5);
}

std::string ErrorOf(const TempDir& dir, const std::string& text) {
  try {
    workflow::LoadWfFormat(dir.Write("bad.json", text), nullptr);
  } catch (const InputError& e) {
    return std::to_string(e.where().line) + ":" + std::to_string(e.where().column) + ": " +
           e.message();
  }
  return "ok";
}

TEST(WfFormat, ErrorsNameLineAndColumn) {
  TempDir dir;
  // A syntax error: nlohmann's byte offset becomes line:column.
  EXPECT_THAT(ErrorOf(dir, "{\n  \"name\": \"x\",\n  \"workflow\": [1, 2,, 3]\n}\n"),
              HasSubstr("3:21: JSON syntax error"));
  EXPECT_THAT(ErrorOf(dir, "{\"name\": \"x\""), HasSubstr("1:13: JSON syntax error"));
  const std::string head = "{\n\"name\": \"w\",\n\"workflow\": {\"specification\": {\"tasks\": [\n";
  const std::string tail =
      "]},\n\"execution\": {\"makespanInSeconds\": 1, \"executedAt\": \"x\", \"tasks\": [\n"
      "{\"id\": \"a\", \"runtimeInSeconds\": 1},\n{\"id\": \"b\", \"runtimeInSeconds\": 1}]}}}\n";
  const std::string a = "{\"name\": \"a\", \"id\": \"a\", \"parents\": [], \"children\": []},\n";
  EXPECT_EQ(ErrorOf(dir, head + a +
                             "{\"name\": \"b\", \"id\": \"b\", \"parents\": [\"a\"], "
                             "\"children\": []}\n" +
                             tail),
            "ok");
  EXPECT_THAT(ErrorOf(dir, head + a +
                               "{\"name\": \"b\", \"id\": \"b\", \"parents\": [\"a\", \"zz\"], "
                               "\"children\": []}\n" +
                               tail),
              HasSubstr("5:43: unknown parent task 'zz' of task 'b'"));
  EXPECT_THAT(
      ErrorOf(dir, head +
                       "{\"name\": \"a\", \"id\": \"a\", \"parents\": [\"b\"], \"children\": []},\n"
                       "{\"name\": \"b\", \"id\": \"b\", \"parents\": [\"a\"], "
                       "\"children\": []}\n" +
                       tail),
      HasSubstr("4:1: the workflow has a cycle: a -> b -> a"));
  EXPECT_THAT(ErrorOf(dir, head + a + a.substr(0, a.size() - 2) + "\n" + tail),
              HasSubstr("5:15: duplicate task id 'a'"));
  EXPECT_THAT(
      ErrorOf(dir, head + a +
                       "{\"name\": \"c\", \"id\": \"c\", \"parents\": [], \"children\": []}\n" +
                       tail),
      HasSubstr("5:1: task 'c' has no positive runtimeInSeconds"));
  EXPECT_THAT(ErrorOf(dir, "{\"name\": \"w\", \"workflow\": {\"specification\": {\"tasks\": []}}}"),
              HasSubstr("the workflow has no tasks"));
  EXPECT_THAT(ErrorOf(dir, "{\"name\": 3, \"workflow\": {}}"),
              HasSubstr("1:2: expected a string (at /name)"));
  EXPECT_THAT(ErrorOf(dir, "[1]"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(ErrorOf(dir, std::string(500, '[') + std::string(500, ']')),
              HasSubstr("1:201: JSON nested too deeply"));
  EXPECT_THAT(ErrorOf(dir, ""), HasSubstr("JSON syntax error"));
}

TEST(JsonLocation, OffsetsAndPointers) {
  using workflow::internal::LocateJson;
  using workflow::internal::LocationOfOffset;
  using Pointer = nlohmann::json::json_pointer;
  EXPECT_EQ(LocationOfOffset("ab\ncd", 4, "f").ToString(), "f:2:2");
  EXPECT_EQ(LocationOfOffset("\xc3\xa9x", 2, "f").ToString(), "f:1:2");  // é is one column
  std::string text = "{\"a\": {\"b\": [10,\n  20, {\"c\": true}]},\n \"d\": 5\n}";
  EXPECT_EQ(LocateJson(text, Pointer("/a"), "f").ToString(), "f:1:2");
  EXPECT_EQ(LocateJson(text, Pointer("/a/b/1"), "f").ToString(), "f:2:3");
  EXPECT_EQ(LocateJson(text, Pointer("/a/b/2"), "f").ToString(), "f:2:7");
  EXPECT_EQ(LocateJson(text, Pointer("/a/b/2/c"), "f").ToString(), "f:2:8");
  EXPECT_EQ(LocateJson(text, Pointer("/d"), "f").ToString(), "f:3:2");
  EXPECT_EQ(LocateJson(text, Pointer("/zz"), "f").ToString(), "f");
}

}  // namespace
}  // namespace twinprof::test
