#include "report/json_file.h"

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace twinprof::report {

namespace {

bool HasType(const nlohmann::json& value, const std::string& type) {
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "boolean") return value.is_boolean();
  return false;
}

}  // namespace

nlohmann::json ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLocation{path}, "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  try {
    return nlohmann::json::parse(content);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte where parsing stopped. Turn it into a line and column.
    int line = 1, column = 1;
    for (size_t i = 0; i + 1 < e.byte && i < content.size(); ++i) {
      if (content[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string message = e.what();
    size_t detail = message.find("syntax error");
    throw InputError(
        SourceLocation{path, line, column},
        "not valid JSON: " + (detail == std::string::npos ? message : message.substr(detail)));
  }
}

const nlohmann::json& RequireField(const nlohmann::json& object, const std::string& key,
                                   const std::string& type, const std::string& path,
                                   const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw InputError(SourceLocation{path}, where + "." + key + ": missing");
  }
  const nlohmann::json& value = object.at(key);
  if (!HasType(value, type)) {
    throw InputError(SourceLocation{path},
                     where + "." + key + ": expected a " + type + ", found " + value.type_name());
  }
  return value;
}

}  // namespace twinprof::report
