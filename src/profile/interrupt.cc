#include "profile/interrupt.h"

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace twinprof::profile {
namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatch::InterruptWatch() {
  sigset_t watched = WatchedSignals();
  ::pthread_sigmask(SIG_BLOCK, &watched, &previous_mask_);
  fd_ = ::signalfd(-1, &watched, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) {
    int saved = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
    throw std::runtime_error(std::string("signalfd: ") + std::strerror(saved));
  }
}

InterruptWatch::~InterruptWatch() {
  Poll();
  while (true) {  // signals that came after the first: handled, not to be delivered on unblock
    signalfd_siginfo info;
    if (::read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) break;
  }
  ::close(fd_);
  ::pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

int InterruptWatch::Poll() {
  if (signal_ != 0) return signal_;
  signalfd_siginfo info;
  ssize_t n;
  do {
    n = ::read(fd_, &info, sizeof info);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof info)) signal_ = static_cast<int>(info.ssi_signo);
  return signal_;
}

Interrupted::Interrupted(int signal)
    : std::runtime_error("interrupted by " + SignalName(signal)), signal_(signal) {}

std::string SignalName(int signal) {
  const char* name = ::sigabbrev_np(signal);
  return name ? std::string("SIG") + name : "signal " + std::to_string(signal);
}

}  // namespace twinprof::profile
