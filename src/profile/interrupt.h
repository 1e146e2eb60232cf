// InterruptWatch turns Ctrl-C (SIGINT) and SIGTERM into an event a campaign can act on: while a
// watch lives, these signals no longer end twinprof; they are blocked in the thread that created
// the watch (and in threads it starts afterwards) and wait in a signalfd. The local backend polls
// fd() beside its jobs' pidfds, stops its jobs (their process groups and cgroups) and throws
// Interrupted; the profiler then ends the campaign cleanly: every committed job kept, the run
// that was interrupted left unfinished for --resume.
//
//   InterruptWatch watch;      // before any thread is started
//   ... poll(watch.fd()) ...; if (int signal = watch.Poll()) stop;
//
// Children started while a watch lives must unblock the signals before exec (JobProcess does).
// Only one watch may live at a time (the signal mask is per thread, the disposition per process).
#pragma once

#include <signal.h>

#include <stdexcept>
#include <string>

namespace twinprof::profile {

class InterruptWatch {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread and opens a signalfd for them; throws
  // std::runtime_error when the signalfd cannot be created.
  InterruptWatch();
  // Discards the signals it received and restores the thread's previous signal mask.
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // Readable (POLLIN) while a signal waits; Poll() consumes it.
  int fd() const { return fd_; }
  // The first signal received so far (SIGINT or SIGTERM), 0 if none. Never blocks.
  int Poll();

 private:
  int fd_ = -1;
  int signal_ = 0;
  sigset_t previous_mask_;
};

// Thrown by a backend's Run() when an InterruptWatch fired: the run's jobs were stopped and not
// reported, so the run stays unfinished in the store (rerun by --resume).
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

// "SIGINT", "SIGTERM", ...
std::string SignalName(int signal);

}  // namespace twinprof::profile
