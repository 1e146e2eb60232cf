#include "platform_probe.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace twinprof::test {

namespace sg4 = simgrid::s4u;

namespace {
std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}
}  // namespace

std::string DumpSimGridPlatform(const sg4::Engine& engine,
                                const std::vector<std::pair<std::string, std::string>>& routes) {
  std::ostringstream out;
  std::vector<sg4::Host*> hosts = engine.get_all_hosts();
  std::sort(hosts.begin(), hosts.end(),
            [](const sg4::Host* a, const sg4::Host* b) { return a->get_name() < b->get_name(); });
  out << "hosts " << hosts.size() << "\n";
  for (const sg4::Host* host : hosts) {
    out << "host " << host->get_name() << " cores=" << host->get_core_count()
        << " speed=" << Number(host->get_speed());
    const auto* properties = host->get_properties();
    std::map<std::string, std::string> sorted(properties->begin(), properties->end());
    for (const auto& [key, value] : sorted) out << " " << key << "=" << value;
    out << "\n";
  }
  std::vector<sg4::Link*> links = engine.get_all_links();
  std::sort(links.begin(), links.end(),
            [](const sg4::Link* a, const sg4::Link* b) { return a->get_name() < b->get_name(); });
  out << "links " << links.size() << "\n";
  for (const sg4::Link* link : links) {
    out << "link " << link->get_name() << " bandwidth=" << Number(link->get_bandwidth())
        << " latency=" << Number(link->get_latency()) << "\n";
  }
  for (const auto& [src, dst] : routes) {
    std::vector<sg4::Link*> route;
    double latency = 0;
    engine.host_by_name(src)->route_to(engine.host_by_name(dst), route, &latency);
    out << "route " << src << " -> " << dst << " latency=" << Number(latency) << " links=";
    for (size_t i = 0; i < route.size(); ++i) out << (i ? "," : "") << route[i]->get_name();
    out << "\n";
  }
  return out.str();
}

}  // namespace twinprof::test
