#include "profile/progress.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace twinprof {

Progress::Progress(std::ostream* out, bool bar, int runs_total)
    : out_(out), bar_(bar), runs_total_(runs_total) {
  if (bar_) Draw();
}

void Progress::JobStarted() {
  ++running_;
  if (bar_) Draw();
}

void Progress::JobFinished(bool failed) {
  --running_;
  failed_ += failed;
  if (bar_) Draw();
}

void Progress::RunFinished(const std::string& line) {
  ++runs_done_;
  if (!out_) return;
  if (bar_) {
    last_draw_ = {};
    Draw();
  } else {
    *out_ << line << '\n' << std::flush;
  }
}

void Progress::Done() {
  if (out_ && bar_) *out_ << '\n' << std::flush;
}

std::string Progress::FormatSeconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  long s = std::lround(seconds);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%lds", s);
  }
  return text;
}

void Progress::Draw() {
  if (!out_) return;
  auto now = std::chrono::steady_clock::now();
  // At most 20 redraws a second: the bar must not cost the jobs anything.
  if (now - last_draw_ < std::chrono::milliseconds(50)) return;
  last_draw_ = now;
  constexpr int kWidth = 24;
  int filled = runs_total_ > 0 ? runs_done_ * kWidth / runs_total_ : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar += std::string(static_cast<size_t>(kWidth - filled), '-');
  double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string eta =
      runs_done_ > 0 ? FormatSeconds(elapsed / runs_done_ * (runs_total_ - runs_done_)) : "?";
  char line[160];
  std::snprintf(line, sizeof line, "\r[%s] %d/%d runs | %d jobs running | %d failed | ETA %s  ",
                bar.c_str(), runs_done_, runs_total_, running_, failed_, eta.c_str());
  *out_ << line << std::flush;
}

}  // namespace twinprof
