// Progress of a campaign for a person watching. On a terminal, one status line redrawn in place
// at least once a second (by a thread of its own, so it moves while a long job runs):
//   [########----------------]  8/20 runs | 2 jobs running, 41 done, 1 failed | 3m05s | ETA 4m12s
// Otherwise (a log file, a pipe): one line per finished run, and the status line alone on a line
// of its own every `plain_interval` while runs go on.
//
// The ETA is the mean time of the runs finished so far times the runs left, minus the time the
// current run has already taken; before the first run ends, `expected_run_s` (from runs measured
// earlier) takes the mean's place, or the ETA is "?".
//
// Thread safety: every method may be called from any thread; output is serialised.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

namespace twinprof::profile {

struct ProgressOptions {
  std::ostream* out = nullptr;  // null = silent
  bool terminal = false;        // redraw one line in place (else plain lines)
  int runs_total = 0;           // the runs this invocation will profile
  double expected_run_s = 0;    // mean run time measured before (0 = unknown)
  std::chrono::milliseconds terminal_refresh{250};
  std::chrono::milliseconds plain_interval{30000};
};

class Progress {
 public:
  // Seconds on a monotonic clock; tests pass their own.
  using Clock = std::function<double()>;

  // Draws the first status line (terminal). With `refresher`, a thread calls Refresh() every
  // terminal_refresh (terminal) or second (plain) until Done() or destruction.
  explicit Progress(ProgressOptions options, Clock clock = nullptr, bool refresher = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void JobStarted();
  void JobFinished(bool failed);
  void RunStarted();
  // `line`: what the log says about the run (printed as is without a terminal).
  void RunFinished(const std::string& line);
  // A message that must not be overwritten by the status line ("twinprof: note: ...").
  void Note(const std::string& line);
  // Stops the refresher and ends the status line.
  void Done();

  // Redraws the status line when due: on a terminal when terminal_refresh has passed since the
  // last draw, otherwise when plain_interval has passed since the last line (or run line).
  void Refresh();
  // The status line, without "\r" or newline.
  std::string StatusLine() const;

 private:
  std::string StatusLineLocked(double now) const;
  void DrawLocked(double now);
  void StopRefresher();

  ProgressOptions options_;
  Clock clock_;
  mutable std::mutex mutex_;
  double start_ = 0;
  double last_draw_ = -1e300;  // terminal: last redraw; plain: last line
  double current_run_start_ = 0;
  double finished_runs_s_ = 0;  // summed duration of the finished runs
  int runs_done_ = 0;
  int running_ = 0;
  int jobs_done_ = 0;
  int failed_ = 0;
  bool done_ = false;

  std::condition_variable wake_;
  std::thread refresher_;
};

}  // namespace twinprof::profile
