// How long does it take to turn a platform into SimGrid resources, in memory and through the XML
// export, as the platform grows? The simulator builds one platform per simulated run (each in its
// own process), so this is a fixed cost of every run.
//
// Usage: platform_build_benchmark [REPETITIONS]
// For clusters x nodes per cluster in a few sizes, each measurement runs in a fresh child process
// (one SimGrid Engine per process) and prints the median of REPETITIONS (default 5) runs of:
//   build: BuildSimGridPlatform + Engine::seal_platform + one route per pair of clusters
//   xml:   ToSimGridXml, writing it, Engine::load_platform + seal_platform + the same routes

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "platform/platform.h"
#include "platform/simgrid_platform.h"

namespace {

using twinprof::platform::Platform;
namespace sg4 = simgrid::s4u;

// `clusters` clusters of `nodes` 4-core nodes each, in a chain joined by WAN links.
Platform Synthetic(int clusters, int nodes) {
  Platform platform;
  platform.name = "bench";
  twinprof::platform::NodeType type;
  type.name = "vm";
  type.arch = "x86_64";
  type.cores = 4;
  type.speed = 3e9;
  type.memory_bytes = 8e9;
  platform.node_types.push_back(type);
  for (int c = 0; c < clusters; ++c) {
    twinprof::platform::Cluster cluster;
    cluster.name = "c" + std::to_string(c);
    cluster.nodes = {{"vm", nodes}};
    cluster.lan = {1.25e9, 1e-4};
    cluster.storage = {2e8, 5e-4};
    platform.clusters.push_back(cluster);
    if (c > 0) {
      platform.links.push_back({"c" + std::to_string(c - 1),
                                cluster.name,
                                twinprof::platform::NetworkLink{12.5e6, 0.025},
                                {}});
    }
  }
  platform.overheads.image_pull_bandwidth = 5e7;
  twinprof::platform::ValidatePlatform(platform);
  return platform;
}

void QueryRoutes(const Platform& platform, const sg4::Engine& engine) {
  for (const auto& a : platform.clusters) {
    for (const auto& b : platform.clusters) {
      std::vector<sg4::Link*> links;
      double latency = 0;
      engine.host_by_name(twinprof::platform::SimNodeHostName(a.name, "vm", 0))
          ->route_to(engine.host_by_name(twinprof::platform::SimStorageHostName(b.name)), links,
                     &latency);
    }
  }
}

// Runs `work` in a child process and returns the seconds it reported (negative on failure).
template <typename Work>
double InChild(Work work) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    double seconds = work();
    ssize_t written = write(fds[1], &seconds, sizeof seconds);
    _exit(written == sizeof seconds ? 0 : 1);
  }
  close(fds[1]);
  double seconds = -1;
  if (read(fds[0], &seconds, sizeof seconds) != sizeof seconds) seconds = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return seconds;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::string xml_file = (std::filesystem::temp_directory_path() /
                                ("platform-bench-" + std::to_string(getpid()) + ".xml"))
                                   .string();
  std::printf("%8s %8s %8s %12s %12s %10s\n", "clusters", "nodes", "hosts", "build_ms", "xml_ms",
              "xml_kB");
  for (auto [clusters, nodes] : std::vector<std::pair<int, int>>{
           {2, 8}, {2, 100}, {10, 100}, {2, 1000}, {10, 1000}, {2, 10000}}) {
    Platform platform = Synthetic(clusters, nodes);
    std::vector<double> build, xml;
    std::string text = twinprof::platform::ToSimGridXml(platform);
    for (int r = 0; r < repetitions; ++r) {
      build.push_back(InChild([&] {
        int engine_argc = 1;
        sg4::Engine engine(&engine_argc, argv);
        auto start = std::chrono::steady_clock::now();
        twinprof::platform::BuildSimGridPlatform(platform, engine);
        engine.seal_platform();
        QueryRoutes(platform, engine);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }));
      xml.push_back(InChild([&] {
        int engine_argc = 1;
        sg4::Engine engine(&engine_argc, argv);
        auto start = std::chrono::steady_clock::now();
        std::ofstream(xml_file) << twinprof::platform::ToSimGridXml(platform);
        engine.load_platform(xml_file);
        engine.seal_platform();
        QueryRoutes(platform, engine);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }));
    }
    std::printf("%8d %8d %8d %12.2f %12.2f %10.0f\n", clusters, nodes, clusters * (nodes + 1),
                Median(build) * 1e3, Median(xml) * 1e3, text.size() / 1024.0);
    std::fflush(stdout);
  }
  std::filesystem::remove(xml_file);
  return 0;
}
