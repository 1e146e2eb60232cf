// A JobProcess is one running job script: a child process in its own process group (so that a
// timeout kills the script and everything it started), inside the job's cgroups from before exec
// (so the limits hold from the first instruction), with stdin from /dev/null and stdout/stderr
// to files. A pidfd lets the caller poll() for its end together with other jobs.
//
// The script runs as OSCAR's supervisor runs it: with `/bin/sh SCRIPT`, unless it starts with
// "#!" and is executable, in which case it is executed directly.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace twinprof::profile::local {

struct ProcessSpec {
  std::string script;
  std::string working_dir;
  std::vector<std::string> environment;  // the complete environment, "NAME=VALUE"
  std::string stdout_path;
  std::string stderr_path;                      // may equal stdout_path: one log of both
  std::vector<std::string> cgroup_procs_files;  // joined by the child before exec
};

// How a process ended.
struct ProcessExit {
  bool exited = false;  // normal exit: see code; otherwise killed by `signal`
  int code = 0;
  int signal = 0;
  double cpu_time_s = 0;  // user + system time of the process and its waited-for children
};

class JobProcess {
 public:
  // Forks and execs; throws std::runtime_error when fork or pidfd_open fail. A failing exec
  // shows up as exit code 127 with the reason in the stderr file.
  explicit JobProcess(const ProcessSpec& spec);
  // Kills the group and reaps the child when still running.
  ~JobProcess();
  JobProcess(const JobProcess&) = delete;
  JobProcess& operator=(const JobProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Readable (POLLIN) once the process has ended.
  int pidfd() const { return pidfd_; }
  // SIGKILL to the whole process group.
  void KillGroup() const;
  // Reaps the process (blocks until it ends). Call once.
  ProcessExit Wait();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
};

// The last `max_bytes` of a file, starting at a line boundary when possible.
std::string ReadTail(const std::string& path, size_t max_bytes);

}  // namespace twinprof::profile::local
