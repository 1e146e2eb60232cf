#include "core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace twinprof {

namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& temporary,
                       const std::string& why) {
  std::remove(temporary.c_str());
  throw InputError(SourceLocation{path}, "cannot write this file: " + why);
}

// Renames `temporary` onto `path`; when that fails, removes `temporary` and throws.
void RenameOnto(const std::string& temporary, const std::string& path) {
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    Fail(path, temporary, "cannot rename " + temporary + " onto it: " + std::strerror(errno));
  }
}

}  // namespace

void WriteFileAtomically(const std::string& path, std::string_view text) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) Fail(path, temporary, "cannot create " + temporary + ": " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) Fail(path, temporary, "error while writing " + temporary);
  }
  RenameOnto(temporary, path);
}

void ProduceFileAtomically(const std::string& path,
                           const std::function<void(const std::string& temporary)>& produce) {
  const std::filesystem::path target(path);
  const std::string temporary =
      (target.parent_path() / (".partial-" + target.filename().string())).string();
  std::remove(temporary.c_str());
  try {
    produce(temporary);
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  RenameOnto(temporary, path);
}

}  // namespace twinprof
