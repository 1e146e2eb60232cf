// Python literals as aMLLibrary's configuration files write them, parsed strictly into JSON.
//
// aMLLibrary reads each .ini value with Python's ast.literal_eval and keeps the raw text when that
// fails. We accept the same values but refuse the ones that only "worked" by accident:
//   lists [1, 2] and tuples (1, 2)  -> JSON arrays
//   dicts {'a': 1}                  -> JSON objects (keys must be strings or numbers; numbers are
//                                      written as their text)
//   'text' and "text" (with \\ \' \" \n \t escapes, adjacent strings joined) -> strings
//   42, -3, 1_000                   -> integers;  0.5, 1e-3, .5, -2.  -> floats
//   True, False, None               -> booleans and null
// A bare word (KFold, inf, [*]) that is not a literal is a string, as in aMLLibrary; anything that
// starts like a literal (a bracket, a quote, a digit) but does not parse is an error.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/error.h"

namespace twinprof::model {

// Parses one literal that must fill `text` (surrounding blanks allowed). Throws InputError at
// `where` (its line; the column is set to the offending character when `where.column` > 0 is the
// column of text[0]) with `what` (e.g. "[General] techniques") in the message.
nlohmann::json ParsePythonLiteral(std::string_view text, const SourceLocation& where,
                                  std::string_view what);

// An .ini value: a literal, or a bare word kept as a string (aMLLibrary's fallback).
nlohmann::json ParseIniValue(std::string_view text, const SourceLocation& where,
                             std::string_view what);

}  // namespace twinprof::model
