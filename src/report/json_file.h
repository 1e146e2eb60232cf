// Reading the JSON files other commands write (summary.json, validate.json, ...): a syntax error
// or a missing or mistyped field is an InputError naming the file (and the line of a syntax
// error) and the field's path, never an exception from deep inside nlohmann::json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace twinprof::report {

// Parses the file at `path`. Throws InputError (FILE:LINE:COL) for unreadable or malformed JSON.
nlohmann::json ReadJsonFile(const std::string& path);

// `object[key]`, which must exist and be of `type` ("number", "string", "object", "array",
// "boolean"); `where` names it in the message ("summary.json: runs[2].makespan_s").
const nlohmann::json& RequireField(const nlohmann::json& object, const std::string& key,
                                   const std::string& type, const std::string& path,
                                   const std::string& where);

}  // namespace twinprof::report
