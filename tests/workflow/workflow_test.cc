#include "workflow/workflow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace twinprof::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

workflow::Component Make(const std::string& name, int line = 0) {
  workflow::Component c;
  c.name = name;
  c.script = name + ".sh";
  c.where = SourceLocation{"wf.yaml", line, 3};
  return c;
}

// a -> b, a -> c, b -> d, c -> d (a diamond), plus e alone.
workflow::Workflow Diamond() {
  workflow::Workflow w("diamond");
  auto a = w.AddComponent(Make("a"));
  auto b = w.AddComponent(Make("b"));
  auto c = w.AddComponent(Make("c"));
  auto d = w.AddComponent(Make("d"));
  w.AddComponent(Make("e"));
  w.AddDependency(a, b);
  w.AddDependency(a, c);
  w.AddDependency(b, d);
  w.AddDependency(c, d);
  return w;
}

TEST(Workflow, ComponentsFindAndNeighbours) {
  workflow::Workflow w = Diamond();
  EXPECT_EQ(w.size(), 5u);
  EXPECT_THAT(w.components(), ElementsAre(0, 1, 2, 3, 4));
  ASSERT_TRUE(w.Find("c").has_value());
  EXPECT_EQ(*w.Find("c"), 2u);
  EXPECT_FALSE(w.Find("zzz").has_value());
  EXPECT_THAT(w.Successors(0), ElementsAre(1, 2));
  EXPECT_THAT(w.Predecessors(3), ElementsAre(1, 2));
  EXPECT_THAT(w.Sources(), ElementsAre(0, 4));
  EXPECT_THAT(w.Sinks(), ElementsAre(3, 4));
  EXPECT_NO_THROW(w.Validate());
}

TEST(Workflow, TopologicalOrderBreaksTiesByInsertionOrder) {
  workflow::Workflow w("order");
  // Inserted as z, y, x with only x -> z: y and x are ready first; y was inserted first.
  auto z = w.AddComponent(Make("z"));
  auto y = w.AddComponent(Make("y"));
  auto x = w.AddComponent(Make("x"));
  w.AddDependency(x, z);
  EXPECT_THAT(w.TopologicalOrder(), ElementsAre(y, x, z));
  EXPECT_THAT(Diamond().TopologicalOrder(), ElementsAre(0, 1, 2, 3, 4));
}

TEST(Workflow, ParallelEdgesCountOnce) {
  workflow::Workflow w("parallel");
  auto a = w.AddComponent(Make("a"));
  auto b = w.AddComponent(Make("b"));
  w.AddDependency(a, b);
  w.AddDependency(a, b);
  EXPECT_THAT(w.Successors(a), ElementsAre(b));
  EXPECT_THAT(w.TopologicalOrder(), ElementsAre(a, b));
}

TEST(Workflow, CycleIsNamedAndLocatedAtItsFirstComponent) {
  workflow::Workflow w("cycle");
  w.set_source_file("wf.yaml");
  auto s = w.AddComponent(Make("start", 2));
  auto a = w.AddComponent(Make("a", 5));
  auto b = w.AddComponent(Make("b", 9));
  auto c = w.AddComponent(Make("c", 12));
  w.AddDependency(s, a);
  w.AddDependency(a, b);
  w.AddDependency(b, c);
  w.AddDependency(c, a);
  try {
    w.TopologicalOrder();
    FAIL() << "no cycle found";
  } catch (const InputError& e) {
    EXPECT_THAT(e.message(), HasSubstr("a -> b -> c -> a"));
    EXPECT_EQ(e.where().line, 5);
    EXPECT_EQ(e.where().file, "wf.yaml");
  }
  EXPECT_THROW(w.Validate(), InputError);
}

TEST(Workflow, SelfLoopIsACycle) {
  workflow::Workflow w("self");
  auto a = w.AddComponent(Make("a", 1));
  w.AddDependency(a, a);
  try {
    w.Validate();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.message(), HasSubstr("a -> a"));
  }
}

TEST(Workflow, CycleDownstreamOfAnotherIsStillNamed) {
  workflow::Workflow w("tail");
  auto a = w.AddComponent(Make("a"));
  auto b = w.AddComponent(Make("b"));
  auto c = w.AddComponent(Make("c"));
  auto d = w.AddComponent(Make("d"));
  w.AddDependency(a, b);
  w.AddDependency(b, c);
  w.AddDependency(c, b);
  w.AddDependency(c, d);  // d hangs below the cycle
  try {
    w.TopologicalOrder();
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.message(), HasSubstr("b -> c -> b"));
  }
}

TEST(Workflow, CriticalPathFollowsTheHeaviestBranch) {
  workflow::Workflow w = Diamond();
  workflow::CriticalPath path = w.FindCriticalPath({1, 2, 5, 1, 3});
  EXPECT_DOUBLE_EQ(path.length, 7);
  EXPECT_THAT(path.components, ElementsAre(0, 2, 3));
  path = w.FindCriticalPath({1, 6, 5, 1, 3});
  EXPECT_DOUBLE_EQ(path.length, 8);
  EXPECT_THAT(path.components, ElementsAre(0, 1, 3));
  // The lone component wins when it is heavier than any chain.
  path = w.FindCriticalPath({1, 1, 1, 1, 10});
  EXPECT_THAT(path.components, ElementsAre(4));
  EXPECT_DOUBLE_EQ(path.length, 10);
  EXPECT_THROW(w.FindCriticalPath({1, 2}), std::invalid_argument);
}

TEST(Workflow, DotHasEveryNodeAndEdge) {
  workflow::Workflow w = Diamond();
  w.mutable_component(0).name = "say \"hi\"";
  std::string dot = w.ToDot();
  EXPECT_THAT(dot, HasSubstr("digraph"));
  EXPECT_THAT(dot, HasSubstr("label=\"diamond\""));
  EXPECT_THAT(dot, HasSubstr("0->1"));
  EXPECT_THAT(dot, HasSubstr("0->2"));
  EXPECT_THAT(dot, HasSubstr("1->3"));
  EXPECT_THAT(dot, HasSubstr("2->3"));
  EXPECT_THAT(dot, HasSubstr("say \\\"hi\\\"\\ncpu 1, 512 MiB"));
  EXPECT_THAT(dot, HasSubstr("4[label=\"e\\n"));
}

TEST(Workflow, ValidateRejectsBadWorkflows) {
  auto message = [](const workflow::Workflow& w) {
    try {
      w.Validate();
    } catch (const InputError& e) {
      return e.where().ToString() + " " + e.message();
    }
    return std::string("valid");
  };
  workflow::Workflow empty("empty");
  empty.set_source_file("e.yaml");
  EXPECT_THAT(message(empty), HasSubstr("no components"));

  workflow::Workflow duplicate("dup");
  duplicate.AddComponent(Make("a", 3));
  duplicate.AddComponent(Make("a", 7));
  EXPECT_THAT(message(duplicate), HasSubstr("wf.yaml:7:3 duplicate component name 'a'"));

  workflow::Workflow no_script("no-script");
  workflow::Component c = Make("a", 4);
  c.script.clear();
  no_script.AddComponent(c);
  EXPECT_THAT(message(no_script), HasSubstr("wf.yaml:4:3 component 'a' has no script"));
  c.runtime_s = 3;  // a WfFormat task: its runtime stands in for the script
  no_script.mutable_component(0) = c;
  EXPECT_EQ(message(no_script), "valid");

  workflow::Workflow cpu("cpu");
  c = Make("a", 2);
  c.cpu = 0;
  cpu.AddComponent(c);
  EXPECT_THAT(message(cpu), HasSubstr("cpu must be positive"));
  cpu.mutable_component(0).cpu = -1;
  EXPECT_THAT(message(cpu), HasSubstr("cpu must be positive"));

  workflow::Workflow memory("memory");
  c = Make("a", 2);
  c.memory_bytes = 0;
  memory.AddComponent(c);
  EXPECT_THAT(message(memory), HasSubstr("memory must be positive"));
}

}  // namespace
}  // namespace twinprof::test
