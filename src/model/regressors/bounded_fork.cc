#include "model/regressors/bounded_fork.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
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

// Reads exactly `size` bytes from `fd` (blocking); false on EOF or error.
bool ReadAll(int fd, char* data, size_t size) {
  while (size > 0) {
    ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Writes all of `data` to socket `fd` without SIGPIPE when the other end is gone.
bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Closes every descriptor above stderr except `keep`.
void CloseAllBut(int keep) {
  if (keep > 3) close_range(3, static_cast<unsigned>(keep) - 1, 0);
  close_range(static_cast<unsigned>(keep) + 1, ~0u, 0);
}

// A message on the channel, either way: its size (a uint64_t), then its bytes. A failing `serve`
// sends nothing: the child exits.

[[noreturn]] void ServeForever(int fd,
                               const std::function<std::string(const std::string&)>& serve) {
  CloseAllBut(fd);
  for (;;) {
    uint64_t size = 0;
    if (!ReadAll(fd, reinterpret_cast<char*>(&size), sizeof size)) _exit(0);  // closed: done
    std::string request(size, '\0');
    if (!ReadAll(fd, request.data(), size)) _exit(1);
    std::string reply;
    try {
      reply = serve(request);
    } catch (...) {
      _exit(3);
    }
    const uint64_t reply_size = reply.size();
    if (!SendAll(fd, reinterpret_cast<const char*>(&reply_size), sizeof reply_size) ||
        !SendAll(fd, reply.data(), reply.size())) {
      _exit(1);
    }
  }
}

std::string DescribeStatus(int status) {
  return WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                             : "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

BoundedWorker::BoundedWorker(std::function<std::string(const std::string&)> serve, std::string what)
    : serve_(std::move(serve)), what_(std::move(what)) {}

BoundedWorker::~BoundedWorker() {
  if (pid_ >= 0) Stop(false);
}

void BoundedWorker::Start() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::runtime_error(what_ + ": socketpair failed: " + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(what_ + ": fork failed: " + std::strerror(err));
  }
  if (pid == 0) ServeForever(fds[1], serve_);
  close(fds[1]);
  pid_ = pid;
  channel_ = fds[0];
}

int BoundedWorker::Stop(bool kill_child) {
  close(channel_);
  channel_ = -1;
  if (kill_child) kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

BoundedRun BoundedWorker::Run(const std::string& request, double limit_seconds) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  if (pid_ < 0) Start();
  const uint64_t size = request.size();
  auto fail = [&](const std::string& how) {
    const int status = Stop(true);
    throw std::runtime_error(what_ + ": the worker process failed (" + how + "; " +
                             DescribeStatus(status) + ")");
  };
  if (!SendAll(channel_, reinterpret_cast<const char*>(&size), sizeof size) ||
      !SendAll(channel_, request.data(), request.size())) {
    fail("sending the request");
  }
  // The reply: its size, then its bytes, read as they come until the deadline.
  std::string received;
  size_t wanted = sizeof(uint64_t);
  bool have_size = false;
  char buffer[1 << 16];
  BoundedRun run;
  for (;;) {
    if (have_size && received.size() == wanted) break;
    double left = limit_seconds - std::chrono::duration<double>(Clock::now() - start).count();
    if (left <= 0) {
      Stop(true);
      run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return run;
    }
    pollfd p{channel_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::ceil(std::min(left, 3600.0) * 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) fail("waiting for the reply");
    if (ready == 0) continue;  // re-check the deadline
    const size_t room = std::min(sizeof buffer, wanted - received.size());
    ssize_t n = read(channel_, buffer, room);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("no reply");
    received.append(buffer, static_cast<size_t>(n));
    if (!have_size && received.size() == sizeof(uint64_t)) {
      uint64_t reply_size = 0;
      std::memcpy(&reply_size, received.data(), sizeof reply_size);
      have_size = true;
      received.clear();
      wanted = reply_size;
    }
  }
  run.result = std::move(received);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

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
    CloseAllBut(fds[1]);
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
