#include "core/parallel_for.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace twinprof::test {
namespace {

TEST(ParallelFor, RunsEveryIndexAndRethrowsTheFirstError) {
  std::vector<int> out(100, 0);
  ParallelFor(out.size(), 3, [&](size_t i) { out[i] = static_cast<int>(i) * 2; });
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<int>(i) * 2);
  try {
    ParallelFor(10, 2, [](size_t i) {
      if (i == 3 || i == 7) throw std::runtime_error("task " + std::to_string(i));
    });
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 3");
  }
}

}  // namespace
}  // namespace twinprof::test
