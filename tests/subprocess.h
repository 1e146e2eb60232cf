// Runs the twinprof binary (or any command) in a child process and captures its output.
#pragma once

#include <string>
#include <vector>

namespace twinprof::test {

struct CommandResult {
  int exit_status = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is looked up in PATH unless it contains '/') with stdin closed, in the
// folder `working_dir` ("" = the current one).
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& working_dir = "");

// Runs the twinprof binary built with the tests (in `working_dir`, "" = the current folder).
CommandResult RunTwinprof(const std::vector<std::string>& args,
                          const std::string& working_dir = "");

}  // namespace twinprof::test
