#include "core/units.h"

#include <gtest/gtest.h>

#include <cmath>

namespace twinprof::test {
namespace {

TEST(Units, Flops) {
  EXPECT_DOUBLE_EQ(ParseFlops("2.5Gf"), 2.5e9);
  EXPECT_DOUBLE_EQ(ParseFlops("800Mf"), 800e6);
  EXPECT_DOUBLE_EQ(ParseFlops("1e9"), 1e9);
  EXPECT_DOUBLE_EQ(ParseFlops("3Gflops"), 3e9);
  EXPECT_DOUBLE_EQ(ParseFlops(" 1kf "), 1e3);
}

TEST(Units, Bandwidth) {
  EXPECT_DOUBLE_EQ(ParseBandwidth("100MBps"), 100e6);
  EXPECT_DOUBLE_EQ(ParseBandwidth("125MBps"), 125e6);
  EXPECT_DOUBLE_EQ(ParseBandwidth("1Gbps"), 125e6);
  EXPECT_DOUBLE_EQ(ParseBandwidth("10MiBps"), 10.0 * 1048576);
  EXPECT_DOUBLE_EQ(ParseBandwidth("1000"), 1000);
}

TEST(Units, Sizes) {
  EXPECT_DOUBLE_EQ(ParseSize("512Mi"), 512.0 * 1048576);
  EXPECT_DOUBLE_EQ(ParseSize("1Gi"), 1073741824.0);
  EXPECT_DOUBLE_EQ(ParseSize("20MB"), 20e6);
  EXPECT_DOUBLE_EQ(ParseSize("1500"), 1500);
  EXPECT_DOUBLE_EQ(ParseSize("1.2GB"), 1.2e9);
  EXPECT_DOUBLE_EQ(ParseSize("2KiB"), 2048);
  EXPECT_DOUBLE_EQ(ParseSize("1e3"), 1000);
  EXPECT_DOUBLE_EQ(ParseSize("128M"), 128e6);  // Kubernetes: M is decimal
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(ParseDuration("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(ParseDuration("200ms"), 0.2);
  EXPECT_DOUBLE_EQ(ParseDuration("2m"), 120);
  EXPECT_DOUBLE_EQ(ParseDuration("100us"), 1e-4);
  EXPECT_DOUBLE_EQ(ParseDuration("1h"), 3600);
  EXPECT_DOUBLE_EQ(ParseDuration("30"), 30);
}

TEST(Units, Cpu) {
  EXPECT_DOUBLE_EQ(ParseCpu("500m"), 0.5);
  EXPECT_DOUBLE_EQ(ParseCpu("1.0"), 1.0);
  EXPECT_DOUBLE_EQ(ParseCpu("2"), 2.0);
  EXPECT_DOUBLE_EQ(ParseCpu("250m"), 0.25);
}

TEST(Units, InvalidValuesNameTheValueAndWhatWasExpected) {
  try {
    ParseFlops("2Gx");
    FAIL() << "accepted 2Gx";
  } catch (const UnitError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("'2Gx'"), std::string::npos) << message;
    EXPECT_NE(message.find("flop rate"), std::string::npos) << message;
    EXPECT_NE(message.find("2.5Gf"), std::string::npos) << message;
  }
  EXPECT_THROW(ParseSize(""), UnitError);
  EXPECT_THROW(ParseSize("-1Gi"), UnitError);
  EXPECT_THROW(ParseSize("Gi"), UnitError);
  EXPECT_THROW(ParseSize("1.2.3"), UnitError);
  EXPECT_THROW(ParseSize("1e999"), UnitError);
  EXPECT_THROW(ParseSize("inf"), UnitError);
  EXPECT_THROW(ParseSize("nan"), UnitError);
  EXPECT_THROW(ParseSize("500m"), UnitError);        // millibytes make no sense
  EXPECT_THROW(ParseBandwidth("100MB"), UnitError);  // a size, not a rate
  EXPECT_THROW(ParseDuration("5 parsecs"), UnitError);
  EXPECT_THROW(ParseCpu("1Gi"), UnitError);
  EXPECT_THROW(ParseCpu("two"), UnitError);
  EXPECT_THROW(ParseFlops("1e308Ef"), UnitError);  // overflows to infinity
}

TEST(Units, Formatting) {
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatSeconds(0.25), "250 ms");
  EXPECT_EQ(FormatFlops(2.5e9), "2.5 Gf");
}

// Elapsed and remaining times (the profiler's status line, the pipeline's step times).
TEST(Units, FormatsElapsedTimes) {
  EXPECT_EQ(FormatElapsed(0.44), "0.4s");
  EXPECT_EQ(FormatElapsed(9.94), "9.9s");
  EXPECT_EQ(FormatElapsed(9.96), "10s");
  EXPECT_EQ(FormatElapsed(42.4), "42s");
  EXPECT_EQ(FormatElapsed(72), "1m12s");
  EXPECT_EQ(FormatElapsed(7380), "2h03m");
  EXPECT_EQ(FormatElapsed(-1), "?");
  EXPECT_EQ(FormatElapsed(std::nan("")), "?");
}

}  // namespace
}  // namespace twinprof::test
