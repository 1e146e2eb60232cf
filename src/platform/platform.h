// A Platform describes the hardware a workflow runs on: node types, clusters made of nodes of
// those types with a MinIO-like storage endpoint and a LAN, links between clusters, and the
// OSCAR/Kubernetes overheads. It is a plain value: loaders fill it, the simulator reads it.
//
// Units inside are SI base units: flops per second (per core), bytes, bytes per second, seconds.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace twinprof {

struct NodeType {
  std::string name;
  std::string arch;          // "x86_64" or "arm64"
  int cores = 1;
  double speed = 1e9;        // flops per second of one core
  double memory_bytes = 0;
  double price_per_hour = 0;
  SourceLocation where;
};

struct NetworkLink {
  double bandwidth = 125e6;  // bytes per second
  double latency = 0;        // seconds
};

struct Cluster {
  std::string name;
  // Node counts per node type, in file order.
  std::vector<std::pair<std::string, int>> nodes;
  NetworkLink lan;      // between the nodes of the cluster
  NetworkLink storage;  // between the storage host (MinIO) and the LAN
  SourceLocation where;

  int node_count() const;
};

// A WAN link joining two clusters.
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
  std::vector<NodeType> node_types;
  std::vector<Cluster> clusters;
  std::vector<ClusterLink> links;
  Overheads overheads;
  std::string source_file;

  const NodeType* FindNodeType(const std::string& name) const;
  const Cluster* FindCluster(const std::string& name) const;
  // The WAN link between two clusters, or null (also null for a == b).
  const ClusterLink* FindLink(const std::string& a, const std::string& b) const;
};

// Reads the YAML platform format (docs/formats.md, "Platform"). Throws InputError with
// file:line:col on any problem: unknown node type, non-positive cores/speed/bandwidth, unknown
// cluster in a link, malformed units, missing fields, duplicate names. Unknown fields are errors.
Platform LoadPlatform(const std::string& path);

// Checks a platform built in code (the loader calls it too). Throws InputError.
void ValidatePlatform(const Platform& platform);

}  // namespace twinprof
