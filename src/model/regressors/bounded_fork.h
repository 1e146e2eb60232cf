// Runs a computation in a forked child process under a wall-clock limit and returns the bytes it
// produced. Used to bound libsvm training, which has no iteration or time limit of its own
// (libsvm 3.24): a killed child cannot leave locks or half-built state behind in our process.
//
// `work` runs in the child; it must only compute and return its result (the child exits right
// after writing it, without running destructors of the parent's objects or atexit handlers).
// glibc's malloc is safe to use in a child forked from a multithreaded process; other locks taken
// by other threads at fork time are not, so `work` must not use them (no iostreams, no logging).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace twinprof {

struct BoundedRun {
  std::optional<std::string> result;  // nullopt when the limit was hit (the child was killed)
  double seconds = 0.0;               // wall time spent
};

// Runs `work` in a child for at most `limit_seconds` (> 0). Throws std::runtime_error when fork
// or pipe fails, or when the child dies without finishing (a crash, an exception), with `what`
// and the reason in the message.
BoundedRun RunBounded(const std::function<std::string()>& work, double limit_seconds,
                      const std::string& what);

}  // namespace twinprof
