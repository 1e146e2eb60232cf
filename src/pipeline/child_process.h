// Runs one twinprof subcommand of a pipeline step as a child process.
//
// Each step's commands run in their own process because SimGrid allows one engine per process
// and because a crash or an exit in a subcommand must not take the pipeline down. The child
// inherits standard output and error, so its progress shows as if it were run by hand.
//
// Signals: SIGINT and SIGTERM that reach the pipeline while a child runs are passed on to the
// child, which stops cleanly (profile keeps every committed job); the child also gets SIGTERM if
// the pipeline dies (prctl PR_SET_PDEATHSIG), so `kill -9` of `twinprof run` leaves no orphan.
#pragma once

#include <string>
#include <vector>

namespace twinprof::pipeline {

struct ChildResult {
  int exit_status = 0;       // the child's exit status, or 128 + signal when a signal ended it
  bool interrupted = false;  // SIGINT or SIGTERM reached the pipeline while the child ran
};

// The path of the running executable (/proc/self/exe), to run twinprof's own subcommands.
std::string SelfExecutable();

// Runs `program arguments...` and waits for it. Throws std::runtime_error when it cannot start.
ChildResult RunChild(const std::string& program, const std::vector<std::string>& arguments);

// The command as one shell-quoted line, for logs and commands.txt.
std::string QuoteCommand(const std::string& program, const std::vector<std::string>& arguments);

}  // namespace twinprof::pipeline
