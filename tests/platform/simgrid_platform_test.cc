// The in-memory SimGrid platform: resources, names, routes, and transfer times under CM02.
// Each test runs in its own process (one SimGrid Engine per process).

#include "platform/simgrid_platform.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simgrid_test_platforms.h"

namespace twinprof::test {
namespace {

namespace sg4 = simgrid::s4u;

// An Engine with the textbook network model: time = latency + size / bottleneck bandwidth.
class SimGridTest : public ::testing::Test {
 protected:
  SimGridTest()
      : args_{"simgrid_platform_test", "--cfg=network/model:CM02", "--cfg=network/crosstraffic:0",
              "--log=root.thres:warning"} {
    for (std::string& arg : args_) argv_.push_back(arg.data());
    argc_ = static_cast<int>(argv_.size());
    engine_ = std::make_unique<sg4::Engine>(&argc_, argv_.data());
  }

  // The route between two hosts: its link names and latency.
  std::pair<std::vector<std::string>, double> Route(const std::string& src,
                                                    const std::string& dst) {
    std::vector<sg4::Link*> links;
    double latency = 0;
    engine_->host_by_name(src)->route_to(engine_->host_by_name(dst), links, &latency);
    std::vector<std::string> names;
    for (const sg4::Link* link : links) names.push_back(link->get_name());
    return {names, latency};
  }

  // Sends each (src, dst, bytes) at time 0 and returns the completion times.
  std::vector<double> Transfer(
      const std::vector<std::tuple<std::string, std::string, double>>& comms) {
    std::vector<double> done(comms.size(), -1);
    for (size_t i = 0; i < comms.size(); ++i) {
      sg4::Host* src = engine_->host_by_name(std::get<0>(comms[i]));
      sg4::Host* dst = engine_->host_by_name(std::get<1>(comms[i]));
      double bytes = std::get<2>(comms[i]);
      sg4::Actor::create("sender-" + std::to_string(i), src, [src, dst, bytes, &done, i] {
        sg4::Comm::sendto(src, dst, static_cast<uint64_t>(bytes));
        done[i] = sg4::Engine::get_clock();
      });
    }
    engine_->run();
    return done;
  }

  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int argc_ = 0;
  std::unique_ptr<sg4::Engine> engine_;
};

TEST_F(SimGridTest, OneHostPerNodeAndAStorageHostPerCluster) {
  platform::Platform platform = EdgeCloudPlatform();
  platform::SimGridPlatform sim = platform::BuildSimGridPlatform(platform, *engine_);
  EXPECT_EQ(engine_->get_host_count(), 11u + 2u);
  ASSERT_EQ(sim.nodes.size(), 11u);
  ASSERT_EQ(sim.storage_hosts.size(), 2u);
  ASSERT_EQ(sim.cluster_zones.size(), 2u);
  EXPECT_EQ(sim.root_zone, engine_->get_netzone_root());

  EXPECT_EQ(sim.nodes[0].cluster, "edge");
  EXPECT_EQ(sim.nodes[0].node_type, "rpi4");
  EXPECT_EQ(sim.nodes[0].index, 0);
  EXPECT_EQ(sim.nodes[0].host->get_name(), "edge/rpi4-0");
  EXPECT_EQ(sim.nodes[2].host->get_name(), "edge/rpi4-2");
  EXPECT_EQ(sim.nodes[3].host->get_name(), "cloud/vm-medium-0");
  EXPECT_EQ(sim.nodes[10].index, 7);
  EXPECT_EQ(sim.storage_hosts[0]->get_name(), "edge/storage");
  EXPECT_EQ(sim.storage_hosts[1]->get_name(), platform::SimStorageHostName("cloud"));
  EXPECT_EQ(platform::SimNodeHostName("cloud", "vm-medium", 7), sim.nodes[10].host->get_name());

  const sg4::Host* rpi = sim.nodes[1].host;
  EXPECT_EQ(rpi->get_core_count(), 4);
  EXPECT_DOUBLE_EQ(rpi->get_speed(), 1.2e9);
  EXPECT_STREQ(rpi->get_property("arch"), "arm64");
  EXPECT_STREQ(rpi->get_property("cluster"), "edge");
  EXPECT_STREQ(rpi->get_property("node_type"), "rpi4");
  EXPECT_STREQ(rpi->get_property("memory"), "4294967296");
  EXPECT_DOUBLE_EQ(sim.nodes[4].host->get_speed(), 3e9);
  EXPECT_STREQ(sim.storage_hosts[1]->get_property("role"), "storage");

  EXPECT_EQ(sim.cluster_zones[1]->get_name(), "cloud");
  EXPECT_EQ(sim.cluster_zones[1]->get_host_count(), 9u);
  // One link per node, one per storage host, the WAN link, and SimGrid's own __loopback__.
  EXPECT_EQ(engine_->get_link_count(), 11u + 2u + 1u + 1u);
  const sg4::Link* wan = engine_->link_by_name("wan/edge/cloud");
  EXPECT_DOUBLE_EQ(wan->get_bandwidth(), 12.5e6);
  EXPECT_DOUBLE_EQ(wan->get_latency(), 0.025);
}

TEST_F(SimGridTest, RoutesCrossTheExpectedLinks) {
  platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_);
  auto [links, latency] = Route("edge/rpi4-1", "cloud/vm-medium-3");
  EXPECT_EQ(links, (std::vector<std::string>{"edge/lan-1", "wan/edge/cloud", "cloud/lan-3"}));
  EXPECT_NEAR(latency, 0.2e-3 + 25e-3 + 0.1e-3, 1e-12);

  std::tie(links, latency) = Route("cloud/vm-medium-0", "edge/storage");
  EXPECT_EQ(links,
            (std::vector<std::string>{"cloud/lan-0", "wan/edge/cloud", "edge/storage-link"}));
  EXPECT_NEAR(latency, 0.1e-3 + 25e-3 + 1e-3, 1e-12);

  std::tie(links, latency) = Route("edge/rpi4-0", "edge/rpi4-2");
  EXPECT_EQ(links, (std::vector<std::string>{"edge/lan-0", "edge/lan-2"}));
  EXPECT_NEAR(latency, 0.4e-3, 1e-12);

  std::tie(links, latency) = Route("cloud/storage", "cloud/vm-medium-7");
  EXPECT_EQ(links, (std::vector<std::string>{"cloud/storage-link", "cloud/lan-7"}));
  EXPECT_NEAR(latency, 0.6e-3, 1e-12);
}

TEST_F(SimGridTest, ClustersWithoutADirectLinkRouteThroughTheirNeighbour) {
  platform::BuildSimGridPlatform(ChainPlatform(), *engine_);
  EXPECT_EQ(engine_->get_host_count(), 6u + 3u);
  auto [links, latency] = Route("a/small-1", "c/big-0");
  EXPECT_EQ(links, (std::vector<std::string>{"a/lan-1", "wan/a/b", "wan/c/b", "c/lan-0"}));
  EXPECT_NEAR(latency, 0.2e-3 + 10e-3 + 20e-3 + 0.05e-3, 1e-12);
  // b lists big before small: small-0 is b's third node.
  std::tie(links, latency) = Route("b/small-0", "a/storage");
  EXPECT_EQ(links, (std::vector<std::string>{"b/lan-2", "wan/a/b", "a/storage-link"}));
}

TEST_F(SimGridTest, EdgeToCloudTransferTakesLatencyPlusSizeOverTheWan) {
  platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_);
  const double bytes = 100e6;
  std::vector<double> done = Transfer({{"edge/rpi4-0", "cloud/vm-medium-5", bytes}});
  // Bottleneck: the 100 Mbps WAN (12.5 MB/s); latency: 0.2 ms + 25 ms + 0.1 ms.
  const double expected = 0.0253 + bytes / 12.5e6;
  EXPECT_NEAR(done[0], expected, expected * 1e-6);
}

TEST_F(SimGridTest, ConcurrentTransfersShareTheBottleneck) {
  platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_);
  // Two edge nodes upload to their storage at once: the 40 MB/s storage link is shared.
  std::vector<double> done =
      Transfer({{"edge/rpi4-0", "edge/storage", 40e6}, {"edge/rpi4-1", "edge/storage", 40e6}});
  const double expected = 0.2e-3 + 1e-3 + 80e6 / 40e6;
  EXPECT_NEAR(done[0], expected, expected * 1e-6);
  EXPECT_NEAR(done[1], expected, expected * 1e-6);
}

TEST_F(SimGridTest, TransfersInsideTheCloudUseTheLan) {
  platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_);
  std::vector<double> done = Transfer({{"cloud/vm-medium-0", "cloud/vm-medium-1", 1.25e9}});
  const double expected = 0.2e-3 + 1.25e9 / 1.25e9;
  EXPECT_NEAR(done[0], expected, expected * 1e-6);
}

TEST_F(SimGridTest, ASecondPlatformInTheSameEngineIsRefused) {
  platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_);
  EXPECT_THROW(platform::BuildSimGridPlatform(EdgeCloudPlatform(), *engine_), std::logic_error);
}

}  // namespace
}  // namespace twinprof::test
