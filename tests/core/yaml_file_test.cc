#include "core/yaml_file.h"

#include <gtest/gtest.h>

#include <string>

namespace twinprof::test {
namespace {

SourceLocation FailureAt(const std::string& text) {
  try {
    YamlFile::Parse(text, "f.yaml");
  } catch (const InputError& e) {
    return e.where();
  }
  ADD_FAILURE() << "parsed: " << text;
  return {};
}

TEST(YamlFile, SyntaxErrorNamesLine) {
  SourceLocation where = FailureAt("a: 1\nb: [1, 2\nc: 3\n");
  EXPECT_EQ(where.file, "f.yaml");
  EXPECT_GE(where.line, 2);
}

TEST(YamlFile, EmptyAndBinaryFilesAreRejected) {
  EXPECT_EQ(FailureAt("").line, 1);
  EXPECT_EQ(FailureAt("# only a comment\n").line, 1);
  EXPECT_EQ(FailureAt("a: 1\nb: \x01\x02\xff\xfe\n").line, 2);
  EXPECT_EQ(FailureAt(std::string("a: 1\n\0\0", 7)).line, 2);
}

TEST(YamlFile, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_EQ(FailureAt(deep).file, "f.yaml");
}

TEST(YamlFile, TypedAccessorsLocateTheNode) {
  YamlFile file = YamlFile::Parse("name: x\nsize: 12Gx\ncount: 3.5\n", "f.yaml");
  try {
    file.Size(file.root()["size"], "size");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 7);
    EXPECT_NE(e.message().find("12Gx"), std::string::npos);
  }
  try {
    file.Integer(file.root()["count"], "count", 0, 10);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
  }
  try {
    file.Required(file.root(), "missing");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 1);
    EXPECT_NE(e.message().find("missing field 'missing'"), std::string::npos);
  }
}

TEST(YamlFile, UnknownKeysAreWarningsOrErrors) {
  YamlFile file = YamlFile::Parse("name: x\nextra: 1\n", "f.yaml");
  Warnings warnings;
  file.CheckKeys(file.root(), {"name"}, "the workflow", &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].where.line, 2);
  EXPECT_THROW(file.CheckKeys(file.root(), {"name"}, "the workflow", nullptr), InputError);
}

TEST(Error, FormatsFileLineColumn) {
  InputError e(SourceLocation{"a.yaml", 3, 7}, "bad thing");
  EXPECT_STREQ(e.what(), "a.yaml:3:7: error: bad thing");
}

}  // namespace
}  // namespace twinprof::test
