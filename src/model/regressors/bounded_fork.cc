#include "model/regressors/bounded_fork.h"

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

namespace twinprof::model::regressors {

namespace {

// Calls `step(data, size)` (a read, write or send of at most `size` bytes, returning how many it
// moved) until all `size` bytes have moved; false on end of file or error.
template <typename Byte, typename Step>
bool MoveAll(Byte* data, size_t size, Step step) {
  while (size > 0) {
    ssize_t n = step(data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Blocks until exactly `size` bytes are read.
bool ReadAll(int fd, char* data, size_t size) {
  return MoveAll(data, size, [fd](char* p, size_t n) { return read(fd, p, n); });
}

// To a socket, without SIGPIPE when the other end is gone.
bool SendAll(int fd, const char* data, size_t size) {
  return MoveAll(data, size,
                 [fd](const char* p, size_t n) { return send(fd, p, n, MSG_NOSIGNAL); });
}

// Closes every descriptor above stderr except `keep`.
void CloseAllBut(int keep) {
  if (keep > 3) close_range(3, static_cast<unsigned>(keep) - 1, 0);
  close_range(static_cast<unsigned>(keep) + 1, ~0u, 0);
}

// A forked child and our end of the socket pair it talks on.
struct Child {
  pid_t pid = -1;
  int channel = -1;
};

// Forks a child that closes every descriptor but its end of a new socket pair, then runs
// `body(that end)`, which must not return (it ends with _exit).
Child ForkWithChannel(const std::string& what, const std::function<void(int)>& body) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::runtime_error(what + ": socketpair failed: " + std::strerror(errno));
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
    body(fds[1]);
    _exit(1);
  }
  close(fds[1]);
  return Child{pid, fds[0]};
}

// BoundedWorker's child: answers requests on `fd` until it closes. A message on the channel,
// either way, is its size (a uint64_t), then its bytes. A failing `serve` sends nothing: the child
// exits.
[[noreturn]] void ServeForever(int fd,
                               const std::function<std::string(const std::string&)>& serve) {
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
  Child child = ForkWithChannel(what_, [this](int fd) { ServeForever(fd, serve_); });
  pid_ = child.pid;
  channel_ = child.channel;
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
  const Child child = ForkWithChannel(what, [&work](int fd) {
    int status = 1;
    try {
      std::string out = work();
      status = SendAll(fd, out.data(), out.size()) ? 0 : 1;
    } catch (...) {
      status = 3;
    }
    _exit(status);
  });
  const pid_t pid = child.pid;
  const int channel = child.channel;

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
    pollfd p{channel, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::ceil(std::min(left, 3600.0) * 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (ready == 0) continue;  // re-check the deadline
    ssize_t n = read(channel, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child finished writing
    received.append(buffer, static_cast<size_t>(n));
  }
  close(channel);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (timed_out) return run;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(what + ": the worker process failed (" + DescribeStatus(status) + ")");
  }
  run.result = std::move(received);
  return run;
}

}  // namespace twinprof::model::regressors
