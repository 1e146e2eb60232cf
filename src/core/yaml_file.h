// A parsed YAML file that remembers its name, so that every complaint about a node can say
// FILE:LINE:COL.
//
// Loading rejects empty files, binary garbage, invalid UTF-8, syntax errors and absurd nesting with
// an InputError naming the file and line. The typed accessors throw InputError located at the
// offending node (or, for a missing key, at the map that lacks it).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace twinprof {

class YamlFile {
 public:
  // Reads and parses `path`. Throws InputError on any problem.
  static YamlFile Load(const std::string& path);
  // Parses `text` as if it were the file `name` (for tests and embedded documents).
  static YamlFile Parse(const std::string& text, const std::string& name);

  const std::string& path() const { return path_; }
  const YAML::Node& root() const { return root_; }

  // Where `node` is in the file (1-based line and column), or the origin SetOrigin gave it.
  SourceLocation Where(const YAML::Node& node) const;
  // Says that `node` and everything under it came from elsewhere than the file, e.g. from the
  // flag "--set workload.files=abc" (which replaced a value of the file): Where() names `origin`
  // for them.
  void SetOrigin(const YAML::Node& node, const std::string& origin);
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const;

  // Checks the node's shape; `what` names it in the message ("the 'components' section").
  void ExpectMap(const YAML::Node& node, std::string_view what) const;
  void ExpectSequence(const YAML::Node& node, std::string_view what) const;
  void ExpectScalar(const YAML::Node& node, std::string_view what) const;

  // map[key], which must be present (and not null).
  YAML::Node Required(const YAML::Node& map, std::string_view key) const;
  // map[key] or an undefined node when absent.
  static YAML::Node Optional(const YAML::Node& map, std::string_view key);

  // Scalars; `what` names the value in the message.
  std::string String(const YAML::Node& node, std::string_view what) const;
  double Number(const YAML::Node& node, std::string_view what) const;
  // An integer within [min, max].
  int64_t Integer(const YAML::Node& node, std::string_view what, int64_t min, int64_t max) const;
  bool Bool(const YAML::Node& node, std::string_view what) const;

  // Quantities, parsed with core/units.h.
  double Flops(const YAML::Node& node, std::string_view what) const;
  double Bandwidth(const YAML::Node& node, std::string_view what) const;
  double Size(const YAML::Node& node, std::string_view what) const;
  double Duration(const YAML::Node& node, std::string_view what) const;
  double Cpu(const YAML::Node& node, std::string_view what) const;

  // Reports keys of `map` that are not in `known`: as warnings appended to `warnings`, or as an
  // error when `warnings` is null.
  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                 std::string_view what, Warnings* warnings) const;

 private:
  YamlFile(std::string path, YAML::Node root) : path_(std::move(path)), root_(std::move(root)) {}

  std::string path_;
  YAML::Node root_;
  std::vector<std::pair<YAML::Node, std::string>> origins_;  // see SetOrigin
};

// Reads a whole file into a string; throws InputError when it cannot be read.
std::string ReadTextFile(const std::string& path);

// Checks that `text` is text: no NUL bytes, valid UTF-8. Throws InputError at the first bad byte.
void CheckIsText(const std::string& text, const std::string& name);

}  // namespace twinprof
