// Runs a computation in a forked child process under a wall-clock limit and returns the bytes it
// produced: once (RunBounded), or request after request in one child (BoundedWorker). Used to bound
// libsvm training, which has no iteration or time limit of its own (libsvm 3.24): a killed child
// cannot leave locks or half-built state behind in our process.
//
// `work` runs in the child; it must only compute and return its result (the child exits right
// after writing it, without running destructors of the parent's objects or atexit handlers).
// glibc's malloc is safe to use in a child forked from a multithreaded process; other locks taken
// by other threads at fork time are not, so `work` must not use them (no iostreams, no logging).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace twinprof::model::regressors {

struct BoundedRun {
  std::optional<std::string> result;  // nullopt when the limit was hit (the child was killed)
  double seconds = 0.0;               // wall time spent
};

// Runs `work` in a child for at most `limit_seconds` (> 0). Throws std::runtime_error when fork
// or the socket pair fails, or when the child dies without finishing (a crash, an exception), with
// `what` and the reason in the message.
BoundedRun RunBounded(const std::function<std::string()>& work, double limit_seconds,
                      const std::string& what);

// A child process that answers requests one at a time, each under a wall-clock limit: RunBounded
// without a fork per computation. A fork costs far more than copying page tables: afterwards
// every page either process writes faults once, in the child and in all of our threads; on the
// SVR grid of the stereomatch benchmark, one fork per libsvm training made up a tenth of the
// wall time. So the fits that share one prepared problem (an SVR kernel matrix trained at
// several C) share one child.
//
// The child is forked by the first Run() (it sees our memory as it is then, and only that) and
// lives until the worker is destroyed, or until a request is cut at its limit or fails (the child
// is killed or exits; the next Run() forks a new one). `serve` runs in the child, under the same
// rules as RunBounded's `work`. The child closes every file descriptor but its own channel, so
// children forked by other threads never keep it open. Not safe for concurrent use.
class BoundedWorker {
 public:
  BoundedWorker(std::function<std::string(const std::string&)> serve, std::string what);
  ~BoundedWorker();  // the child, idle, sees its channel close and exits
  BoundedWorker(const BoundedWorker&) = delete;
  BoundedWorker& operator=(const BoundedWorker&) = delete;

  // serve(request) in the child, within `limit_seconds` (> 0) of this call. Throws
  // std::runtime_error (naming `what`) when fork or the channel fails, or when the child dies
  // without answering (a crash, or an exception out of `serve`).
  BoundedRun Run(const std::string& request, double limit_seconds);

 private:
  void Start();
  // Ends the child: closes the channel, kills it first when `kill_child`, and reaps it. Returns
  // its wait status.
  int Stop(bool kill_child);

  std::function<std::string(const std::string&)> serve_;
  std::string what_;
  int pid_ = -1;      // the child, or -1
  int channel_ = -1;  // our end of the socket pair
};

}  // namespace twinprof::model::regressors
