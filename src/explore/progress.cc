#include "explore/progress.h"

#include <cstdio>
#include <ostream>

#include "core/units.h"

namespace twinprof::explore {

namespace {

std::string Cost(double cost) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", cost);
  return text;
}

}  // namespace

ExploreProgress::ExploreProgress(std::ostream* out, bool bar) : out_(out), bar_(bar) {}

void ExploreProgress::Start(const std::string& label, uint64_t total) {
  label_ = label;
  total_ = total;
  done_ = 0;
  feasible_ = 0;
  best_cost_.reset();
  next_plain_ = total / 10;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void ExploreProgress::Finished(bool feasible, std::optional<double> best_cost,
                               uint64_t best_number) {
  ++done_;
  if (feasible) ++feasible_;
  best_cost_ = best_cost;
  best_number_ = best_number;
  Draw(false);
}

void ExploreProgress::Done() {
  if (out_ == nullptr) return;
  if (bar_) {
    Draw(true);
    *out_ << "\n" << std::flush;
  } else {
    *out_ << Line() << "\n" << std::flush;
  }
}

std::string ExploreProgress::Line() const {
  std::string line = label_ + ": " + std::to_string(done_) + "/" + std::to_string(total_) +
                     " candidates | " + std::to_string(feasible_) + " feasible | best ";
  line += best_cost_ ? Cost(*best_cost_) + " (#" + std::to_string(best_number_) + ")" : "-";
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (done_ > 0 && done_ < total_) {
    line += " | ETA " + FormatSeconds(elapsed / static_cast<double>(done_) *
                                      static_cast<double>(total_ - done_));
  } else if (done_ >= total_) {
    line += " | " + FormatSeconds(elapsed);
  }
  return line;
}

void ExploreProgress::Draw(bool force) {
  if (out_ == nullptr) return;
  auto now = std::chrono::steady_clock::now();
  if (bar_) {
    if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 20;
    int filled = total_ > 0 ? static_cast<int>(kWidth * done_ / total_) : kWidth;
    if (filled > kWidth) filled = kWidth;
    *out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '-') << "] "
          << Line() << "\x1b[K" << std::flush;
    return;
  }
  if (done_ >= next_plain_ || now - last_draw_ >= std::chrono::seconds(10)) {
    if (done_ >= total_) return;  // Done() prints the last line
    *out_ << Line() << "\n" << std::flush;
    last_draw_ = now;
    while (next_plain_ <= done_) next_plain_ += total_ / 10 > 0 ? total_ / 10 : 1;
  }
}

}  // namespace twinprof::explore
