// SyncContainers: which container a request gets, what is pending or starting, and which idle
// container expires first.

#include <gtest/gtest.h>

#include "sim/sync_service.h"

namespace twinprof::test {
namespace {

sim::SyncSettings Settings(int concurrency, int min_scale, int max_scale) {
  sim::SyncSettings settings;
  settings.enabled = true;
  settings.container_concurrency = concurrency;
  settings.min_scale = min_scale;
  settings.max_scale = max_scale;
  return settings;
}

// A container placed on `node` and ready at `now`, serving nothing.
int ReadyContainer(sim::SyncContainers& sync, int node, double now) {
  const int container = sync.CreatePending();
  sync.Place(container, node);
  sync.MarkReady(container);
  sync.Publish(container, now);
  return container;
}

TEST(SyncContainers, MostRecentlyUsedIdleContainerFirst) {
  sim::SyncContainers sync(Settings(1, 0, 0));
  EXPECT_FALSE(sync.TakeWarm().has_value());
  const int a = sync.CreatePending();
  const int b = sync.CreatePending();
  EXPECT_EQ(sync.pending(), 2);
  sync.Place(a, 0);
  sync.Place(b, 1);
  EXPECT_EQ(sync.starting(), 2);
  EXPECT_FALSE(sync.TakeWarm().has_value());  // both starting
  sync.MarkReady(a);
  sync.TakeSlot(a);  // a queued request
  sync.Publish(a, 1);
  sync.MarkReady(b);
  sync.TakeSlot(b);
  sync.Publish(b, 1);
  EXPECT_EQ(sync.ready(), 2);
  EXPECT_FALSE(sync.TakeWarm().has_value());  // both busy
  EXPECT_TRUE(sync.Release(b, 5));
  EXPECT_TRUE(sync.Release(a, 7));
  EXPECT_EQ(sync.TakeWarm(), a);
  EXPECT_EQ(sync.TakeWarm(), b);
  EXPECT_FALSE(sync.TakeWarm().has_value());
  EXPECT_EQ(sync.node(b), 1);
}

TEST(SyncContainers, ConcurrencyLeavesRoomInABusyContainer) {
  sim::SyncContainers sync(Settings(2, 0, 1));
  const int a = sync.CreatePending();
  EXPECT_FALSE(sync.BelowMaxScale());  // max_scale 1
  sync.Place(a, 0);
  sync.MarkReady(a);
  sync.Publish(a, 0);
  EXPECT_EQ(sync.TakeWarm(), a);
  EXPECT_TRUE(sync.HasRoom(a));
  EXPECT_EQ(sync.TakeWarm(), a);
  EXPECT_FALSE(sync.HasRoom(a));
  EXPECT_FALSE(sync.TakeWarm().has_value());
  EXPECT_FALSE(sync.Release(a, 3));  // one request still in it
  EXPECT_EQ(sync.TakeWarm(), a);
}

TEST(SyncContainers, OldestIdleSkipsContainersUsedSince) {
  sim::SyncContainers sync(Settings(1, 0, 0));
  const int a = ReadyContainer(sync, 0, 1);
  const int b = ReadyContainer(sync, 0, 2);
  EXPECT_EQ(sync.OldestIdle(), std::make_pair(a, 1.0));
  EXPECT_EQ(sync.TakeWarm(), b);  // most recently used first
  EXPECT_EQ(sync.TakeWarm(), a);
  EXPECT_FALSE(sync.OldestIdle().has_value());  // both busy
  sync.Release(a, 4);
  sync.Release(b, 5);
  EXPECT_EQ(sync.OldestIdle(), std::make_pair(a, 4.0));  // the entries of t = 1, 2 are stale
  sync.DropOldestIdle();                                 // kept (min_scale), or removed
  EXPECT_EQ(sync.OldestIdle(), std::make_pair(b, 5.0));
  sync.Remove(b);
  EXPECT_EQ(sync.alive(), 1);
  EXPECT_FALSE(sync.OldestIdle().has_value());
  EXPECT_EQ(sync.TakeWarm(), a);  // b's warm entry is stale
  EXPECT_FALSE(sync.TakeWarm().has_value());
}

TEST(SyncContainers, PendingContainersCountAndCancel) {
  sim::SyncContainers sync(Settings(1, 0, 2));
  const int a = sync.CreatePending();
  const int b = sync.CreatePending();
  EXPECT_EQ(sync.alive(), 2);
  EXPECT_FALSE(sync.BelowMaxScale());
  sync.Remove(b);  // cancelled while pending
  EXPECT_EQ(sync.pending(), 1);
  EXPECT_TRUE(sync.BelowMaxScale());
  sync.Place(a, 3);
  EXPECT_EQ(sync.pending(), 0);
  EXPECT_EQ(sync.starting(), 1);
  EXPECT_EQ(sync.most_alive(), 2);
}

}  // namespace
}  // namespace twinprof::test
