// KnativeAutoscaler: the KPA's decisions for concurrency histories whose answers follow from its
// rules (target 0.7 per container, 60 s stable and 6 s panic windows, ticks every 2 s).

#include "sim/knative_autoscaler.h"

#include <gtest/gtest.h>

namespace twinprof::test {
namespace {

// Ticks an autoscaler every 2 s while the concurrency holds a level; returns the last decision.
class Driver {
 public:
  explicit Driver(sim::KnativeSettings settings = {}) : autoscaler_(settings) {}

  int Hold(double level, double seconds, int ready) {
    int wanted = 0;
    for (double end = now_ + seconds; now_ + 1e-9 < end;) {
      now_ += 2;
      area_ += level * 2;
      wanted = autoscaler_.Decide(now_, area_, ready);
    }
    return wanted;
  }
  const sim::KnativeAutoscaler& autoscaler() const { return autoscaler_; }

 private:
  sim::KnativeAutoscaler autoscaler_;
  double now_ = 0;
  double area_ = 0;
};

TEST(KnativeAutoscaler, SteadyConcurrencyOverTarget) {
  Driver kpa;
  // 1.4 requests in flight at a target of 0.7: two containers.
  EXPECT_EQ(kpa.Hold(1.4, 120, 2), 2);
  EXPECT_FALSE(kpa.autoscaler().panicking());
  // 2.1: three (ceil(3.0)), not four.
  EXPECT_EQ(kpa.Hold(2.1, 120, 3), 3);
}

TEST(KnativeAutoscaler, BurstPanicsAndHoldsForAStableWindow) {
  Driver kpa;
  kpa.Hold(0.7, 120, 1);
  // A burst of 7 in flight: the 6 s panic window wants 10 >= 2 x 1 ready: panic, 10 at once
  // (the stable window's average is still far below).
  EXPECT_EQ(kpa.Hold(7, 6, 1), 10);
  EXPECT_TRUE(kpa.autoscaler().panicking());
  // The burst ends: panic mode never scales down until a stable window after its last tick.
  EXPECT_EQ(kpa.Hold(0.7, 50, 10), 10);
  EXPECT_TRUE(kpa.autoscaler().panicking());
  EXPECT_EQ(kpa.Hold(0.7, 20, 10), 5);  // stable again: ceil(avg / 0.7), at least 10 / 2
  EXPECT_FALSE(kpa.autoscaler().panicking());
  EXPECT_EQ(kpa.Hold(0.7, 120, 5), 2);  // then down to the stable want, halving at most
  EXPECT_EQ(kpa.Hold(0.7, 4, 2), 1);
}

TEST(KnativeAutoscaler, ScalesToZeroAfterTheGracePeriod) {
  Driver kpa;
  kpa.Hold(0.7, 120, 1);
  // No traffic: the stable window empties after 60 s; then one container stays for 30 s.
  EXPECT_EQ(kpa.Hold(0, 58, 1), 1);
  EXPECT_EQ(kpa.Hold(0, 28, 1), 1);
  EXPECT_EQ(kpa.Hold(0, 6, 1), 0);
}

}  // namespace
}  // namespace twinprof::test
