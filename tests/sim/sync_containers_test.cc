// SyncContainers: which container a request gets, and when an idle one is removed.

#include <gtest/gtest.h>

#include "sim/sync_service.h"

namespace twinprof {
namespace {

SyncSettings Settings(int concurrency, int min_scale, int max_scale) {
  SyncSettings settings;
  settings.enabled = true;
  settings.container_concurrency = concurrency;
  settings.min_scale = min_scale;
  settings.max_scale = max_scale;
  return settings;
}

TEST(SyncContainers, MostRecentlyUsedIdleContainerFirst) {
  SyncContainers sync(Settings(1, 0, 0));
  EXPECT_FALSE(sync.FindWarm().has_value());
  int a = sync.Create(0, /*ready=*/false, 0);
  int b = sync.Create(1, /*ready=*/false, 0);
  EXPECT_FALSE(sync.FindWarm().has_value());  // both starting and busy
  sync.MarkReady(a);
  sync.MarkReady(b);
  sync.Release(b, 5);
  sync.Release(a, 7);
  EXPECT_EQ(sync.FindWarm(), a);
  sync.Acquire(a);
  EXPECT_EQ(sync.FindWarm(), b);
  sync.Acquire(b);
  EXPECT_FALSE(sync.FindWarm().has_value());
  EXPECT_EQ(sync.node(b), 1);
}

TEST(SyncContainers, ConcurrencyLeavesRoomInABusyContainer) {
  SyncContainers sync(Settings(2, 0, 1));
  int a = sync.Create(0, /*ready=*/false, 0);
  EXPECT_FALSE(sync.CanGrow());  // max_scale 1
  EXPECT_TRUE(sync.HasRoom(a));
  sync.MarkReady(a);
  EXPECT_EQ(sync.FindWarm(), a);
  sync.Acquire(a);
  EXPECT_FALSE(sync.HasRoom(a));
  EXPECT_FALSE(sync.FindWarm().has_value());
}

TEST(SyncContainers, ExpiryIgnoresStaleTimersAndKeepsMinScale) {
  SyncContainers sync(Settings(1, 1, 0));
  int a = sync.Create(0, /*ready=*/false, 0);
  int b = sync.Create(1, /*ready=*/false, 0);
  sync.MarkReady(a);
  sync.MarkReady(b);
  sync.Release(a, 1);
  int64_t stale = sync.generation(a);
  sync.Acquire(a);
  sync.Release(a, 2);
  EXPECT_FALSE(sync.Expire(a, stale));  // used again since that timer started
  EXPECT_TRUE(sync.Expire(a, sync.generation(a)));
  EXPECT_EQ(sync.alive(), 1);
  EXPECT_EQ(sync.FindWarm(), std::nullopt);  // b is still busy; a is gone
  sync.Release(b, 3);
  EXPECT_FALSE(sync.Expire(b, sync.generation(b)));  // the last one: min_scale 1
  EXPECT_EQ(sync.FindWarm(), b);
}

}  // namespace
}  // namespace twinprof
