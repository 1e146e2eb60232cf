// Writing a whole file so that readers (and a resumed run) see either the old file or the new one,
// never half of the new one.
#pragma once

#include <string>
#include <string_view>

namespace twinprof {

// Writes `text` to `path`: first to a temporary file beside it (PATH.tmp<pid>, in the same folder
// so the rename cannot cross file systems; the process id keeps two processes writing one path
// apart), which is then renamed onto `path`. The folder must exist. On failure the temporary is
// removed, `path` is left as it was, and an InputError located at `path` says why (an output
// path is a flag or a file the user named).
void WriteFileAtomically(const std::string& path, std::string_view text);

}  // namespace twinprof
