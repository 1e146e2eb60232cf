// Paths written inside a file (a scenario's `platform:`, a behaviour's `model:`, a workflow's
// `script:`) mean a place relative to that file, so that a folder of files can be moved or run
// from anywhere. This is the one rule for turning them into paths to open.
#pragma once

#include <string>

namespace twinprof {

// `path` as written in the file `naming_file`: an absolute path as it is, a relative one taken
// from the folder that holds `naming_file`; lexically normal ("a/./b/../c" -> "a/c"). Touches no
// file system.
std::string ResolveRelativeTo(const std::string& naming_file, const std::string& path);

}  // namespace twinprof
