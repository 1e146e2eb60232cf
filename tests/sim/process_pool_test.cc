// RunInChildProcesses: results of any size come back, failures are named, at most `parallel`
// children run at once, and an error in the caller leaves no child behind.

#include "sim/process_pool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <thread>

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

TEST(RunInChildProcesses, ReturnsEveryOutputWhateverItsSize) {
  std::map<size_t, std::string> outputs;
  sim::RunInChildProcesses(
      6, 3,
      [](size_t i) {
        // 0 bytes to 3 MB: more than a pipe holds, so the caller must read while children run.
        return std::string(i * 600000, static_cast<char>('a' + i));
      },
      [&](size_t i, sim::ChildOutcome outcome) {
        ASSERT_TRUE(outcome.ok) << outcome.failure;
        EXPECT_TRUE(outputs.emplace(i, outcome.output).second);
      });
  ASSERT_EQ(outputs.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(outputs[i], std::string(i * 600000, static_cast<char>('a' + i))) << i;
  }
}

TEST(RunInChildProcesses, NamesFailures) {
  std::map<size_t, sim::ChildOutcome> outcomes;
  sim::RunInChildProcesses(
      3, 2,
      [](size_t i) -> std::string {
        if (i == 1) throw std::runtime_error("no room for the job");
        if (i == 2) raise(SIGKILL);
        return "fine";
      },
      [&](size_t i, sim::ChildOutcome outcome) { outcomes[i] = outcome; });
  EXPECT_TRUE(outcomes[0].ok);
  EXPECT_EQ(outcomes[0].output, "fine");
  EXPECT_FALSE(outcomes[1].ok);
  EXPECT_EQ(outcomes[1].failure, "no room for the job");
  EXPECT_FALSE(outcomes[2].ok);
  EXPECT_EQ(outcomes[2].failure, "killed by signal 9");
}

// Each child counts itself in a shared file (under flock) while it runs and records the most
// that ran at once.
TEST(RunInChildProcesses, RunsAtMostParallelAtATime) {
  fs::path counter = fs::temp_directory_path() / ("twinprof-pool-" + std::to_string(getpid()));
  std::ofstream(counter) << "0 0\n";
  auto add = [&](int delta) {
    int fd = open(counter.c_str(), O_RDWR);
    flock(fd, LOCK_EX);
    int now = 0, most = 0;
    std::ifstream(counter) >> now >> most;
    now += delta;
    most = std::max(most, now);
    std::ofstream(counter, std::ios::trunc) << now << ' ' << most << '\n';
    flock(fd, LOCK_UN);
    close(fd);
  };
  int finished = 0;
  sim::RunInChildProcesses(
      8, 2,
      [&](size_t) {
        add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        add(-1);
        return std::string();
      },
      [&](size_t, sim::ChildOutcome outcome) {
        EXPECT_TRUE(outcome.ok) << outcome.failure;
        ++finished;
      });
  int now = -1, most = -1;
  std::ifstream(counter) >> now >> most;
  fs::remove(counter);
  EXPECT_EQ(finished, 8);
  EXPECT_EQ(now, 0);
  EXPECT_GE(most, 1);
  EXPECT_LE(most, 2);
}

TEST(RunInChildProcesses, ACallerErrorKillsTheChildrenStillRunning) {
  EXPECT_THROW(sim::RunInChildProcesses(
                   4, 4,
                   [](size_t i) {
                     if (i > 0) pause();  // waits for a signal forever: must be killed
                     return std::string();
                   },
                   [](size_t, sim::ChildOutcome) { throw std::runtime_error("stop"); }),
               std::runtime_error);
  // Every child was reaped: none is left to wait for.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace twinprof::test
