// Base64 (core/base64.h): RFC 4648's test vectors, every padding case, binary bytes, and what
// Base64Decode refuses.
#include "core/base64.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace twinprof::test {
namespace {

TEST(Base64, EncodesRfc4648TestVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t length : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{100}, size_t{256}}) {
    const std::string part = bytes.substr(0, length);
    const std::string text = Base64Encode(part);
    EXPECT_EQ(text.size(), (length + 2) / 3 * 4);
    EXPECT_EQ(text.find('\n'), std::string::npos);  // one line, as JSON and HTTP bodies want
    EXPECT_EQ(Base64Decode(text), part) << length;
  }
}

TEST(Base64, DecodeRefusesWhatIsNotBase64) {
  EXPECT_THROW(Base64Decode("Zm9"), std::invalid_argument);   // length not a multiple of 4
  EXPECT_THROW(Base64Decode("Zm9*"), std::invalid_argument);  // not in the alphabet
  EXPECT_THROW(Base64Decode("{\"a\": 1}"), std::invalid_argument);
}

}  // namespace
}  // namespace twinprof::test
