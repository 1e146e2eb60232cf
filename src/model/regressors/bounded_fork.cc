#include "model/regressors/bounded_fork.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace twinprof {

namespace {

// Writes all of `data` to `fd`; false on error.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

BoundedRun RunBounded(const std::function<std::string()>& work, double limit_seconds,
                      const std::string& what) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(what + ": pipe failed: " + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(what + ": fork failed: " + std::strerror(err));
  }
  if (pid == 0) {
    close(fds[0]);
    int status = 1;
    try {
      std::string out = work();
      status = WriteAll(fds[1], out.data(), out.size()) ? 0 : 1;
    } catch (...) {
      status = 3;
    }
    _exit(status);
  }
  close(fds[1]);

  BoundedRun run;
  std::string received;
  bool timed_out = false;
  char buffer[1 << 16];
  for (;;) {
    double left = limit_seconds - std::chrono::duration<double>(Clock::now() - start).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::ceil(std::min(left, 3600.0) * 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (ready == 0) continue;  // re-check the deadline
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child finished writing
    received.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (timed_out) return run;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string reason = WIFSIGNALED(status)
                             ? "killed by signal " + std::to_string(WTERMSIG(status))
                             : "exit status " + std::to_string(WEXITSTATUS(status));
    throw std::runtime_error(what + ": the worker process failed (" + reason + ")");
  }
  run.result = std::move(received);
  return run;
}

}  // namespace twinprof
