#include "sim/process_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <vector>

namespace twinprof::sim {

namespace {

// The child's first byte on the pipe says how the task ended; the rest is its output or message.
constexpr char kSucceeded = 'k';
constexpr char kFailed = 'f';

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // the parent is gone or the pipe broke: nothing left to tell
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
}

// The child's whole life: run the task, send its outcome, exit (never returns).
[[noreturn]] void RunChild(const std::function<std::string(size_t)>& task, size_t index, int fd) {
  std::string message;
  char status = kSucceeded;
  try {
    message = task(index);
  } catch (const std::exception& e) {
    status = kFailed;
    message = e.what();
  } catch (...) {
    status = kFailed;
    message = "unknown exception";
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  WriteAll(fd, &status, 1);
  WriteAll(fd, message.data(), message.size());
  close(fd);
  _exit(0);  // no atexit handlers, no destructors of the parent's copied objects
}

struct Running {
  pid_t pid = -1;
  int fd = -1;
  size_t index = 0;
  std::string received;
};

ChildOutcome Outcome(const Running& child, int wait_status) {
  ChildOutcome outcome;
  if (WIFSIGNALED(wait_status)) {
    outcome.failure = "killed by signal " + std::to_string(WTERMSIG(wait_status));
  } else if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    outcome.failure = "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  } else if (child.received.empty()) {
    outcome.failure = "ended without a result";
  } else if (child.received[0] == kSucceeded) {
    outcome.ok = true;
    outcome.output = child.received.substr(1);
  } else {
    outcome.failure = child.received.substr(1);
  }
  return outcome;
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return status;
}

// Kills and reaps every child still running (on an error in the caller).
void KillAll(std::vector<Running>& running) {
  for (Running& child : running) {
    kill(child.pid, SIGKILL);
    close(child.fd);
    Reap(child.pid);
  }
  running.clear();
}

}  // namespace

void RunInChildProcesses(size_t count, int parallel, const std::function<std::string(size_t)>& task,
                         const std::function<void(size_t, ChildOutcome)>& on_done) {
  if (parallel < 1) throw std::invalid_argument("RunInChildProcesses: parallel must be >= 1");
  std::vector<Running> running;
  size_t next = 0;
  try {
    while (next < count || !running.empty()) {
      while (next < count && static_cast<int>(running.size()) < parallel) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
          throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
        }
        // Unwritten buffers would be written twice: once by the child, once by us.
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        pid_t pid = fork();
        if (pid < 0) {
          int error = errno;
          close(fds[0]);
          close(fds[1]);
          throw std::runtime_error(std::string("fork failed: ") + std::strerror(error));
        }
        if (pid == 0) {
          close(fds[0]);
          RunChild(task, next, fds[1]);
        }
        close(fds[1]);
        running.push_back({pid, fds[0], next, {}});
        ++next;
      }

      std::vector<pollfd> polled;
      for (const Running& child : running) polled.push_back({child.fd, POLLIN, 0});
      if (poll(polled.data(), polled.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("poll failed: ") + std::strerror(errno));
      }
      // Read what is there; a child whose pipe reached end of file has ended (or is ending).
      std::vector<Running> finished;
      for (size_t i = 0; i < polled.size(); ++i) {
        if (polled[i].revents == 0) continue;
        Running& child = running[i];
        char buffer[65536];
        ssize_t got = read(child.fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got > 0) {
          child.received.append(buffer, static_cast<size_t>(got));
          continue;
        }
        close(child.fd);
        child.fd = -1;
      }
      for (size_t i = 0; i < running.size();) {
        if (running[i].fd >= 0) {
          ++i;
          continue;
        }
        finished.push_back(std::move(running[i]));
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      }
      // Reap every ended child before telling the caller, who may throw.
      std::vector<std::pair<size_t, ChildOutcome>> outcomes;
      for (Running& child : finished)
        outcomes.emplace_back(child.index, Outcome(child, Reap(child.pid)));
      for (auto& [index, outcome] : outcomes) on_done(index, std::move(outcome));
    }
  } catch (...) {
    KillAll(running);
    throw;
  }
}

}  // namespace twinprof::sim
