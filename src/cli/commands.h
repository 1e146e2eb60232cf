// The subcommands of `twinprof`, one file each (<name>_command.cc). Each Add*Command registers
// its options and a callback on `app`; callbacks throw InputError for bad input (exit 2) and
// anything else for internal errors (exit 1).
#pragma once

#include <CLI/CLI.hpp>

namespace twinprof::cli {

// Options shared by every subcommand.
struct GlobalOptions {
  bool verbose = false;  // full reports instead of brief ones
};

void AddSimulateCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace twinprof::cli
