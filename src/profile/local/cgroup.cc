#include "profile/local/cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace twinprof::profile::local {
namespace {

namespace fs = std::filesystem;

constexpr const char* kParentPrefix = "twinprof-";
constexpr long kCfsPeriodUs = 100000;

std::vector<std::string> SplitBy(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

// Reads a small file; nullopt-like "" with ok=false when it cannot be read.
bool ReadSmallFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// Writes `value` to a cgroup file; returns "" or the error.
std::string WriteFile(const std::string& path, const std::string& value) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return "open " + path + ": " + std::strerror(errno);
  bool ok = std::fputs(value.c_str(), f) >= 0;
  int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return "write " + path + ": " + std::strerror(errno ? errno : saved);
  return "";
}

double ReadNumber(const std::string& path) {
  std::string text;
  if (!ReadSmallFile(path, &text)) return std::nan("");
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return std::nan("");
  }
}

// The value of `key` in a "key value" per line file (memory.oom_control, cpu.stat, ...).
double ReadKeyed(const std::string& path, const std::string& key) {
  std::string text;
  if (!ReadSmallFile(path, &text)) return std::nan("");
  std::istringstream in(text);
  std::string name;
  double value;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return std::nan("");
}

std::vector<pid_t> ReadPids(const std::string& dir) {
  std::vector<pid_t> pids;
  std::ifstream in(dir + "/cgroup.procs");
  pid_t pid;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

// Kills everything in `dir` and removes it, retrying while processes die.
void EmptyAndRemove(const std::string& dir) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    for (pid_t pid : ReadPids(dir)) {
      if (pid != ::getpid()) ::kill(pid, SIGKILL);  // twinprof itself, if it could not move back
    }
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Removes the job groups below a parent, then the parent.
void RemoveTree(const std::string& parent) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    if (entry.is_directory()) EmptyAndRemove(entry.path().string());
  }
  EmptyAndRemove(parent);
}

// Removes twinprof-<pid> groups under `base` whose twinprof is gone (killed with -9).
void RemoveStaleParents(const std::string& base) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(base, error)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind(kParentPrefix, 0) != 0) continue;
    pid_t pid = 0;
    try {
      pid = std::stoi(name.substr(std::strlen(kParentPrefix)));
    } catch (const std::exception&) {
      continue;
    }
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) RemoveTree(entry.path().string());
  }
}

struct Mount {
  std::string dir;
  std::vector<std::string> options;
};

}  // namespace

Cgroups::Cgroups(bool prioritize_jobs) : prioritize_jobs_(prioritize_jobs) {
  const std::vector<std::string> wanted = {"cpu", "cpuacct", "memory", "cpuset"};
  // Mounts: cgroup v1 hierarchies (per controller) and cgroup2.
  std::map<std::string, std::string> v1_mounts;  // controller -> mount dir
  std::string v2_mount;
  {
    std::ifstream mounts("/proc/self/mounts");
    std::string line;
    while (std::getline(mounts, line)) {
      std::istringstream in(line);
      std::string device, dir, type, options;
      in >> device >> dir >> type >> options;
      if (type == "cgroup") {
        for (const std::string& option : SplitBy(options, ',')) v1_mounts[option] = dir;
      } else if (type == "cgroup2" && v2_mount.empty()) {
        v2_mount = dir;
      }
    }
  }
  // Our own cgroup per hierarchy.
  std::map<std::string, std::string> own_paths;  // controller (or "" for v2) -> path
  {
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    while (std::getline(self, line)) {
      size_t first = line.find(':');
      size_t second = line.find(':', first + 1);
      if (first == std::string::npos || second == std::string::npos) continue;
      std::string controllers = line.substr(first + 1, second - first - 1);
      std::string path = line.substr(second + 1);
      if (controllers.empty()) {
        own_paths[""] = path;
      } else {
        for (const std::string& c : SplitBy(controllers, ',')) own_paths[c] = path;
      }
    }
  }

  bool any_v1 = false;
  for (const std::string& c : wanted) any_v1 = any_v1 || v1_mounts.count(c);
  if (any_v1) {
    for (const std::string& c : wanted) {
      if (!v1_mounts.count(c) || !own_paths.count(c)) {
        failures_[c] = "no cgroup v1 hierarchy with the " + c + " controller is mounted";
        continue;
      }
      SetUpParent(c, v1_mounts[c] + own_paths[c]);
    }
  } else if (!v2_mount.empty() && own_paths.count("")) {
    v2_ = true;
    std::string base = v2_mount + own_paths[""];
    std::string available;
    ReadSmallFile(base + "/cgroup.controllers", &available);
    std::istringstream in(available);
    std::vector<std::string> controllers{std::istream_iterator<std::string>(in), {}};
    for (std::string c : {"cpu", "memory", "cpuset"}) {
      if (std::find(controllers.begin(), controllers.end(), c) == controllers.end()) {
        failures_[c] =
            "the cgroup v2 controller " + std::string(c) + " is not available in " + base;
        continue;
      }
      // Children of our cgroup only get the controller when our cgroup delegates it.
      std::string error = WriteFile(base + "/cgroup.subtree_control", std::string("+") + c);
      if (!error.empty()) {
        failures_[c] = error;
        continue;
      }
      SetUpParent(c, base);
    }
    if (parents_.count("cpu")) parents_["cpuacct"] = parents_["cpu"];  // cpu.stat is always there
  } else {
    for (const std::string& c : wanted) failures_[c] = "no cgroup file system is mounted";
  }
  for (std::string c : {"cpu", "memory", "cpuset"}) {
    if (failures_.count(c)) notes_.push_back(c + " limit not enforced: " + failures_[c]);
  }
  if (prioritize_jobs_ && parents_.count("cpu")) MoveSelfToProfilerGroup();
}

void Cgroups::MoveSelfToProfilerGroup() {
  const std::string parent = parents_["cpu"];
  const std::string base = fs::path(parent).parent_path().string();
  const std::string group = parent + "/profiler";
  if (::mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) return;
  // Best effort, like the weight: without it only the timestamps' precision suffers.
  if (!WriteFile(group + "/cgroup.procs", std::to_string(::getpid())).empty()) {
    ::rmdir(group.c_str());
    return;
  }
  own_cpu_group_ = base;
  profiler_group_ = group;
}

void Cgroups::SetUpParent(const std::string& controller, const std::string& base) {
  std::string parent = base + "/" + kParentPrefix + std::to_string(::getpid());
  for (const auto& [other, dir] : parents_) {
    // Co-mounted controllers (v1 "cpu,cpuacct") share one directory.
    if (dir == parent) {
      parents_[controller] = dir;
      return;
    }
  }
  RemoveStaleParents(base);
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    failures_[controller] = "mkdir " + parent + ": " + std::strerror(errno);
    return;
  }
  if (controller == "cpuset") {
    std::string error;
    if (v2_) {
      error = WriteFile(parent + "/cgroup.subtree_control", "+cpuset");
    } else {
      // v1 cpuset groups start empty: give the parent what its own parent has.
      for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        std::string value;
        ReadSmallFile(base + "/" + file, &value);
        if (error.empty()) error = WriteFile(parent + "/" + file, value);
      }
    }
    if (!error.empty()) {
      ::rmdir(parent.c_str());
      failures_[controller] = error;
      return;
    }
  } else if (v2_) {
    std::string error = WriteFile(parent + "/cgroup.subtree_control", "+" + controller);
    if (!error.empty()) {
      ::rmdir(parent.c_str());
      failures_[controller] = error;
      return;
    }
  }
  if (controller == "cpu" && prioritize_jobs_) {
    // Best effort: without it the limits still hold, only contention can add to the times.
    WriteFile(parent + (v2_ ? "/cpu.weight" : "/cpu.shares"), v2_ ? "10000" : "262144");
  }
  parents_[controller] = parent;
}

Cgroups::~Cgroups() {
  if (!profiler_group_.empty()) {
    // Back where it came from before the groups (and anything still in them) are removed.
    WriteFile(own_cpu_group_ + "/cgroup.procs", std::to_string(::getpid()));
  }
  std::vector<std::string> removed;
  for (const auto& [controller, dir] : parents_) {
    if (std::find(removed.begin(), removed.end(), dir) != removed.end()) continue;
    RemoveTree(dir);
    removed.push_back(dir);
  }
}

std::unique_ptr<JobCgroup> Cgroups::CreateJob(const std::string& name, const JobLimits& limits) {
  std::unique_ptr<JobCgroup> job(new JobCgroup());
  job->v2_ = v2_;
  std::vector<std::string> problems;
  auto group = [&](const std::string& controller) -> std::string {
    auto it = parents_.find(controller);
    if (it == parents_.end()) return "";
    std::string dir = it->second + "/" + name;
    for (const auto& [other, existing] : job->dirs_) {
      if (existing == dir) {
        job->dirs_[controller] = dir;
        return dir;
      }
    }
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      problems.push_back(controller + ": mkdir " + dir + ": " + std::strerror(errno));
      return "";
    }
    job->dirs_[controller] = dir;
    job->procs_files_.push_back(dir + "/cgroup.procs");
    return dir;
  };
  auto not_enforced = [&](const std::string& what, const std::string& why) {
    problems.push_back(what + " limit not enforced: " + why);
  };

  // The cpu, cpuacct and memory groups always exist (for accounting); cpuset only when asked.
  std::string cpu_dir = group("cpu");
  group("cpuacct");
  std::string memory_dir = group("memory");
  if (limits.cpu > 0) {
    std::string dir = cpu_dir;
    if (dir.empty()) {
      not_enforced("cpu", failures_.count("cpu") ? failures_["cpu"] : "no cgroup");
    } else {
      long quota = std::max(1000L, std::lround(limits.cpu * kCfsPeriodUs));
      std::string error = v2_ ? WriteFile(dir + "/cpu.max", std::to_string(quota) + " " +
                                                                std::to_string(kCfsPeriodUs))
                              : WriteFile(dir + "/cpu.cfs_period_us", std::to_string(kCfsPeriodUs));
      if (error.empty() && !v2_)
        error = WriteFile(dir + "/cpu.cfs_quota_us", std::to_string(quota));
      // The kubelet's request weight: 1024 shares per core (v2: the same mapped to cpu.weight).
      long shares = std::clamp(std::lround(limits.cpu * 1024), 2L, 262144L);
      if (error.empty()) {
        WriteFile(dir + (v2_ ? "/cpu.weight" : "/cpu.shares"),
                  std::to_string(v2_ ? 1 + ((shares - 2) * 9999) / 262142 : shares));
      }
      if (!error.empty()) not_enforced("cpu", error);
    }
  }
  if (limits.memory_bytes > 0) {
    std::string dir = memory_dir;
    if (dir.empty()) {
      not_enforced("memory", failures_.count("memory") ? failures_["memory"] : "no cgroup");
    } else {
      std::string bytes = std::to_string(static_cast<long long>(limits.memory_bytes));
      std::string error = WriteFile(dir + (v2_ ? "/memory.max" : "/memory.limit_in_bytes"), bytes);
      if (!error.empty()) {
        not_enforced("memory", error);
      } else if (v2_) {
        WriteFile(dir + "/memory.swap.max", "0");   // absent without swap accounting: fine
        WriteFile(dir + "/memory.oom.group", "1");  // the whole job dies, as in Kubernetes
      } else if (fs::exists(dir + "/memory.memsw.limit_in_bytes")) {
        WriteFile(dir + "/memory.memsw.limit_in_bytes", bytes);
      }
    }
  }
  if (!limits.cpuset.empty()) {
    std::string dir = group("cpuset");
    if (dir.empty()) {
      not_enforced("cpuset", failures_.count("cpuset") ? failures_["cpuset"] : "no cgroup");
    } else {
      std::string error;
      if (!v2_) {
        std::string mems;
        ReadSmallFile(parents_["cpuset"] + "/cpuset.mems", &mems);
        error = WriteFile(dir + "/cpuset.mems", mems);
      }
      if (error.empty()) error = WriteFile(dir + "/cpuset.cpus", limits.cpuset);
      if (!error.empty()) not_enforced("cpuset", error);
    }
  }
  if (!problems.empty()) {
    job->limits_.clear();
    for (const std::string& p : problems) job->limits_ += (job->limits_.empty() ? "" : "; ") + p;
  }
  return job;
}

JobUsage JobCgroup::ReadUsage() const {
  JobUsage usage{std::nan(""), std::nan(""), false};
  auto dir = [&](const std::string& c) {
    auto it = dirs_.find(c);
    return it == dirs_.end() ? std::string() : it->second;
  };
  // cpu.stat has nr_periods and nr_throttled in both versions (v1: the cpu controller's group).
  if (!dir("cpu").empty()) {
    const double periods = ReadKeyed(dir("cpu") + "/cpu.stat", "nr_periods");
    const double throttled = ReadKeyed(dir("cpu") + "/cpu.stat", "nr_throttled");
    if (periods > 0 && throttled >= 0) usage.throttled_fraction = throttled / periods;
  }
  if (v2_) {
    if (!dir("cpu").empty())
      usage.cpu_time_s = ReadKeyed(dir("cpu") + "/cpu.stat", "usage_usec") / 1e6;
    if (!dir("memory").empty()) {
      usage.peak_memory_bytes = ReadNumber(dir("memory") + "/memory.peak");
      usage.oom_killed = ReadKeyed(dir("memory") + "/memory.events", "oom_kill") > 0;
    }
  } else {
    if (!dir("cpuacct").empty())
      usage.cpu_time_s = ReadNumber(dir("cpuacct") + "/cpuacct.usage") / 1e9;
    if (!dir("memory").empty()) {
      usage.peak_memory_bytes = ReadNumber(dir("memory") + "/memory.max_usage_in_bytes");
      usage.oom_killed = ReadKeyed(dir("memory") + "/memory.oom_control", "oom_kill") > 0;
    }
  }
  return usage;
}

void JobCgroup::KillAll() const {
  for (const auto& [controller, dir] : dirs_) {
    for (pid_t pid : ReadPids(dir)) ::kill(pid, SIGKILL);
  }
}

JobCgroup::~JobCgroup() {
  std::vector<std::string> removed;
  for (const auto& [controller, dir] : dirs_) {
    if (std::find(removed.begin(), removed.end(), dir) != removed.end()) continue;
    EmptyAndRemove(dir);
    removed.push_back(dir);
  }
}

}  // namespace twinprof::profile::local
