#include "core/csv_table.h"

#include <gtest/gtest.h>

#include <cmath>

namespace twinprof::test {
namespace {

TEST(CsvTable, TypesColumnsAndKeepsLines) {
  CsvTable table = ParseCsv("x,name,y\n1,\"a, b\",2.5\n\n2,c,\n", "d.csv");
  ASSERT_EQ(table.columns.size(), 3u);
  EXPECT_TRUE(table.columns[0].numeric);
  EXPECT_FALSE(table.columns[1].numeric);
  EXPECT_EQ(table.columns[1].strings[0], "a, b");
  EXPECT_TRUE(table.columns[2].numeric);
  EXPECT_TRUE(std::isnan(table.columns[2].numbers[1]));  // empty field
  EXPECT_EQ(table.lines, (std::vector<int>{2, 4}));
  EXPECT_EQ(table.Find("y"), 2);
  EXPECT_EQ(table.Find("z"), -1);
}

TEST(CsvTable, BadFilesNameTheLine) {
  auto line_of = [](const std::string& text) {
    try {
      ParseCsv(text, "d.csv");
    } catch (const InputError& e) {
      return e.where().line;
    }
    return -1;
  };
  EXPECT_EQ(line_of("a,b\n1,2\n3\n"), 3);
  EXPECT_EQ(line_of("a,a\n1,2\n"), 1);
  EXPECT_EQ(line_of("a,b\n1,\"2\n"), 2);
  EXPECT_EQ(line_of("a,b\n"), 1);
  EXPECT_EQ(line_of(""), 1);
  EXPECT_EQ(line_of("a,\n1,2\n"), 1);
}

}  // namespace
}  // namespace twinprof::test
