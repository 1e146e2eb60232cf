// Line and column numbers for JSON documents (internal to src/workflow).
//
// nlohmann::json keeps no positions. A JsonLocator reads the text once more with nlohmann's SAX
// parser, counting characters, and remembers where every value starts; it does so on the first
// question only, so documents without complaints never pay for it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "core/error.h"

namespace twinprof::workflow::internal {

class JsonLocator {
 public:
  // `text` must outlive the locator. Only values at most `max_depth` reference tokens deep are
  // indexed (the index of a large document is large).
  JsonLocator(const std::string& text, std::string file, size_t max_depth = SIZE_MAX)
      : text_(text), file_(std::move(file)), max_depth_(max_depth) {}

  // Where the value at `pointer` starts (for an object member: its key), or the file alone when
  // there is no such value or it is too deep. The first call indexes the document (linear time).
  SourceLocation Where(const nlohmann::json::json_pointer& pointer);

 private:
  void Index();

  const std::string& text_;
  std::string file_;
  size_t max_depth_;
  bool indexed_ = false;
  std::unordered_map<std::string, std::pair<int, int>> where_;  // pointer -> (line, column)
};

// The 1-based line and column of byte `offset` (0-based) of `text`; columns count characters.
SourceLocation LocationOfOffset(const std::string& text, size_t offset, const std::string& file);

// One-off JsonLocator(text, file).Where(pointer).
SourceLocation LocateJson(const std::string& text, const nlohmann::json::json_pointer& pointer,
                          const std::string& file);

// Parses `text` as JSON. Throws InputError with the line and column of a syntax error, of a number
// too large for a double, or of a bracket nested more than `max_depth` levels deep.
nlohmann::json ParseJson(const std::string& text, const std::string& file, int max_depth = 200);

}  // namespace twinprof::workflow::internal
