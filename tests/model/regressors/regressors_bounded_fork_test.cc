// RunBounded: the child's result comes back whole; a slow child is killed at the limit; a failing
// child is an error. BoundedWorker: one child answers request after request, and is replaced after
// a cut or a failure.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "model/regressors/bounded_fork.h"

namespace twinprof::test {
namespace {

TEST(BoundedForkTest, ReturnsLargeResultIntact) {
  std::string big(1 << 20, 'x');
  big[12345] = 'y';
  model::regressors::BoundedRun run =
      model::regressors::RunBounded([&] { return big; }, 30.0, "test");
  ASSERT_TRUE(run.result.has_value());
  EXPECT_EQ(*run.result, big);
}

TEST(BoundedForkTest, KillsChildAtTheLimit) {
  model::regressors::BoundedRun run = model::regressors::RunBounded(
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
    model::regressors::RunBounded([]() -> std::string { throw std::runtime_error("boom"); }, 30.0,
                                  "worker test");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("worker test"), std::string::npos);
  }
}

// The worker's child answers with its pid, or sleeps for "sleep", or throws for "throw".
model::regressors::BoundedWorker PidWorker() {
  return model::regressors::BoundedWorker(
      [](const std::string& request) {
        if (request == "sleep") sleep(30);
        if (request == "throw") throw std::runtime_error("boom");
        return std::to_string(getpid()) + ":" + request;
      },
      "worker test");
}

std::string PidOf(const model::regressors::BoundedRun& run) {
  return run.result->substr(0, run.result->find(':'));
}

TEST(BoundedWorkerTest, OneChildAnswersEveryRequest) {
  model::regressors::BoundedWorker worker = PidWorker();
  model::regressors::BoundedRun first = worker.Run("a", 30.0);
  model::regressors::BoundedRun second = worker.Run(std::string(1 << 20, 'b'), 30.0);
  ASSERT_TRUE(first.result && second.result);
  EXPECT_EQ(*first.result, PidOf(first) + ":a");
  EXPECT_EQ(second.result->size(), PidOf(second).size() + 1 + (1 << 20));
  EXPECT_EQ(PidOf(first), PidOf(second));
  EXPECT_NE(PidOf(first), std::to_string(getpid()));
}

TEST(BoundedWorkerTest, ACutRequestKillsTheChildAndTheNextGetsANewOne) {
  model::regressors::BoundedWorker worker = PidWorker();
  model::regressors::BoundedRun before = worker.Run("a", 30.0);
  model::regressors::BoundedRun cut = worker.Run("sleep", 0.2);
  EXPECT_FALSE(cut.result.has_value());
  EXPECT_LT(cut.seconds, 5.0);
  const pid_t old_child = std::stoi(PidOf(before));
  EXPECT_EQ(kill(old_child, 0), -1);  // killed and reaped
  EXPECT_EQ(errno, ESRCH);
  model::regressors::BoundedRun after = worker.Run("c", 30.0);
  ASSERT_TRUE(after.result.has_value());
  EXPECT_NE(PidOf(after), PidOf(before));
}

TEST(BoundedWorkerTest, AFailingRequestIsAnErrorAndTheWorkerGoesOn) {
  model::regressors::BoundedWorker worker = PidWorker();
  try {
    worker.Run("throw", 30.0);
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("worker test"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("exit status 3"), std::string::npos) << e.what();
  }
  model::regressors::BoundedRun after = worker.Run("d", 30.0);
  ASSERT_TRUE(after.result.has_value());
}

// A child keeps no descriptor but its channel (a pipe of ours would stay open in it), and the
// destroyed worker leaves no child behind.
TEST(BoundedWorkerTest, ChildClosesOtherDescriptorsAndIsReaped) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = -1;
  {
    model::regressors::BoundedWorker worker(
        [&fds](const std::string&) {
          const bool open = fcntl(fds[0], F_GETFD) != -1 || fcntl(fds[1], F_GETFD) != -1;
          return std::to_string(getpid()) + (open ? ":open" : ":closed");
        },
        "worker test");
    model::regressors::BoundedRun run = worker.Run("x", 30.0);
    ASSERT_TRUE(run.result.has_value());
    EXPECT_EQ(run.result->substr(run.result->find(':')), ":closed");
    child = std::stoi(PidOf(run));
  }
  EXPECT_EQ(kill(child, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace twinprof::test
