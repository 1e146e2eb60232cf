// Job processes: exit codes, signals, timeouts by group kill, cgroup limits and accounting.
#include "profile/local/job_process.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cgroup_probe.h"
#include "profile/local/cgroup.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

class JobProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-proc-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  profile::local::ProcessSpec Script(const std::string& body) {
    std::ofstream((dir_ / "script.sh").string()) << body;
    profile::local::ProcessSpec spec;
    spec.script = (dir_ / "script.sh").string();
    spec.working_dir = dir_.string();
    spec.environment = {"PATH=/usr/bin:/bin", "GREETING=hello"};
    spec.stdout_path = (dir_ / "out").string();
    spec.stderr_path = (dir_ / "err").string();
    return spec;
  }

  fs::path dir_;
};

TEST_F(JobProcessTest, RunsWithEnvironmentAndReportsExitCode) {
  profile::local::JobProcess process(Script("echo $GREETING; pwd; echo oops >&2; exit 3\n"));
  profile::local::ProcessExit exit = process.Wait();
  EXPECT_TRUE(exit.exited);
  EXPECT_EQ(exit.code, 3);
  EXPECT_EQ(profile::local::ReadTail((dir_ / "out").string(), 1000), "hello\n" + dir_.string());
  EXPECT_EQ(profile::local::ReadTail((dir_ / "err").string(), 1000), "oops");
}

TEST_F(JobProcessTest, KillGroupStopsTheScriptAndItsChildren) {
  profile::local::JobProcess process(Script("sleep 30 & sleep 30; echo never\n"));
  pollfd fd{process.pidfd(), POLLIN, 0};
  EXPECT_EQ(::poll(&fd, 1, 100), 0);  // still running
  auto start = std::chrono::steady_clock::now();
  process.KillGroup();
  profile::local::ProcessExit exit = process.Wait();
  EXPECT_FALSE(exit.exited);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(JobProcessTest, ReadTailKeepsTheLastLines) {
  std::ofstream(dir_ / "log") << "first line\nsecond line\nthird line\n";
  EXPECT_EQ(profile::local::ReadTail((dir_ / "log").string(), 16), "third line");
}

TEST(CgroupTest, CpuQuotaSlowsABusyLoopAndIsAccounted) {
  profile::local::Cgroups cgroups;
  std::string unwritable = test::WhyCgroupsAreNotWritable("cpu");
  if (!unwritable.empty()) {
    GTEST_SKIP() << "cgroups not writable here, so CPU quotas cannot be enforced: " << unwritable;
  }
  ASSERT_TRUE(cgroups.can_limit_cpu())
      << "cgroups are writable here, yet Cgroups cannot limit the CPU: "
      << (cgroups.notes().empty() ? "" : cgroups.notes()[0]);
  fs::path dir = fs::temp_directory_path() / ("twinprof-cg-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "burn.sh") << "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done\n";
  auto run = [&](double cpu) {
    std::unique_ptr<profile::local::JobCgroup> group =
        cgroups.CreateJob("job-" + std::to_string(cpu), {cpu, 256e6, ""});
    EXPECT_EQ(group->limits(), "enforced");
    profile::local::ProcessSpec spec{(dir / "burn.sh").string(), dir.string(),
                                     {"PATH=/usr/bin:/bin"},     (dir / "out").string(),
                                     (dir / "err").string(),     group->procs_files()};
    auto start = std::chrono::steady_clock::now();
    profile::local::JobProcess process(spec);
    profile::local::ProcessExit exit = process.Wait();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(exit.exited && exit.code == 0);
    profile::local::JobUsage usage = group->ReadUsage();
    EXPECT_GT(usage.cpu_time_s, 0.05);
    EXPECT_GT(usage.peak_memory_bytes, 1e5);
    EXPECT_FALSE(usage.oom_killed);
    return std::make_pair(wall, usage.cpu_time_s);
  };
  auto [wall_full, cpu_full] = run(1.0);
  auto [wall_quarter, cpu_quarter] = run(0.25);
  // A quarter of a core: the loop burns at most a quarter of its wall time (plus one 100 ms
  // period's quota, which CFS grants ahead), where unlimited it burns about all of it. Load from
  // other processes only slows it further, so this holds on a busy machine too (the ratio of wall
  // times, 4x when idle, fell to 1.4x with another test beside it).
  EXPECT_LE(cpu_quarter, 0.25 * (wall_quarter + 0.1) * 1.05 + 0.01)
      << cpu_quarter << " s of CPU in " << wall_quarter << " s";
  EXPECT_GT(wall_quarter, wall_full) << wall_quarter << " vs " << wall_full;
  EXPECT_NEAR(cpu_quarter / cpu_full, 1.0, 0.5);
  fs::remove_all(dir);
}

// The throttling share tells one thread from several: a single busy thread can never exceed a
// 1-core quota, four busy threads exceed a 0.1-core quota in nearly every period (even when the
// machine is busy: four threads get more than 0.1 core of 2 at any sane load).
TEST(CgroupTest, ThrottlingTellsOneThreadFromSeveral) {
  profile::local::Cgroups cgroups;
  std::string unwritable = test::WhyCgroupsAreNotWritable("cpu");
  if (!unwritable.empty()) {
    GTEST_SKIP() << "cgroups not writable here, so CPU quotas cannot be enforced: " << unwritable;
  }
  ASSERT_TRUE(cgroups.can_limit_cpu());
  fs::path dir = fs::temp_directory_path() / ("twinprof-throttle-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Long enough for several 100 ms quota periods: a job that ends inside its first period has
  // nr_periods 0, so no throttling share (NaN: seen once on a clean CI run, the loop taking ~0.1
  // s).
  std::ofstream(dir / "one.sh") << "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done\n";
  std::ofstream(dir / "four.sh")
      << "for t in 1 2 3 4; do (i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done) & done; wait\n";
  auto throttled = [&](const std::string& script, double cpu) {
    std::unique_ptr<profile::local::JobCgroup> group = cgroups.CreateJob(script, {cpu, 256e6, ""});
    profile::local::ProcessSpec spec{(dir / script).string(), dir.string(),
                                     {"PATH=/usr/bin:/bin"},  (dir / "out").string(),
                                     (dir / "err").string(),  group->procs_files()};
    profile::local::JobProcess process(spec);
    profile::local::ProcessExit exit = process.Wait();
    EXPECT_TRUE(exit.exited && exit.code == 0) << script;
    return group->ReadUsage().throttled_fraction;
  };
  const double one = throttled("one.sh", 1.0);
  const double four = throttled("four.sh", 0.1);
  EXPECT_LT(one, 0.1) << "one thread at a 1-core quota";
  EXPECT_GT(four, 0.5) << "four threads at a 0.1-core quota";
  fs::remove_all(dir);
}

TEST(CgroupTest, MemoryLimitOomKills) {
  profile::local::Cgroups cgroups;
  std::string unwritable = test::WhyCgroupsAreNotWritable("memory");
  if (!unwritable.empty()) {
    GTEST_SKIP() << "cgroups not writable here, so memory limits cannot be enforced: "
                 << unwritable;
  }
  ASSERT_TRUE(cgroups.can_limit_memory())
      << "cgroups are writable here, yet Cgroups cannot limit memory: "
      << (cgroups.notes().empty() ? "" : cgroups.notes()[0]);
  fs::path dir = fs::temp_directory_path() / ("twinprof-oom-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Holds ~200 MB in a shell variable-free way: a python-free, awk-free pipe into tail.
  std::ofstream(dir / "hog.sh") << "head -c 200000000 /dev/zero | tail -c 200000000 > /dev/null\n";
  std::unique_ptr<profile::local::JobCgroup> group = cgroups.CreateJob("hog", {1.0, 50e6, ""});
  profile::local::ProcessSpec spec{(dir / "hog.sh").string(), dir.string(),
                                   {"PATH=/usr/bin:/bin"},    (dir / "out").string(),
                                   (dir / "err").string(),    group->procs_files()};
  profile::local::JobProcess process(spec);
  process.Wait();
  EXPECT_TRUE(group->ReadUsage().oom_killed);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace twinprof::test
