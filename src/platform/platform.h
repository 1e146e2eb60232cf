// A Platform describes the hardware a workflow runs on: node types, clusters made of nodes of
// those types with a MinIO-like storage endpoint and a LAN, links between clusters, and the
// OSCAR/Kubernetes overheads. It is a plain value: loaders fill it, the simulator reads it, and
// code (the design-space explorer) may copy and change it, then call ValidatePlatform.
//
// Units inside are SI base units: flops per second (per core), bytes, bytes per second, seconds.
//
// Network semantics (what the SimGrid builder makes of it, simgrid_platform.h): every node and
// the storage endpoint hang off the cluster's switch by a private link. A node's link has the
// LAN bandwidth and latency, the storage endpoint's link the storage bandwidth and latency. So a
// node-to-node transfer crosses two LAN links (latency 2 x lan.latency), a node-to-storage one a
// LAN link and the storage link. Clusters are joined by WAN links through their switches; a
// transfer between clusters with no direct link takes the path with the fewest links.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace twinprof {
class YamlFile;
}  // namespace twinprof

namespace twinprof::platform {

// Bounds beyond which a value is certainly a typo; both the loader and ValidatePlatform enforce
// them.
struct PlatformLimits {
  static constexpr int kMaxCores = 1'000'000;      // per node
  static constexpr int kMaxNodes = 1'000'000;      // per platform (and per type in a cluster)
  static constexpr double kMaxSpeed = 1e15;        // flops per second of one core
  static constexpr double kMaxMemory = 1e18;       // bytes per node (1 EB)
  static constexpr double kMaxBandwidth = 1e15;    // bytes per second (1 PBps)
  static constexpr double kMaxLatency = 3600;      // seconds
  static constexpr double kMaxOverhead = 86400;    // seconds (scheduling, pod start)
  static constexpr double kMaxPricePerHour = 1e6;  // currency units per node-hour
  static constexpr size_t kMaxNameLength = 64;
};

struct NodeType {
  std::string name;
  std::string arch;  // "x86_64" or "arm64"
  int cores = 1;
  double speed = 1e9;  // flops per second of one core
  double memory_bytes = 0;
  double price_per_hour = 0;  // per node; 0 for hardware already owned
  SourceLocation where;
};

struct NetworkLink {
  double bandwidth = 125e6;  // bytes per second
  double latency = 0;        // seconds
};

struct Cluster {
  std::string name;
  // Node counts per node type, in file order; each type at most once.
  std::vector<std::pair<std::string, int>> nodes;
  NetworkLink lan;      // each node's link to the cluster switch
  NetworkLink storage;  // the storage endpoint's (MinIO) link to the cluster switch
  SourceLocation where;

  // Sum of the counts.
  int node_count() const;
};

// A WAN link joining two different clusters.
struct ClusterLink {
  std::string a;
  std::string b;
  NetworkLink link;
  SourceLocation where;
};

struct Overheads {
  double scheduling_s = 0;          // Kubernetes scheduling delay per job
  double pod_start_s = 0;           // container start once the image is present
  double image_pull_bandwidth = 0;  // bytes per second; 0 = images are never pulled
  bool images_cached = true;        // an image pulled on a node stays there
};

struct Platform {
  std::string name;
  std::string description;
  std::vector<NodeType> node_types;
  std::vector<Cluster> clusters;
  std::vector<ClusterLink> links;
  Overheads overheads;
  std::string source_file;

  // Null when there is no such name. The non-const forms let a caller change what it found (a
  // calibration file sets node speeds and storage links).
  const NodeType* FindNodeType(const std::string& name) const;
  const Cluster* FindCluster(const std::string& name) const;
  NodeType* FindNodeType(const std::string& name);
  Cluster* FindCluster(const std::string& name);
  // The WAN link between two clusters (in either order), or null (also null for a == b).
  const ClusterLink* FindLink(const std::string& a, const std::string& b) const;

  // Number of nodes over all clusters.
  int node_count() const;
};

// Reads the YAML platform format (docs/formats.md, "Platform"). Throws InputError with
// file:line:col on any problem: unknown node type or cluster, duplicate names, non-positive
// cores/speed/memory/bandwidth/count, a bad arch, malformed units, missing or unknown fields, a
// link joining a cluster to itself, clusters that are not connected, absurd numbers
// (PlatformLimits). The result has passed ValidatePlatform.
Platform LoadPlatform(const std::string& path);

// The same, from an already parsed file (tests, embedded documents).
Platform LoadPlatform(const YamlFile& file);

// Checks a platform built or changed in code (the loader calls it too): names are identifiers
// ([A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters) and unique, every referenced node type and
// cluster exists, every number is within PlatformLimits, no link joins a cluster to itself or
// repeats another, and all clusters are connected. Throws InputError located at the offending
// item's `where`.
void ValidatePlatform(const Platform& platform);

// True when `name` is a valid node type or cluster name (see ValidatePlatform).
bool IsValidPlatformName(const std::string& name);

}  // namespace twinprof::platform
