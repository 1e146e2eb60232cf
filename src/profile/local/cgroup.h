// Container limits for local jobs, enforced the way Kubernetes enforces them: through Linux
// control groups.
//
// Cgroups finds the controllers (cgroup v1: one hierarchy per controller, as mounted under
// /sys/fs/cgroup/<controller>; cgroup v2: the unified hierarchy), and creates a parent group
// "twinprof-<pid>" under the cgroup twinprof itself runs in, for each controller. Each job gets a
// JobCgroup below that parent, removed when the job is done; the parent is removed by ~Cgroups.
// Groups left behind by a twinprof that was killed (its pid is gone) are emptied and removed the
// next time Cgroups is created under the same cgroup.
//
//   cpu      v1 cpu.cfs_quota_us / cpu.cfs_period_us     v2 cpu.max
//   memory   v1 memory.limit_in_bytes (+memsw)           v2 memory.max (+ memory.swap.max = 0)
//   cpuset   v1/v2 cpuset.cpus (+ cpuset.mems)
//   usage    v1 cpuacct.usage, memory.max_usage_in_bytes, memory.oom_control (oom_kill)
//            v2 cpu.stat usage_usec, memory.peak, memory.events (oom_kill)
//
// Nothing here throws for a cgroup that cannot be written: the limit is then not enforced, the
// reason lands in notes() (say it once) and in JobCgroup::limits() (record it per job).
#pragma once

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace twinprof::profile::local {

// The limits of one job; 0 / "" = none.
struct JobLimits {
  double cpu = 0;           // cores (cfs quota = cpu x period)
  double memory_bytes = 0;  // hard limit; the job is OOM-killed above it
  std::string cpuset;       // e.g. "0" or "0-1"
};

// What the cgroup saw a job use; NaN where it could not be read.
struct JobUsage {
  double cpu_time_s;
  double peak_memory_bytes;
  bool oom_killed = false;
  // nr_throttled / nr_periods of the job's cpu group: the share of its quota periods in which it
  // wanted more CPU than its limit. NaN without a quota (no periods) or without cpu.stat.
  double throttled_fraction = std::nan("");
};

class JobCgroup;

class Cgroups {
 public:
  // Finds the controllers (from /proc/self/mounts and /proc/self/cgroup) and creates the twinprof
  // parent groups. With `prioritize_jobs`, the parent gets the maximal CPU weight (v1 cpu.shares
  // 262144, v2 cpu.weight 10000), so that on a busy machine each job still gets the CPU its quota
  // allows, as a Guaranteed pod on a node of its own would; the quotas still cap the jobs. Each
  // job's weight is cpu x 1024 shares, as the kubelet sets it. twinprof itself then moves into
  // a group "profiler" below the parent (weight 1024, no quota) until ~Cgroups moves it back: its
  // timestamps (a job's end is when twinprof sees its process end) and the uploads it performs
  // would otherwise wait behind every busy process of the machine (measured: experiments/
  // BENCHMARKS.md, "Calibration").
  explicit Cgroups(bool prioritize_jobs = true);
  ~Cgroups();
  Cgroups(const Cgroups&) = delete;
  Cgroups& operator=(const Cgroups&) = delete;

  bool can_limit_cpu() const { return Usable("cpu"); }
  bool can_limit_memory() const { return Usable("memory"); }
  bool can_set_cpuset() const { return Usable("cpuset"); }
  bool is_v2() const { return v2_; }
  // One line per controller that cannot be used, with the reason ("cpu limit not enforced:
  // mkdir /sys/fs/cgroup/cpu/twinprof-12: Read-only file system").
  const std::vector<std::string>& notes() const { return notes_; }

  // Creates the group of one job (name must be unique among live jobs) with `limits`.
  std::unique_ptr<JobCgroup> CreateJob(const std::string& name, const JobLimits& limits);

 private:
  friend class JobCgroup;
  bool Usable(const std::string& controller) const { return parents_.count(controller) > 0; }
  void SetUpParent(const std::string& controller, const std::string& base);
  void MoveSelfToProfilerGroup();

  bool prioritize_jobs_ = true;
  // Where twinprof was before it moved into its "profiler" group ("" = it did not move).
  std::string own_cpu_group_;
  std::string profiler_group_;

  bool v2_ = false;
  // controller ("cpu", "cpuacct", "memory", "cpuset") -> its twinprof parent directory.
  std::map<std::string, std::string> parents_;
  std::map<std::string, std::string> failures_;  // controller -> why it is unusable
  std::vector<std::string> notes_;
};

// The cgroup of one job: created with its limits, joined by the job's process before exec, read
// when the job ends, then emptied (SIGKILL to anything left) and removed on destruction.
class JobCgroup {
 public:
  ~JobCgroup();
  JobCgroup(const JobCgroup&) = delete;
  JobCgroup& operator=(const JobCgroup&) = delete;

  // The cgroup.procs files the child writes "0" to (async-signal-safe join after fork).
  const std::vector<std::string>& procs_files() const { return procs_files_; }
  // "enforced", or what was not and why.
  const std::string& limits() const { return limits_; }

  JobUsage ReadUsage() const;
  // Sends SIGKILL to every process still in the group.
  void KillAll() const;

 private:
  friend class Cgroups;
  JobCgroup() = default;

  bool v2_ = false;
  std::map<std::string, std::string> dirs_;  // controller -> directory (shared when co-mounted)
  std::vector<std::string> procs_files_;
  std::string limits_ = "enforced";
};

}  // namespace twinprof::profile::local
