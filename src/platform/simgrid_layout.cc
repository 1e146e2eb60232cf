#include "platform/simgrid_layout.h"

#include <cmath>

#include "platform/simgrid_platform.h"

namespace twinprof::platform {

std::string SimNodeHostName(const std::string& cluster, const std::string& node_type, int index) {
  return cluster + "/" + node_type + "-" + std::to_string(index);
}

std::string SimStorageHostName(const std::string& cluster) { return cluster + "/storage"; }

namespace simgrid_layout {

namespace {
constexpr double kStorageHostSpeed = 1e9;

std::string GatewayName(const std::string& cluster) { return cluster + "/gateway"; }
}  // namespace

Layout Describe(const Platform& platform) {
  Layout layout;
  layout.root_name = "platform:" + platform.name;
  for (const Cluster& cluster : platform.clusters) {
    ZoneSpec zone;
    zone.name = cluster.name;
    zone.gateway = GatewayName(cluster.name);
    int position = 0;
    for (const auto& [type_name, count] : cluster.nodes) {
      const NodeType* type = platform.FindNodeType(type_name);
      for (int i = 0; i < count; ++i) {
        HostSpec host;
        host.name = SimNodeHostName(cluster.name, type_name, i);
        host.speed = type->speed;
        host.cores = type->cores;
        host.properties = {{"cluster", cluster.name},
                           {"node_type", type_name},
                           {"arch", type->arch},
                           {"memory", std::to_string(std::llround(type->memory_bytes))}};
        host.link = {cluster.name + "/lan-" + std::to_string(position++), cluster.lan.bandwidth,
                     cluster.lan.latency};
        host.node_type = type_name;
        host.index = i;
        zone.hosts.push_back(std::move(host));
      }
    }
    HostSpec storage;
    storage.name = SimStorageHostName(cluster.name);
    storage.speed = kStorageHostSpeed;
    storage.cores = 1;
    storage.properties = {{"cluster", cluster.name}, {"role", "storage"}};
    storage.link = {cluster.name + "/storage-link", cluster.storage.bandwidth,
                    cluster.storage.latency};
    storage.is_storage = true;
    zone.hosts.push_back(std::move(storage));
    layout.zones.push_back(std::move(zone));
  }
  for (const ClusterLink& link : platform.links) {
    layout.wan.push_back(
        WanSpec{{"wan/" + link.a + "/" + link.b, link.link.bandwidth, link.link.latency},
                link.a,
                link.b,
                GatewayName(link.a),
                GatewayName(link.b)});
  }
  return layout;
}

}  // namespace simgrid_layout
}  // namespace twinprof::platform
