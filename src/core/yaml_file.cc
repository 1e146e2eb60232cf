#include "core/yaml_file.h"

#include <yaml-cpp/depthguard.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/units.h"

namespace twinprof {

std::string ReadTextFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError(SourceLocation{path}, "is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(SourceLocation{path},
                     std::string("cannot read file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(SourceLocation{path}, "error while reading file");
  return buffer.str();
}

void CheckIsText(const std::string& text, const std::string& name) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool ok = length > 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    }
    if (!ok || c == 0) {
      throw InputError(SourceLocation{name, line, column},
                       "not a text file (binary data or invalid UTF-8 here)");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
}

YamlFile YamlFile::Load(const std::string& path) { return Parse(ReadTextFile(path), path); }

YamlFile YamlFile::Parse(const std::string& text, const std::string& name) {
  CheckIsText(text, name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(SourceLocation{name, e.mark.line + 1, e.mark.column + 1},
                     "YAML nested too deeply");
  } catch (const YAML::Exception& e) {
    SourceLocation where{name};
    if (!e.mark.is_null()) where = SourceLocation{name, e.mark.line + 1, e.mark.column + 1};
    throw InputError(where, "YAML syntax error: " + e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) {
    throw InputError(SourceLocation{name, 1, 1}, "empty file: expected a YAML document");
  }
  return YamlFile(name, root);
}

SourceLocation YamlFile::Where(const YAML::Node& node) const {
  if (!node.IsDefined()) return SourceLocation{path_};
  for (const auto& [from, origin] : origins_) {
    if (node.is(from)) return SourceLocation{origin};
  }
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceLocation{path_};
  return SourceLocation{path_, mark.line + 1, mark.column + 1};
}

void YamlFile::SetOrigin(const YAML::Node& node, const std::string& origin) {
  origins_.emplace_back(node, origin);
  if (node.IsMap()) {
    for (const auto& entry : node) {
      SetOrigin(entry.first, origin);
      SetOrigin(entry.second, origin);
    }
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) SetOrigin(item, origin);
  }
}

void YamlFile::Fail(const YAML::Node& node, const std::string& message) const {
  throw InputError(Where(node), message);
}

void YamlFile::ExpectMap(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a map (key: value)");
}

void YamlFile::ExpectSequence(const YAML::Node& node, std::string_view what) const {
  if (!node.IsSequence()) Fail(node, std::string(what) + " must be a list");
}

void YamlFile::ExpectScalar(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) Fail(node, std::string(what) + " must be a single value");
}

YAML::Node YamlFile::Required(const YAML::Node& map, std::string_view key) const {
  ExpectMap(map, "this section");
  YAML::Node value = map[std::string(key)];
  if (!value.IsDefined() || value.IsNull()) {
    Fail(map, "missing field '" + std::string(key) + "'");
  }
  return value;
}

YAML::Node YamlFile::Optional(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return map[std::string(key)];
}

std::string YamlFile::String(const YAML::Node& node, std::string_view what) const {
  ExpectScalar(node, what);
  return node.Scalar();
}

double YamlFile::Number(const YAML::Node& node, std::string_view what) const {
  std::string text = String(node, what);
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) ||
      errno == ERANGE) {
    Fail(node, std::string(what) + ": '" + text + "' is not a finite number");
  }
  return value;
}

int64_t YamlFile::Integer(const YAML::Node& node, std::string_view what, int64_t min,
                          int64_t max) const {
  std::string text = String(node, what);
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
    Fail(node, std::string(what) + ": '" + text + "' is not an integer");
  }
  if (value < min || value > max) {
    Fail(node, std::string(what) + ": " + text + " is out of range [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
  }
  return value;
}

bool YamlFile::Bool(const YAML::Node& node, std::string_view what) const {
  std::string text = String(node, what);
  if (text == "true" || text == "True" || text == "yes") return true;
  if (text == "false" || text == "False" || text == "no") return false;
  Fail(node, std::string(what) + ": '" + text + "' is not true or false");
}

namespace {
template <typename ParseFn>
double Quantity(const YamlFile& file, const YAML::Node& node, std::string_view what,
                ParseFn parse) {
  std::string text = file.String(node, what);
  try {
    return parse(text);
  } catch (const UnitError& e) {
    file.Fail(node, std::string(what) + ": " + e.what());
  }
}
}  // namespace

double YamlFile::Flops(const YAML::Node& node, std::string_view what) const {
  return Quantity(*this, node, what, ParseFlops);
}
double YamlFile::Bandwidth(const YAML::Node& node, std::string_view what) const {
  return Quantity(*this, node, what, ParseBandwidth);
}
double YamlFile::Size(const YAML::Node& node, std::string_view what) const {
  return Quantity(*this, node, what, ParseSize);
}
double YamlFile::Duration(const YAML::Node& node, std::string_view what) const {
  return Quantity(*this, node, what, ParseDuration);
}
double YamlFile::Cpu(const YAML::Node& node, std::string_view what) const {
  return Quantity(*this, node, what, ParseCpu);
}

void YamlFile::CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                         std::string_view what, Warnings* warnings) const {
  ExpectMap(map, what);
  for (const auto& entry : map) {
    std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (found) continue;
    std::string expected;
    for (std::string_view k : known) {
      if (!expected.empty()) expected += ", ";
      expected += k;
    }
    std::string message =
        "unknown field '" + key + "' in " + std::string(what) + " (known: " + expected + ")";
    if (warnings == nullptr) Fail(entry.first, message);
    warnings->push_back(Warning{Where(entry.first), message});
  }
}

}  // namespace twinprof
