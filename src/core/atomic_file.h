// Writing a whole file so that readers (and a resumed run) see either the old file or the new one,
// never half of the new one: it is written beside its path, then renamed onto it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace twinprof {

// Writes `text` to `path`: first to a temporary file beside it (PATH.tmp<pid>, in the same folder
// so the rename cannot cross file systems; the process id keeps two processes writing one path
// apart), which is then renamed onto `path`. The folder must exist. On failure the temporary is
// removed, `path` is left as it was, and an InputError located at `path` says why (an output
// path is a flag or a file the user named).
void WriteFileAtomically(const std::string& path, std::string_view text);

// The same for a file another program writes (a command that generates an input): `produce` is
// given a temporary path beside `path`, DIR/.partial-NAME — in the same folder, and ending as
// `path` does, so a program that picks the format by the extension (ffmpeg) writes the same one —
// and must create the file there; it is then renamed onto `path`. The temporary's name is the
// same every time, so a temporary left by a killed attempt is removed first (and only one process
// may produce `path` at a time). When `produce` throws, the temporary is removed and the exception
// goes on; when the rename fails, the temporary is removed, `path` is left as it was, and an
// InputError located at `path` says why.
void ProduceFileAtomically(const std::string& path,
                           const std::function<void(const std::string& temporary)>& produce);

}  // namespace twinprof
