#include "model/config/python_literal.h"

#include <gtest/gtest.h>

namespace twinprof::test {
namespace {

nlohmann::json Parse(const std::string& text) {
  return model::ParseIniValue(text, SourceLocation{"c.ini", 3, 5}, "[General] key");
}

TEST(PythonLiteral, ParsesListsDictsStringsNumbersAndConstants) {
  EXPECT_EQ(Parse("['LRRidge', \"XGBoost\"]"), nlohmann::json({"LRRidge", "XGBoost"}));
  EXPECT_EQ(Parse("{'nThreads': 4, 'x': 1.5}"), nlohmann::json({{"nThreads", 4}, {"x", 1.5}}));
  EXPECT_EQ(Parse("[0.001, 1e-3, -2, .5, 1_000, 3.]"),
            nlohmann::json({0.001, 0.001, -2, 0.5, 1000, 3.0}));
  EXPECT_TRUE(Parse("7").is_number_integer());
  EXPECT_TRUE(Parse("7.0").is_number_float());
  EXPECT_EQ(Parse("True"), true);
  EXPECT_EQ(Parse("[False, None]"), nlohmann::json({false, nullptr}));
  EXPECT_EQ(Parse("(1, 2,)"), nlohmann::json({1, 2}));
  EXPECT_EQ(Parse("'it\\'s' \"joined\""), "it'sjoined");
  EXPECT_EQ(Parse("{1: 'a'}"), nlohmann::json({{"1", "a"}}));
}

TEST(PythonLiteral, BareWordsAreStringsAsInAmlLibrary) {
  EXPECT_EQ(Parse("KFold"), "KFold");
  EXPECT_EQ(Parse("inf"), "inf");
  EXPECT_EQ(Parse("[*]"), "[*]");
  EXPECT_EQ(Parse("  HoldOut  "), "HoldOut");
}

TEST(PythonLiteral, BrokenLiteralsAreErrorsWithLineAndKey) {
  for (const char* bad : {"[1, 2", "['a' 'b'", "[1,, 2]", "{'a' 1}", "'open", "[LRRidge]",
                          "{'a': 1, 'a': 2}", "1.2.3", "[1] 2", "012", "a, b",
                          "[[[[[[[[[[[[[[[["
                          "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"}) {
    try {
      Parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "c.ini") << bad;
      EXPECT_EQ(e.where().line, 3) << bad;
      EXPECT_NE(e.message().find("[General] key"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace twinprof::test
