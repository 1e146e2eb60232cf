#include "core/relative_path.h"

#include <filesystem>

namespace twinprof {

std::string ResolveRelativeTo(const std::string& naming_file, const std::string& path) {
  namespace fs = std::filesystem;
  fs::path resolved(path);
  if (resolved.is_relative()) resolved = fs::path(naming_file).parent_path() / resolved;
  return resolved.lexically_normal().string();
}

}  // namespace twinprof
