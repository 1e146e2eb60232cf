#include "platform/platform.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "core/units.h"

namespace twinprof::platform {

int Cluster::node_count() const {
  int total = 0;
  for (const auto& [type, count] : nodes) total += count;
  return total;
}

const NodeType* Platform::FindNodeType(const std::string& type_name) const {
  for (const NodeType& type : node_types) {
    if (type.name == type_name) return &type;
  }
  return nullptr;
}

const Cluster* Platform::FindCluster(const std::string& cluster_name) const {
  for (const Cluster& cluster : clusters) {
    if (cluster.name == cluster_name) return &cluster;
  }
  return nullptr;
}

NodeType* Platform::FindNodeType(const std::string& type_name) {
  return const_cast<NodeType*>(std::as_const(*this).FindNodeType(type_name));
}

Cluster* Platform::FindCluster(const std::string& cluster_name) {
  return const_cast<Cluster*>(std::as_const(*this).FindCluster(cluster_name));
}

const ClusterLink* Platform::FindLink(const std::string& a, const std::string& b) const {
  if (a == b) return nullptr;
  for (const ClusterLink& link : links) {
    if ((link.a == a && link.b == b) || (link.a == b && link.b == a)) return &link;
  }
  return nullptr;
}

int Platform::node_count() const {
  long long total = 0;
  for (const Cluster& cluster : clusters) total += cluster.node_count();
  return static_cast<int>(std::min<long long>(total, PlatformLimits::kMaxNodes + 1LL));
}

bool IsValidPlatformName(const std::string& name) {
  if (name.empty() || name.size() > PlatformLimits::kMaxNameLength) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

namespace {

using Limits = PlatformLimits;

void CheckName(const std::string& name, const std::string& what, const SourceLocation& where) {
  if (!IsValidPlatformName(name)) {
    throw InputError(where, what + " name '" + name +
                                "' is not valid: use letters, digits, '_', '.', '-' (starting "
                                "with a letter or digit, at most 64 characters)");
  }
}

// value in (0, max] (or [0, max] when zero_ok).
void CheckRange(double value, double max, bool zero_ok, const std::string& what,
                const SourceLocation& where, std::string (*format)(double)) {
  if (!std::isfinite(value) || value < 0 || (!zero_ok && value == 0)) {
    throw InputError(where, what + " must be " + (zero_ok ? "zero or positive" : "positive"));
  }
  if (value > max) {
    throw InputError(where,
                     what + " of " + format(value) + " is absurd (at most " + format(max) + ")");
  }
}

std::string Plain(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string BytesPerSecond(double value) { return FormatBytes(value) + "/s"; }

void CheckNetwork(const NetworkLink& link, const std::string& what, const SourceLocation& where) {
  CheckRange(link.bandwidth, Limits::kMaxBandwidth, false, what + " bandwidth", where,
             BytesPerSecond);
  CheckRange(link.latency, Limits::kMaxLatency, true, what + " latency", where, FormatSeconds);
}

void CheckNodeType(const NodeType& type) {
  CheckName(type.name, "node type", type.where);
  const std::string what = "node type '" + type.name + "': ";
  if (type.arch != "x86_64" && type.arch != "arm64") {
    throw InputError(type.where, what + "arch '" + type.arch + "' is not x86_64 or arm64");
  }
  if (type.cores < 1 || type.cores > Limits::kMaxCores) {
    throw InputError(type.where,
                     what + "cores must be between 1 and " + std::to_string(Limits::kMaxCores));
  }
  CheckRange(type.speed, Limits::kMaxSpeed, false, what + "speed", type.where, FormatFlops);
  CheckRange(type.memory_bytes, Limits::kMaxMemory, false, what + "memory", type.where,
             FormatBytes);
  CheckRange(type.price_per_hour, Limits::kMaxPricePerHour, true, what + "price_per_hour",
             type.where, Plain);
}

void CheckCluster(const Platform& platform, const Cluster& cluster) {
  CheckName(cluster.name, "cluster", cluster.where);
  const std::string what = "cluster '" + cluster.name + "': ";
  if (cluster.nodes.empty()) throw InputError(cluster.where, what + "it has no nodes");
  std::set<std::string> seen;
  for (const auto& [type, count] : cluster.nodes) {
    if (platform.FindNodeType(type) == nullptr) {
      throw InputError(cluster.where, what + "unknown node type '" + type + "'");
    }
    if (!seen.insert(type).second) {
      throw InputError(cluster.where, what + "node type '" + type + "' is listed twice");
    }
    if (count < 1 || count > Limits::kMaxNodes) {
      throw InputError(cluster.where, what + "the count of '" + type + "' must be between 1 and " +
                                          std::to_string(Limits::kMaxNodes));
    }
  }
  CheckNetwork(cluster.lan, what + "LAN", cluster.where);
  CheckNetwork(cluster.storage, what + "storage", cluster.where);
}

// Every cluster must reach every other one over the WAN links.
void CheckConnected(const Platform& platform) {
  if (platform.clusters.size() < 2) return;
  std::map<std::string, int> index;
  for (const Cluster& cluster : platform.clusters) {
    index.emplace(cluster.name, static_cast<int>(index.size()));
  }
  boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> graph(index.size());
  for (const ClusterLink& link : platform.links)
    boost::add_edge(index[link.a], index[link.b], graph);
  std::vector<int> component(index.size());
  boost::connected_components(graph, component.data());
  for (const Cluster& cluster : platform.clusters) {
    if (component[index[cluster.name]] != component[0]) {
      throw InputError(cluster.where, "cluster '" + cluster.name +
                                          "' is not connected to cluster '" +
                                          platform.clusters[0].name +
                                          "': add a link between them (links: - {between: [...], "
                                          "bandwidth: ..., latency: ...})");
    }
  }
}

}  // namespace

void ValidatePlatform(const Platform& platform) {
  const SourceLocation file{platform.source_file};
  if (platform.node_types.empty()) throw InputError(file, "the platform has no node types");
  if (platform.clusters.empty()) throw InputError(file, "the platform has no clusters");

  std::map<std::string, const SourceLocation*> names;
  for (const NodeType& type : platform.node_types) {
    CheckNodeType(type);
    if (auto [it, inserted] = names.emplace(type.name, &type.where); !inserted) {
      throw InputError(type.where, "duplicate node type '" + type.name + "' (first defined at " +
                                       it->second->ToString() + ")");
    }
  }
  names.clear();
  long long total_nodes = 0;
  for (const Cluster& cluster : platform.clusters) {
    CheckCluster(platform, cluster);
    if (auto [it, inserted] = names.emplace(cluster.name, &cluster.where); !inserted) {
      throw InputError(cluster.where, "duplicate cluster '" + cluster.name +
                                          "' (first defined at " + it->second->ToString() + ")");
    }
    total_nodes += cluster.node_count();
  }
  if (total_nodes > Limits::kMaxNodes) {
    throw InputError(file, "the platform has " + std::to_string(total_nodes) + " nodes; at most " +
                               std::to_string(Limits::kMaxNodes) + " are supported");
  }

  for (size_t i = 0; i < platform.links.size(); ++i) {
    const ClusterLink& link = platform.links[i];
    for (const std::string* end : {&link.a, &link.b}) {
      if (platform.FindCluster(*end) == nullptr) {
        throw InputError(link.where, "link: unknown cluster '" + *end + "'");
      }
    }
    if (link.a == link.b) {
      throw InputError(link.where, "link joins cluster '" + link.a + "' to itself");
    }
    const ClusterLink* first = platform.FindLink(link.a, link.b);
    if (first != &link) {
      throw InputError(link.where, "a second link between '" + link.a + "' and '" + link.b +
                                       "' (first at " + first->where.ToString() + ")");
    }
    CheckNetwork(link.link, "link " + link.a + "-" + link.b, link.where);
  }
  CheckConnected(platform);

  const Overheads& overheads = platform.overheads;
  CheckRange(overheads.scheduling_s, Limits::kMaxOverhead, true, "overheads: scheduling", file,
             FormatSeconds);
  CheckRange(overheads.pod_start_s, Limits::kMaxOverhead, true, "overheads: pod_start", file,
             FormatSeconds);
  CheckRange(overheads.image_pull_bandwidth, Limits::kMaxBandwidth, true,
             "overheads: image_pull_bandwidth", file, BytesPerSecond);
}

}  // namespace twinprof::platform
