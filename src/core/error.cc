#include "core/error.h"

namespace twinprof {

std::string SourceLocation::ToString() const {
  std::string out = file.empty() ? "twinprof" : file;
  if (line > 0) {
    // Appended piece by piece: `":" + std::to_string(n)` trips GCC 12's -Wrestrict false
    // positive at -O3 (a Release build).
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  return out;
}

namespace {
std::string Format(const SourceLocation& where, const std::string& message) {
  return where.ToString() + ": error: " + message;
}
}  // namespace

InputError::InputError(SourceLocation where, const std::string& message)
    : std::runtime_error(Format(where, message)), where_(std::move(where)), message_(message) {}

std::string Warning::ToString() const { return where.ToString() + ": warning: " + message; }

}  // namespace twinprof
