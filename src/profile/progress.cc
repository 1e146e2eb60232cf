#include "profile/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "core/units.h"

namespace twinprof::profile {
namespace {

double SteadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Progress::Progress(ProgressOptions options, Clock clock, bool refresher)
    : options_(options), clock_(clock ? std::move(clock) : Clock(SteadySeconds)) {
  start_ = clock_();
  current_run_start_ = start_;
  if (!options_.out) return;
  if (options_.terminal) {
    std::lock_guard lock(mutex_);
    DrawLocked(start_);
  } else {
    last_draw_ = start_;  // the first plain status line after one interval
  }
  if (refresher) {
    auto period = options_.terminal ? options_.terminal_refresh : std::chrono::milliseconds(1000);
    refresher_ = std::thread([this, period] {
      std::unique_lock lock(mutex_);
      while (!done_) {
        wake_.wait_for(lock, period);
        if (!done_) {
          lock.unlock();
          Refresh();
          lock.lock();
        }
      }
    });
  }
}

Progress::~Progress() { StopRefresher(); }

void Progress::StopRefresher() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
}

void Progress::JobStarted() {
  std::lock_guard lock(mutex_);
  ++running_;
}

void Progress::JobFinished(bool failed) {
  std::lock_guard lock(mutex_);
  --running_;
  ++jobs_done_;
  failed_ += failed;
}

void Progress::RunStarted() {
  std::lock_guard lock(mutex_);
  current_run_start_ = clock_();
}

void Progress::RunFinished(const std::string& line) {
  std::lock_guard lock(mutex_);
  double now = clock_();
  ++runs_done_;
  finished_runs_s_ += now - current_run_start_;
  current_run_start_ = now;
  if (!options_.out) return;
  if (options_.terminal) {
    DrawLocked(now);
  } else {
    *options_.out << line << '\n' << std::flush;
    last_draw_ = now;
  }
}

void Progress::Note(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (!options_.out) return;
  if (options_.terminal) {
    // Clear the status line, print the note, redraw the status line below it.
    *options_.out << "\r\033[K" << line << '\n';
    DrawLocked(clock_());
  } else {
    *options_.out << line << '\n' << std::flush;
  }
}

void Progress::Done() {
  StopRefresher();
  std::lock_guard lock(mutex_);
  if (options_.out && options_.terminal) {
    DrawLocked(clock_());
    *options_.out << '\n' << std::flush;
    options_.out = nullptr;  // once
  }
}

void Progress::Refresh() {
  std::lock_guard lock(mutex_);
  if (!options_.out) return;
  double now = clock_();
  if (options_.terminal) {
    if (now - last_draw_ >= options_.terminal_refresh.count() / 1000.0) DrawLocked(now);
  } else if (now - last_draw_ >= options_.plain_interval.count() / 1000.0) {
    *options_.out << "progress: " << StatusLineLocked(now) << '\n' << std::flush;
    last_draw_ = now;
  }
}

std::string Progress::StatusLine() const {
  std::lock_guard lock(mutex_);
  return StatusLineLocked(clock_());
}

std::string Progress::StatusLineLocked(double now) const {
  const int total = options_.runs_total;
  const int left = std::max(0, total - runs_done_);
  double mean = runs_done_ > 0 ? finished_runs_s_ / runs_done_ : options_.expected_run_s;
  const std::string eta = [&]() -> std::string {
    if (left == 0) return "0s";
    if (!(mean > 0)) return "?";
    double in_run = std::max(0.0, now - current_run_start_);
    return FormatElapsed(std::max(mean * left - in_run, mean * (left - 1)));
  }();
  constexpr int kWidth = 24;
  int filled = total > 0 ? std::min(kWidth, runs_done_ * kWidth / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar += std::string(static_cast<size_t>(kWidth - filled), '-');
  char line[200];
  std::snprintf(line, sizeof line,
                "[%s] %d/%d runs | %d job%s running, %d done, %d failed | %s | ETA %s", bar.c_str(),
                runs_done_, total, running_, running_ == 1 ? "" : "s", jobs_done_, failed_,
                FormatElapsed(now - start_).c_str(), eta.c_str());
  return line;
}

void Progress::DrawLocked(double now) {
  last_draw_ = now;
  // "\033[K" clears what a longer previous line left.
  *options_.out << '\r' << StatusLineLocked(now) << "\033[K" << std::flush;
}

}  // namespace twinprof::profile
