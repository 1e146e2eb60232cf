#include "profile/local/job_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace twinprof::profile::local {
namespace {

bool RunsDirectly(const std::string& script) {
  if (::access(script.c_str(), X_OK) != 0) return false;
  std::ifstream in(script, std::ios::binary);
  char magic[2] = {0, 0};
  in.read(magic, 2);
  return magic[0] == '#' && magic[1] == '!';
}

// Async-signal-safe write of a C string.
void WriteAll(int fd, const char* text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t n = ::write(fd, text, length);
    if (n <= 0) return;
    text += n;
    length -= static_cast<size_t>(n);
  }
}

[[noreturn]] void ChildFail(const char* what) {
  int saved = errno;
  WriteAll(2, "twinprof: ");
  WriteAll(2, what);
  WriteAll(2, ": ");
  WriteAll(2, std::strerror(saved));
  WriteAll(2, "\n");
  ::_exit(127);
}

}  // namespace

JobProcess::JobProcess(const ProcessSpec& spec) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args;
  if (RunsDirectly(spec.script)) {
    args = {spec.script};
  } else {
    args = {"/bin/sh", spec.script};
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment = spec.environment;
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // The profiler may block SIGINT and SIGTERM (interrupt.h); the job must not inherit that.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the profiler died between fork and prctl
    int out = ::open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    int err = spec.stderr_path == spec.stdout_path
                  ? ::dup(out)
                  : ::open(spec.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    for (const std::string& procs : spec.cgroup_procs_files) {
      int fd = ::open(procs.c_str(), O_WRONLY);
      if (fd < 0 || ::write(fd, "0", 1) != 1) ChildFail("cannot join the job's cgroup");
      ::close(fd);
    }
    if (::chdir(spec.working_dir.c_str()) != 0) ChildFail("chdir");
    ::execve(argv[0], argv.data(), envp.data());
    ChildFail("exec");
  }
  // Also from the parent, so that KillGroup works even before the child ran setpgid.
  ::setpgid(pid_, pid_);
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) {
    int saved = errno;
    KillGroup();
    Wait();
    throw std::runtime_error(std::string("pidfd_open: ") + std::strerror(saved));
  }
}

JobProcess::~JobProcess() {
  if (!reaped_ && pid_ > 0) {
    KillGroup();
    Wait();
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

void JobProcess::KillGroup() const {
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

ProcessExit JobProcess::Wait() {
  ProcessExit result;
  int status = 0;
  struct rusage usage {};
  pid_t waited;
  do {
    waited = ::wait4(pid_, &status, 0, &usage);
  } while (waited < 0 && errno == EINTR);
  reaped_ = true;
  if (waited < 0) {
    result.code = 127;
    result.exited = true;
    return result;
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  result.cpu_time_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                      usage.ru_stime.tv_usec / 1e6;
  return result;
}

std::string ReadTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                             ? size - static_cast<std::streamoff>(max_bytes)
                             : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {
    size_t newline = text.find('\n');
    if (newline != std::string::npos && newline + 1 < text.size()) text = text.substr(newline + 1);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace twinprof::profile::local
