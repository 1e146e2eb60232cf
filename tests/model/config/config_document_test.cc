#include "model/config/config_document.h"

#include <gtest/gtest.h>

namespace twinprof::test {
namespace {

TEST(ConfigDocument, ReadsIniSectionsKeysLinesAndContinuations) {
  model::ConfigDocument doc = model::ConfigDocument::ParseIni(
      "# a comment\n"
      "[General]\n"
      "techniques = ['LRRidge',\n"
      "   'XGBoost']  # inline comment\n"
      "y: \"time\"\n"
      "; another comment\n"
      "\n"
      "[LRRidge]\n"
      "alpha = [0.1, 1]\n",
      "c.ini");
  ASSERT_EQ(doc.sections().size(), 2u);
  const model::ConfigSection* general = doc.Find("General");
  ASSERT_NE(general, nullptr);
  EXPECT_EQ(general->where.line, 2);
  const model::ConfigValue* techniques = general->Find("techniques");
  ASSERT_NE(techniques, nullptr);
  EXPECT_EQ(techniques->value, nlohmann::json({"LRRidge", "XGBoost"}));
  EXPECT_EQ(techniques->where.line, 3);
  EXPECT_EQ(general->Find("y")->value, "time");
  EXPECT_EQ(doc.Find("LRRidge")->Find("alpha")->where.line, 9);
}

TEST(ConfigDocument, RejectsDuplicatesAndStrayLines) {
  auto line_of = [](const std::string& text) {
    try {
      model::ConfigDocument::ParseIni(text, "c.ini");
    } catch (const InputError& e) {
      return e.where().line;
    }
    return -1;
  };
  EXPECT_EQ(line_of("[General]\ny = 'a'\ny = 'b'\n"), 3);
  EXPECT_EQ(line_of("[General]\n[General]\n"), 2);
  EXPECT_EQ(line_of("y = 1\n"), 1);
  EXPECT_EQ(line_of("[General]\njust words\n"), 2);
  EXPECT_EQ(line_of("[General\n"), 1);
  EXPECT_EQ(line_of(""), 1);
}

TEST(ConfigDocument, ReadsTheYamlEquivalent) {
  model::ConfigDocument doc = model::ConfigDocument::ParseYaml(
      "General:\n"
      "  techniques: [LRRidge]\n"
      "  y: '42'\n"
      "  folds: 5\n"
      "  ratio: 0.25\n"
      "  flag: True\n"
      "  extrapolation_columns: {nThreads: 4}\n",
      "c.yaml");
  const model::ConfigSection* general = doc.Find("General");
  ASSERT_NE(general, nullptr);
  EXPECT_EQ(general->Find("techniques")->value, nlohmann::json({"LRRidge"}));
  EXPECT_EQ(general->Find("y")->value, "42");  // quoted: a string
  EXPECT_TRUE(general->Find("folds")->value.is_number_integer());
  EXPECT_DOUBLE_EQ(general->Find("ratio")->value.get<double>(), 0.25);
  EXPECT_EQ(general->Find("flag")->value, true);
  EXPECT_EQ(general->Find("extrapolation_columns")->value, nlohmann::json({{"nThreads", 4}}));
  EXPECT_EQ(general->Find("folds")->where.line, 4);
}

}  // namespace
}  // namespace twinprof::test
