// ExploreProgress: explore's progress for a person watching. On a terminal one line redrawn in
// place (at most ten times a second):
//   [########------------]  120/500 candidates | 34 feasible | best 0.1234 (#45) | ETA 1m12s
// otherwise (a log file, a pipe) a plain line at each tenth of the work and at most every 10 s.
// With a budgeted search the total is the budget, so the ETA is an upper bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace twinprof::explore {

class ExploreProgress {
 public:
  // `out` may be null (silent).
  ExploreProgress(std::ostream* out, bool bar);

  // A new stretch of work: `label` (the workload) and how many candidates it may take.
  void Start(const std::string& label, uint64_t total);
  // One candidate done; `best_cost`/`best_number`: the cheapest feasible so far, if any.
  void Finished(bool feasible, std::optional<double> best_cost, uint64_t best_number);
  // Ends the stretch (the bar's line, or a last plain line).
  void Done();

 private:
  std::string Line() const;
  void Draw(bool force);

  std::ostream* out_;
  bool bar_;
  std::string label_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  uint64_t feasible_ = 0;
  std::optional<double> best_cost_;
  uint64_t best_number_ = 0;
  uint64_t next_plain_ = 0;  // plain lines: the count at which the next one is due
  std::chrono::steady_clock::time_point start_{};
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace twinprof::explore
