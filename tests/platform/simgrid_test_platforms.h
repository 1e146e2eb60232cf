// Platforms shared by the SimGrid builder and XML export tests.
#pragma once

#include <string>

#include "core/yaml_file.h"
#include "platform/platform.h"

namespace twinprof::test {

inline platform::Platform EdgeCloudPlatform() {
  return platform::LoadPlatform(std::string(TWINPROF_SOURCE_DIR) + "/platforms/edge-cloud.yaml");
}

// Three clusters in a chain a - b - c (no direct a - c link), two node types in b.
inline platform::Platform ChainPlatform() {
  return platform::LoadPlatform(YamlFile::Parse(R"(name: chain
node_types:
  small: {arch: arm64, cores: 4, speed: 1.2Gf, memory: 4Gi}
  big: {arch: x86_64, cores: 16, speed: 3.5Gf, memory: 64Gi, price_per_hour: 0.8}
clusters:
  a: {nodes: {small: 2}, lan: {bandwidth: 1Gbps, latency: 0.2ms},
      storage: {bandwidth: 40MBps, latency: 1ms}}
  b: {nodes: {big: 2, small: 1}, lan: {bandwidth: 10Gbps, latency: 0.1ms},
      storage: {bandwidth: 200MBps, latency: 0.5ms}}
  c: {nodes: {big: 1}, lan: {bandwidth: 25Gbps, latency: 0.05ms},
      storage: {bandwidth: 1GBps, latency: 0.3ms}}
links:
  - {between: [a, b], bandwidth: 100Mbps, latency: 10ms}
  - {between: [c, b], bandwidth: 1Gbps, latency: 20ms}
overheads: {scheduling: 0.2s, pod_start: 1.5s, image_pull_bandwidth: 50MBps}
)",
                                                "chain.yaml"));
}

}  // namespace twinprof::test
