#include "model/config/config_document.h"

#include <cctype>
#include <charconv>
#include <sstream>

#include "core/yaml_file.h"
#include "model/config/python_literal.h"

namespace twinprof::model {

const ConfigValue* ConfigSection::Find(const std::string& key) const {
  for (const ConfigValue& value : values) {
    if (value.key == key) return &value;
  }
  return nullptr;
}

const ConfigSection* ConfigDocument::Find(const std::string& name) const {
  for (const ConfigSection& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

ConfigDocument ConfigDocument::Load(const std::string& path) {
  std::string text = ReadTextFile(path);
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".yaml") || ends_with(".yml")) return ParseYaml(text, path);
  return ParseIni(text, path);
}

namespace {

std::string Trim(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

// Cuts a " #" or " ;" comment that is outside quotes.
std::string StripInlineComment(const std::string& text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if ((c == '#' || c == ';') && i > 0 &&
               std::isspace(static_cast<unsigned char>(text[i - 1]))) {
      return text.substr(0, i);
    }
  }
  return text;
}

struct PendingValue {
  std::string key;
  std::string text;
  SourceLocation where;
  int value_column = 0;
};

}  // namespace

ConfigDocument ConfigDocument::ParseIni(const std::string& text, const std::string& path) {
  CheckIsText(text, path);
  ConfigDocument doc;
  doc.path_ = path;
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  PendingValue pending;
  bool have_pending = false;
  auto flush = [&] {
    if (!have_pending) return;
    std::string what = "[" + doc.sections_.back().name + "] " + pending.key;
    SourceLocation where = pending.where;
    where.column = pending.value_column;
    ConfigValue value{pending.key, ParseIniValue(pending.text, where, what), pending.where};
    doc.sections_.back().values.push_back(std::move(value));
    have_pending = false;
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    SourceLocation where{path, line_number};
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    bool indented = std::isspace(static_cast<unsigned char>(line[0]));
    if (indented && have_pending) {  // a continuation line
      pending.text += "\n" + Trim(StripInlineComment(line));
      continue;
    }
    flush();
    if (trimmed[0] == '[') {
      size_t close = trimmed.find(']');
      if (close == std::string::npos || Trim(trimmed.substr(close + 1)).size() > 0 || close == 1) {
        throw InputError(where, "bad section header `" + trimmed + "` (expected [Name])");
      }
      std::string name = Trim(trimmed.substr(1, close - 1));
      if (doc.Find(name)) throw InputError(where, "section [" + name + "] appears twice");
      doc.sections_.push_back(ConfigSection{name, where, {}});
      continue;
    }
    size_t equals = line.find_first_of("=:");
    if (equals == std::string::npos) {
      throw InputError(where,
                       "expected `key = value` or a [Section] header, found `" + trimmed + "`");
    }
    if (doc.sections_.empty()) {
      throw InputError(where, "`" + trimmed + "` comes before any [Section] header");
    }
    std::string key = Trim(line.substr(0, equals));
    if (key.empty()) throw InputError(where, "missing key before '" + line.substr(equals, 1) + "'");
    if (doc.sections_.back().Find(key)) {
      throw InputError(where, "[" + doc.sections_.back().name + "] " + key + " appears twice");
    }
    std::string rest = line.substr(equals + 1);
    size_t first = 0;
    while (first < rest.size() && std::isspace(static_cast<unsigned char>(rest[first]))) ++first;
    pending = PendingValue{key, Trim(StripInlineComment(rest)), where,
                           static_cast<int>(equals + 2 + first)};
    have_pending = true;
  }
  flush();
  if (doc.sections_.empty()) {
    throw InputError(SourceLocation{path, 1}, "no [Section] in the file: expected [General] ...");
  }
  return doc;
}

namespace {

nlohmann::json YamlToJson(const YamlFile& file, const YAML::Node& node, int depth) {
  if (depth > 32) file.Fail(node, "nested too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      nlohmann::json list = nlohmann::json::array();
      for (const YAML::Node& item : node) list.push_back(YamlToJson(file, item, depth + 1));
      return list;
    }
    case YAML::NodeType::Map: {
      nlohmann::json map = nlohmann::json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) file.Fail(entry.first, "map keys must be plain values");
        map[entry.first.Scalar()] = YamlToJson(file, entry.second, depth + 1);
      }
      return map;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: a string
  if (text == "true" || text == "True") return true;
  if (text == "false" || text == "False") return false;
  if (text == "null" || text == "None" || text == "~") return nullptr;
  int64_t integer = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (ec == std::errc() && end == text.data() + text.size()) return integer;
  double number = 0;
  auto [fend, fec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (fec == std::errc() && fend == text.data() + text.size()) return number;
  return text;
}

}  // namespace

ConfigDocument ConfigDocument::ParseYaml(const std::string& text, const std::string& path) {
  YamlFile file = YamlFile::Parse(text, path);
  file.ExpectMap(file.root(), "a training configuration");
  ConfigDocument doc;
  doc.path_ = path;
  for (const auto& entry : file.root()) {
    std::string name = file.String(entry.first, "a section name");
    file.ExpectMap(entry.second, "section " + name);
    ConfigSection section{name, file.Where(entry.first), {}};
    for (const auto& item : entry.second) {
      std::string key = file.String(item.first, "a key");
      SourceLocation where = file.Where(item.first);
      where.column = 0;
      section.values.push_back(ConfigValue{key, YamlToJson(file, item.second, 0), where});
    }
    section.where.column = 0;
    doc.sections_.push_back(std::move(section));
  }
  return doc;
}

}  // namespace twinprof::model
