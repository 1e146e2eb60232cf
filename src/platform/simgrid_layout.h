// The SimGrid resources of a Platform as plain data: which zones, hosts, links and routes, with
// their names (simgrid_platform.h). The in-memory builder and the XML export both walk this one
// description, so they cannot drift apart. Internal to the platform module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "platform/platform.h"

namespace twinprof::platform::simgrid_layout {

struct LinkSpec {
  std::string name;
  double bandwidth = 0;  // bytes per second
  double latency = 0;    // seconds
};

// A host and its private link to the cluster switch.
struct HostSpec {
  std::string name;
  double speed = 0;  // flops per second of one core
  int cores = 1;
  std::vector<std::pair<std::string, std::string>> properties;
  LinkSpec link;
  // For nodes: which SimNode this is.
  bool is_storage = false;
  std::string node_type;
  int index = 0;
};

struct ZoneSpec {
  std::string name;
  std::string gateway;          // router name
  std::vector<HostSpec> hosts;  // nodes first, then the storage host
};

struct WanSpec {
  LinkSpec link;
  std::string zone_a, zone_b;
  std::string gateway_a, gateway_b;
};

struct Layout {
  std::string root_name;
  std::vector<ZoneSpec> zones;  // Platform::clusters order
  std::vector<WanSpec> wan;     // Platform::links order
};

// Describes `platform`, which must have passed ValidatePlatform.
Layout Describe(const Platform& platform);

}  // namespace twinprof::platform::simgrid_layout
