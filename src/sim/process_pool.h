// RunInChildProcesses: many tasks, each in its own forked child process, a bounded number at a
// time. It is how twinprof runs many SimGrid simulations (`simulate --sweep`, `explore`): SimGrid
// allows one Engine per process, and separate processes also spread the runs over the cores.
//
// A task runs in the child, after fork(), with a copy of the caller's memory; what it returns
// reaches the caller through a pipe (any size: the caller reads while children run). The caller
// learns each outcome as the child ends, in the order children end, which depends on timing:
// callers that need reproducible output store outcomes by index and use them in index order.
//
// Usage:
//   RunInChildProcesses(runs.size(), /*parallel=*/4,
//       [&](size_t i) { return Simulate(runs[i]); },           // in the child
//       [&](size_t i, ChildOutcome outcome) { ... });          // in the caller
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace twinprof::sim {

struct ChildOutcome {
  bool ok = false;
  std::string output;   // what the task returned (when ok)
  std::string failure;  // why not (when !ok): the task's exception message, "killed by signal 9"
};

// Runs task(i) for every i in [0, count), each in a child process forked from the caller, at most
// `parallel` (>= 1) at a time, started in index order. A task that throws fails with the
// exception's message; a child that dies (a signal, an exit of its own) fails with that. Output
// the task writes to stdout or stderr goes to the caller's.
//
// on_done(i, outcome) runs in the caller as each child ends. If it throws, the children still
// running are killed (SIGKILL) and reaped, and the exception propagates. Throws
// std::runtime_error when pipe() or fork() fail (after reaping the children already started).
// The caller must be single-threaded (fork copies only the calling thread).
void RunInChildProcesses(size_t count, int parallel, const std::function<std::string(size_t)>& task,
                         const std::function<void(size_t, ChildOutcome)>& on_done);

}  // namespace twinprof::sim
