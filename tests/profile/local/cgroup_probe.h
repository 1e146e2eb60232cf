// Whether this machine lets a process create control groups for a controller, decided without
// twinprof's Cgroups class: a cgroup test skips only when this says no, so a bug in Cgroups that
// makes it give up fails the test instead of skipping it.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace twinprof::test {

// "" when a group can be created for `controller` ("cpu", "memory") in the process's own cgroup
// (v1: the controller's own hierarchy; v2: the unified one, listing the controller); otherwise
// why not.
inline std::string WhyCgroupsAreNotWritable(const std::string& controller) {
  std::string v1_mount, v2_mount;
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string device, dir, type, options;
    fields >> device >> dir >> type >> options;
    if (type == "cgroup2" && v2_mount.empty()) v2_mount = dir;
    if (type == "cgroup") {
      std::istringstream list(options);
      for (std::string option; std::getline(list, option, ',');) {
        if (option == controller) v1_mount = dir;
      }
    }
  }
  std::string v1_path, v2_path;
  std::ifstream self("/proc/self/cgroup");
  for (std::string line; std::getline(self, line);) {
    size_t first = line.find(':');
    size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (line.substr(0, first) == "0" && controllers.empty()) v2_path = path;
    std::istringstream list(controllers);
    for (std::string c; std::getline(list, c, ',');) {
      if (c == controller) v1_path = path;
    }
  }
  std::string base;
  if (!v1_mount.empty()) {
    base = v1_mount + v1_path;
  } else if (!v2_mount.empty()) {
    base = v2_mount + v2_path;
    std::ifstream available(base + "/cgroup.controllers");
    std::string word;
    bool listed = false;
    while (available >> word) listed = listed || word == controller;
    if (!listed) return "the " + controller + " controller is not available in " + base;
  } else {
    return "no cgroup hierarchy with the " + controller + " controller is mounted";
  }
  std::string probe = base + "/twinprof-probe-" + std::to_string(::getpid());
  if (::mkdir(probe.c_str(), 0755) != 0) return "mkdir " + probe + ": " + std::strerror(errno);
  ::rmdir(probe.c_str());
  return "";
}

}  // namespace twinprof::test
