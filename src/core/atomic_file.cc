#include "core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace twinprof {

void WriteFileAtomically(const std::string& path, std::string_view text) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  auto fail = [&](const std::string& why) {
    std::remove(temporary.c_str());
    throw InputError(SourceLocation{path}, "cannot write this file: " + why);
  };
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot create " + temporary + ": " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) fail("error while writing " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    fail("cannot rename " + temporary + " onto it: " + std::strerror(errno));
  }
}

}  // namespace twinprof
