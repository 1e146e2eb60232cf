// Progress: its counters, its ETA and when it redraws, on a fake clock; and its refresher thread,
// which must redraw while nothing happens (a long job).
#include "profile/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <thread>

namespace twinprof::test {
namespace {

// Counts the redraws of a terminal status line ("\r") in `text`.
int Redraws(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\r'));
}

profile::ProgressOptions Terminal(std::ostream* out, int runs) {
  profile::ProgressOptions options;
  options.out = out;
  options.terminal = true;
  options.runs_total = runs;
  options.terminal_refresh = std::chrono::milliseconds(500);
  return options;
}

TEST(ProgressTest, CountsRunsAndJobsRunningDoneAndFailed) {
  double now = 100;
  std::ostringstream out;
  profile::Progress progress(
      Terminal(&out, 4), [&] { return now; }, false);
  EXPECT_EQ(
      progress.StatusLine(),
      "[------------------------] 0/4 runs | 0 jobs running, 0 done, 0 failed | 0.0s | ETA ?");
  progress.RunStarted();
  progress.JobStarted();
  progress.JobStarted();
  progress.JobStarted();
  EXPECT_NE(progress.StatusLine().find("| 3 jobs running, 0 done, 0 failed |"), std::string::npos);
  progress.JobFinished(false);
  progress.JobFinished(true);
  now = 110;
  EXPECT_NE(progress.StatusLine().find("| 1 job running, 2 done, 1 failed | 10s |"),
            std::string::npos)
      << progress.StatusLine();
  progress.JobFinished(false);
  progress.RunFinished("run 1");
  EXPECT_EQ(progress.StatusLine(),
            "[######------------------] 1/4 runs | 0 jobs running, 3 done, 1 failed | 10s | ETA "
            "30s");
}

TEST(ProgressTest, EtaIsTheMeanRunTimeTimesTheRunsLeftMinusTheCurrentRun) {
  double now = 0;
  profile::Progress progress(
      Terminal(nullptr, 4), [&] { return now; }, false);
  progress.RunStarted();
  now = 20;
  progress.RunFinished("");  // one run of 20 s; 3 left
  progress.RunStarted();
  now = 25;  // 5 s into the second run
  EXPECT_NE(progress.StatusLine().find("ETA 55s"), std::string::npos) << progress.StatusLine();
  now = 60;  // the second run took longer than the mean: the two after it still take 40 s
  EXPECT_NE(progress.StatusLine().find("ETA 40s"), std::string::npos) << progress.StatusLine();
  now = 70;
  progress.RunFinished("");  // runs of 20 and 50 s: mean 35 s, 2 left
  EXPECT_NE(progress.StatusLine().find("ETA 1m10s"), std::string::npos) << progress.StatusLine();
}

TEST(ProgressTest, EtaBeforeTheFirstRunComesFromEarlierMeasurements) {
  double now = 0;
  profile::ProgressOptions options = Terminal(nullptr, 3);
  options.expected_run_s = 10;
  profile::Progress progress(
      options, [&] { return now; }, false);
  progress.RunStarted();
  now = 4;
  EXPECT_NE(progress.StatusLine().find("ETA 26s"), std::string::npos) << progress.StatusLine();
}

TEST(ProgressTest, TerminalRedrawsWhenDueEvenWithoutEvents) {
  double now = 0;
  std::ostringstream out;
  profile::Progress progress(
      Terminal(&out, 1), [&] { return now; }, false);
  EXPECT_EQ(Redraws(out.str()), 1);  // the first line
  progress.RunStarted();
  progress.JobStarted();  // the bug: the one event's redraw was throttled, and none followed
  now = 0.2;
  progress.Refresh();
  EXPECT_EQ(Redraws(out.str()), 1) << "not due yet";
  now = 0.6;
  progress.Refresh();
  EXPECT_EQ(Redraws(out.str()), 2);
  EXPECT_NE(out.str().rfind("1 job running"), std::string::npos) << out.str();
  for (int second = 1; second <= 10; ++second) {
    now = second + 0.2;
    progress.Refresh();
  }
  EXPECT_EQ(Redraws(out.str()), 12);  // each call due: 1 s apart, refresh every 0.5 s
  EXPECT_NE(out.str().rfind("| 10s | ETA ?"), std::string::npos) << out.str();
}

TEST(ProgressTest, PlainOutputHasRunLinesAndAStatusLineNowAndThen) {
  double now = 0;
  std::ostringstream out;
  profile::ProgressOptions options;
  options.out = &out;
  options.runs_total = 2;
  options.plain_interval = std::chrono::milliseconds(30000);
  profile::Progress progress(
      options, [&] { return now; }, false);
  progress.RunStarted();
  progress.JobStarted();
  now = 29;
  progress.Refresh();
  EXPECT_EQ(out.str(), "");
  now = 31;
  progress.Refresh();
  EXPECT_EQ(out.str(),
            "progress: [------------------------] 0/2 runs | 1 job running, 0 done, 0 failed | 31s "
            "| ETA ?\n");
  progress.JobFinished(false);
  now = 40;
  progress.RunFinished("run 1/2 workflow rep 1: 1 jobs");
  EXPECT_EQ(out.str().substr(out.str().find('\n') + 1), "run 1/2 workflow rep 1: 1 jobs\n");
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  now = 60;
  progress.Refresh();  // 20 s after the run line: not yet
  std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
}

// A stream buffer another thread may write while the test reads it.
class LockedBuffer : public std::streambuf {
 public:
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    std::lock_guard lock(mutex_);
    if (c != traits_type::eof()) text_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::mutex mutex_;
  std::string text_;
};

// The refresher thread redraws a terminal line on its own while a job runs and nothing happens.
TEST(ProgressTest, RefresherThreadRedrawsWithoutEvents) {
  LockedBuffer buffer;
  std::ostream out(&buffer);
  std::atomic<double> now{0};
  profile::ProgressOptions options = Terminal(&out, 1);
  options.terminal_refresh = std::chrono::milliseconds(10);
  profile::Progress progress(options, [&] { return now.load(); });
  progress.RunStarted();
  progress.JobStarted();
  // Advance the fake clock until the thread has drawn three lines after the first (or 20 s pass).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Redraws(buffer.text()) < 4 && std::chrono::steady_clock::now() < deadline) {
    now = now + 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  progress.Done();
  std::string text = buffer.text();
  EXPECT_GE(Redraws(text), 4) << text;
  EXPECT_NE(text.find("1 job running, 0 done"), std::string::npos) << text;
}

}  // namespace
}  // namespace twinprof::test
