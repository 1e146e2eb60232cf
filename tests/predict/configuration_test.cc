// Configuration keys, --trained-where conditions, and the training / interpolation /
// extrapolation split.

#include "predict/configuration.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace twinprof::test {
namespace {

using predict::Parameters;

TEST(ConfigurationKey, SortedByNameNumbersShortestModeLeftOut) {
  Parameters parameters = {{"mode", "workflow"},
                           {"split-video.cpu", "0.50"},
                           {"input", "seconds=2,size=320x240"},
                           {"grayify.parallelism", "2"},
                           {"grayify.cpuset", ""}};
  EXPECT_EQ(predict::ConfigurationKey(parameters),
            "grayify.parallelism=2;input=seconds=2,size=320x240;split-video.cpu=0.5");
}

TEST(Conditions, ParseAndHold) {
  std::vector<predict::Condition> conditions = predict::ParseConditions("a.cpu<=1,b!=x,c>2.5");
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(conditions[0].name, "a.cpu");
  EXPECT_EQ(conditions[0].op, "<=");
  EXPECT_EQ(conditions[2].value, "2.5");
  EXPECT_TRUE(conditions[0].Holds({{"a.cpu", "1"}}));
  EXPECT_TRUE(conditions[0].Holds({{"a.cpu", "0.25"}}));
  EXPECT_FALSE(conditions[0].Holds({{"a.cpu", "1.5"}}));
  EXPECT_FALSE(conditions[0].Holds({{"b.cpu", "0.5"}}));  // a missing parameter never holds
  EXPECT_TRUE(conditions[1].Holds({{"b", "y"}}));
  EXPECT_FALSE(conditions[1].Holds({{"b", "x"}}));
  // Numbers compare as numbers, not as text ("10" > "2.5").
  EXPECT_TRUE(conditions[2].Holds({{"c", "10"}}));
}

TEST(Conditions, MalformedOnesAreNamed) {
  for (const char* bad : {"", "a", "a<", "<=1", "a=<1", "a<=1,"}) {
    try {
      predict::ParseConditions(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--trained-where"), std::string::npos) << e.what();
    }
  }
}

TEST(TrainingSplit, TrainingInterpolationExtrapolation) {
  predict::TrainingSplit split(
      {{{"cpu", "0.5"}, {"p", "1"}, {"input", "a"}}, {{"cpu", "1"}, {"p", "2"}, {"input", "b"}}});
  EXPECT_EQ(split.size(), 2u);
  EXPECT_EQ(split.Classify({{"cpu", "1.0"}, {"p", "2"}, {"input", "b"}}), "training");
  EXPECT_EQ(split.Classify({{"cpu", "0.75"}, {"p", "1"}, {"input", "b"}}), "interpolation");
  EXPECT_EQ(split.Classify({{"cpu", "0.5"}, {"p", "2"}, {"input", "a"}}), "interpolation");
  EXPECT_EQ(split.Classify({{"cpu", "2"}, {"p", "1"}, {"input", "a"}}), "extrapolation");
  EXPECT_EQ(split.Classify({{"cpu", "0.5"}, {"p", "4"}, {"input", "a"}}), "extrapolation");
  EXPECT_EQ(split.Classify({{"cpu", "0.5"}, {"p", "1"}, {"input", "c"}}), "extrapolation");
  EXPECT_EQ(predict::TrainingSplit().Classify({{"cpu", "9"}}), "all");
}

}  // namespace
}  // namespace twinprof::test
