// Line and column numbers for JSON documents (internal to src/workflow).
//
// nlohmann::json keeps no positions, so a located complaint about a value re-reads the text with
// nlohmann's SAX parser, counting characters, until it reaches the value. That costs a second
// parse only on the error path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

namespace twinprof::workflow_internal {

// The 1-based line and column of byte `offset` (0-based) of `text`.
SourceLocation LocationOfOffset(const std::string& text, size_t offset, const std::string& file);

// Where the value at `pointer` starts in `text` (for an object member: its key). Falls back to the
// file alone when the pointer is not found.
SourceLocation LocateJson(const std::string& text, const nlohmann::json::json_pointer& pointer,
                          const std::string& file);

// Parses `text` as JSON. Throws InputError with the line and column of a syntax error, or of a
// bracket nested more than `max_depth` levels deep.
nlohmann::json ParseJson(const std::string& text, const std::string& file, int max_depth = 200);

}  // namespace twinprof::workflow_internal
