// RunBounded: the child's result comes back whole; a slow child is killed at the limit; a failing
// child is an error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "model/regressors/bounded_fork.h"

namespace twinprof {
namespace {

TEST(BoundedForkTest, ReturnsLargeResultIntact) {
  std::string big(1 << 20, 'x');
  big[12345] = 'y';
  BoundedRun run = RunBounded([&] { return big; }, 30.0, "test");
  ASSERT_TRUE(run.result.has_value());
  EXPECT_EQ(*run.result, big);
}

TEST(BoundedForkTest, KillsChildAtTheLimit) {
  BoundedRun run = RunBounded(
      [] {
        sleep(30);
        return std::string("late");
      },
      0.2, "test");
  EXPECT_FALSE(run.result.has_value());
  EXPECT_LT(run.seconds, 5.0);
}

TEST(BoundedForkTest, FailingChildIsAnError) {
  try {
    RunBounded([]() -> std::string { throw std::runtime_error("boom"); }, 30.0, "worker test");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("worker test"), std::string::npos);
  }
}

}  // namespace
}  // namespace twinprof
