// SyncContainers: which container a request gets, what is pending or starting, and which idle
// container expires first.

#include "sim/sync_containers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

namespace twinprof::test {
namespace {

sim::SyncSettings Settings(int concurrency, int min_scale, int max_scale,
                           sim::Routing routing = sim::Routing::kMostRecentlyUsed) {
  sim::SyncSettings settings;
  settings.routing = routing;
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

// Three idle containers, created a, b, c and freed c (t = 1), a (t = 2), b (t = 3): the most
// recently used is b, the newest c, the oldest a. Each routing takes its own first, and then the
// next by the same rule; a busy (or removed) container is never taken.
std::vector<int> TakeOrder(sim::Routing routing) {
  sim::SyncContainers sync(Settings(1, 0, 0, routing));
  std::vector<int> created;
  for (int i = 0; i < 3; ++i) {
    const int container = sync.CreatePending();
    sync.Place(container, i);
    sync.MarkReady(container);
    sync.TakeSlot(container);  // the request it started for
    sync.Publish(container, 0);
    created.push_back(container);
  }
  EXPECT_FALSE(sync.TakeWarm().has_value());  // all busy
  sync.Release(created[2], 1);
  sync.Release(created[0], 2);
  sync.Release(created[1], 3);
  std::vector<int> order;
  while (std::optional<int> taken = sync.TakeWarm()) order.push_back(*taken);
  return order;
}

TEST(SyncContainers, EachRoutingTakesTheContainerItPromises) {
  const int a = 0, b = 1, c = 2;  // numbered in creation order
  EXPECT_EQ(TakeOrder(sim::Routing::kMostRecentlyUsed), (std::vector<int>{b, a, c}));
  EXPECT_EQ(TakeOrder(sim::Routing::kNewest), (std::vector<int>{c, b, a}));
  EXPECT_EQ(TakeOrder(sim::Routing::kOldest), (std::vector<int>{a, b, c}));
  std::vector<int> random = TakeOrder(sim::Routing::kRandom);
  std::sort(random.begin(), random.end());
  EXPECT_EQ(random, (std::vector<int>{a, b, c}));  // each once, in some order
}

TEST(SyncContainers, NewestAndOldestSkipFullAndRemovedContainers) {
  for (sim::Routing routing : {sim::Routing::kNewest, sim::Routing::kOldest}) {
    sim::SyncContainers sync(Settings(2, 0, 0, routing));
    const int a = ReadyContainer(sync, 0, 0);
    const int b = ReadyContainer(sync, 0, 0);
    const int c = ReadyContainer(sync, 0, 0);
    const int first = routing == sim::Routing::kNewest ? c : a;
    const int middle = b;
    const int last = routing == sim::Routing::kNewest ? a : c;
    EXPECT_EQ(sync.TakeWarm(), first);
    EXPECT_EQ(sync.TakeWarm(), first);   // its second slot
    EXPECT_EQ(sync.TakeWarm(), middle);  // first is full
    sync.Release(first, 1);              // a slot free again: first comes first again
    EXPECT_EQ(sync.TakeWarm(), first);
    EXPECT_EQ(sync.TakeWarm(), middle);
    sync.Remove(last);  // expired while idle
    EXPECT_FALSE(sync.TakeWarm().has_value());
  }
}

// Random routing: every container with a free slot equally likely (3 idle containers, 30,000
// draws: each about 10,000, sd 82), only those, and the same picks for the same seed.
TEST(SyncContainers, RandomRoutingIsUniformOverFreeContainers) {
  auto draws = [](uint64_t seed) {
    sim::SyncContainers sync(Settings(1, 0, 0, sim::Routing::kRandom), seed);
    for (int i = 0; i < 4; ++i) ReadyContainer(sync, 0, 0);
    const int busy = 1;
    sync.TakeSlot(busy);  // a request that stays
    std::vector<int> picks;
    for (int i = 0; i < 30000; ++i) {
      const std::optional<int> taken = sync.TakeWarm();
      if (!taken) {
        ADD_FAILURE() << "no container taken although three are idle";
        break;
      }
      EXPECT_NE(*taken, busy);
      picks.push_back(*taken);
      sync.Release(*taken, 2 + i);
    }
    return picks;
  };
  const std::vector<int> picks = draws(7);
  std::map<int, int> counts;
  for (int c : picks) ++counts[c];
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [container, count] : counts) {
    EXPECT_NEAR(count, 10000, 400) << "container " << container;  // ~5 sd
  }
  EXPECT_EQ(draws(7), picks);
  EXPECT_NE(draws(8), picks);
}

}  // namespace
}  // namespace twinprof::test
