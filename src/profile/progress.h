// Progress of a campaign for a person watching: on a terminal one line redrawn in place,
//   [########------------]  8/20 runs | 2 jobs running | 1 failed | ETA 1m12s
// otherwise (a log file, a pipe) one line per finished run.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

namespace twinprof {

class Progress {
 public:
  // `out` may be null (silent). `runs_total` counts the runs this invocation will profile.
  Progress(std::ostream* out, bool bar, int runs_total);

  void JobStarted();
  void JobFinished(bool failed);
  // `line`: what the log says about the run (without a terminal).
  void RunFinished(const std::string& line);
  // Ends the bar's line.
  void Done();

  // "1m12s", "42s", "2h03m".
  static std::string FormatSeconds(double seconds);

 private:
  void Draw();

  std::ostream* out_;
  bool bar_;
  int runs_total_;
  int runs_done_ = 0;
  int running_ = 0;
  int failed_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace twinprof
