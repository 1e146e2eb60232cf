// A configuration file as sections of keyed values, each value remembering its line: the common
// shape of aMLLibrary's .ini files and of their YAML equivalent.
//
// .ini (aMLLibrary's files, read unchanged): "[Section]" headers, "key = value" or "key: value"
// lines, values as Python literals (python_literal.h), '#' and ';' comment lines, indented
// continuation lines, and " #" comments after a value (outside quotes). Keys are case-sensitive.
// Duplicate sections or keys are errors.
//
// YAML: a map of sections, each a map of keys to values (scalars, lists, maps). Quoted scalars are
// strings; plain scalars become integers, floats, booleans (true/True/false/False), null or
// strings, in that order of preference.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace twinprof::model {

struct ConfigValue {
  std::string key;
  nlohmann::json value;
  SourceLocation where;  // the key's line
};

struct ConfigSection {
  std::string name;
  SourceLocation where;             // the header's line
  std::vector<ConfigValue> values;  // in file order

  // The value of `key`, or nullptr.
  const ConfigValue* Find(const std::string& key) const;
};

class ConfigDocument {
 public:
  // Reads `path`: YAML when it ends in .yaml or .yml, .ini otherwise. Throws InputError.
  static ConfigDocument Load(const std::string& path);
  static ConfigDocument ParseIni(const std::string& text, const std::string& path);
  static ConfigDocument ParseYaml(const std::string& text, const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<ConfigSection>& sections() const { return sections_; }
  // The section called `name`, or nullptr.
  const ConfigSection* Find(const std::string& name) const;

 private:
  std::string path_;
  std::vector<ConfigSection> sections_;
};

}  // namespace twinprof::model
