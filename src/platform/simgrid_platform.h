// Turning a Platform into SimGrid 3.32 resources.
//
// Naming (shared by the builder and the XML export, and relied upon by the simulator):
//   node hosts     "<cluster>/<node_type>-<i>"  (i from 0, per cluster and type)
//   storage hosts  "<cluster>/storage"
//   LAN links      "<cluster>/lan-<host index>" (one private link per node, a star)
//   storage links  "<cluster>/storage-link"
//   WAN links      "wan/<a>-<b>"
// Each cluster is a star zone; the clusters are joined in a full zone through their gateways.
#pragma once

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "platform/platform.h"

namespace twinprof {

// One simulated node.
struct SimNode {
  std::string cluster;
  std::string node_type;
  int index = 0;  // within its cluster and type
  simgrid::s4u::Host* host = nullptr;
};

// The resources created in an Engine for a Platform.
struct SimGridPlatform {
  std::vector<SimNode> nodes;
  // Storage host of each cluster, in Platform::clusters order.
  std::vector<simgrid::s4u::Host*> storage_hosts;
};

// Creates the platform in `engine` (which must not have one yet) and seals it.
SimGridPlatform BuildSimGridPlatform(const Platform& platform, simgrid::s4u::Engine& engine);

// The same platform as a SimGrid XML file (version 4.1) that `Engine::load_platform` accepts.
std::string ToSimGridXml(const Platform& platform);

}  // namespace twinprof
