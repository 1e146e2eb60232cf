// Turning a Platform into SimGrid 3.32 resources, in memory or as an XML platform file.
//
// Naming (shared by the builder and the XML export, and relied upon by the simulator):
//   root zone      "platform:<platform name>" (Floyd routing between the cluster zones)
//   cluster zones  "<cluster>" (star zones)
//   node hosts     "<cluster>/<node_type>-<i>"  (i from 0, per cluster and type)
//   storage hosts  "<cluster>/storage"
//   gateways       "<cluster>/gateway" (a router: the cluster switch's way out)
//   LAN links      "<cluster>/lan-<k>"  (k = the node's position in the cluster, 0..n-1, nodes
//                                        ordered by type as listed, then by i)
//   storage links  "<cluster>/storage-link"
//   WAN links      "wan/<a>/<b>"        (a, b as in the platform's link)
// All links are SHARED (both directions share the bandwidth). Routes (see platform.h):
//   node -> node, same cluster:   lan-k, lan-k'
//   node -> storage, same cluster: lan-k, storage-link
//   across clusters:              the source's private link, the WAN links of the path with the
//                                 fewest links, the destination's private link.
// Each host carries the properties "cluster", "node_type", "arch" and "memory" (bytes, as a
// decimal integer); storage hosts have "cluster" and "role" = "storage". Storage hosts have one
// core of 1 Gf: they model transfers, not computation.
#pragma once

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "platform/platform.h"

namespace twinprof::platform {

// One simulated node.
struct SimNode {
  std::string cluster;
  std::string node_type;
  int index = 0;  // within its cluster and type
  simgrid::s4u::Host* host = nullptr;
};

// The resources created in an Engine for a Platform. The pointers are owned by the Engine.
struct SimGridPlatform {
  // Every node, clusters in Platform::clusters order, then types as listed, then by index.
  std::vector<SimNode> nodes;
  // Storage host of each cluster, in Platform::clusters order.
  std::vector<simgrid::s4u::Host*> storage_hosts;
  // Zone of each cluster, in Platform::clusters order.
  std::vector<simgrid::s4u::NetZone*> cluster_zones;
  simgrid::s4u::NetZone* root_zone = nullptr;
};

// Host and link names (see above).
std::string SimNodeHostName(const std::string& cluster, const std::string& node_type, int index);
std::string SimStorageHostName(const std::string& cluster);

// Creates the platform in `engine` and seals it. Set network options (e.g.
// --cfg=network/model:CM02) on the engine before calling. Throws std::logic_error when the engine
// already has a platform.
SimGridPlatform BuildSimGridPlatform(const Platform& platform, simgrid::s4u::Engine& engine);

// The same platform as a SimGrid XML file (version 4.1) that `Engine::load_platform` accepts and
// that builds the same hosts, links, routes and properties.
std::string ToSimGridXml(const Platform& platform);

}  // namespace twinprof::platform
