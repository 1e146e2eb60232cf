// Builds the SimGrid platform of a Platform in memory, following simgrid_layout.h.

#include "platform/simgrid_platform.h"

#include <stdexcept>

#include "platform/simgrid_layout.h"

namespace twinprof::platform {

namespace sg4 = simgrid::s4u;

SimGridPlatform BuildSimGridPlatform(const Platform& platform, sg4::Engine& engine) {
  if (engine.get_netzone_root() != nullptr) {
    throw std::logic_error("BuildSimGridPlatform: the SimGrid engine already has a platform");
  }
  const simgrid_layout::Layout layout = simgrid_layout::Describe(platform);
  SimGridPlatform result;
  sg4::NetZone* root = sg4::create_floyd_zone(layout.root_name);
  result.root_zone = root;

  std::vector<simgrid::kernel::routing::NetPoint*> gateways;
  for (size_t c = 0; c < layout.zones.size(); ++c) {
    const simgrid_layout::ZoneSpec& spec = layout.zones[c];
    sg4::NetZone* zone = sg4::create_star_zone(spec.name);
    zone->set_parent(root);
    gateways.push_back(zone->create_router(spec.gateway));
    for (const simgrid_layout::HostSpec& host_spec : spec.hosts) {
      sg4::Host* host = zone->create_host(host_spec.name, host_spec.speed);
      host->set_core_count(host_spec.cores);
      for (const auto& [key, value] : host_spec.properties) host->set_property(key, value);
      host->seal();
      sg4::Link* link = zone->create_link(host_spec.link.name, host_spec.link.bandwidth)
                            ->set_latency(host_spec.link.latency)
                            ->seal();
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link)},
                      true);
      if (host_spec.is_storage) {
        result.storage_hosts.push_back(host);
      } else {
        result.nodes.push_back(SimNode{spec.name, host_spec.node_type, host_spec.index, host});
      }
    }
    zone->seal();
    result.cluster_zones.push_back(zone);
  }

  auto zone_index = [&](const std::string& name) {
    for (size_t c = 0; c < layout.zones.size(); ++c) {
      if (layout.zones[c].name == name) return c;
    }
    throw std::logic_error("BuildSimGridPlatform: no zone " + name);
  };
  for (const simgrid_layout::WanSpec& wan : layout.wan) {
    sg4::Link* link =
        root->create_link(wan.link.name, wan.link.bandwidth)->set_latency(wan.link.latency)->seal();
    size_t a = zone_index(wan.zone_a);
    size_t b = zone_index(wan.zone_b);
    root->add_route(result.cluster_zones[a]->get_netpoint(),
                    result.cluster_zones[b]->get_netpoint(), gateways[a], gateways[b],
                    {sg4::LinkInRoute(link)}, true);
  }
  root->seal();
  return result;
}

}  // namespace twinprof::platform
