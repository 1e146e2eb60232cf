// Golden outputs, as SimGrid's tesh files: a report is compared byte for byte with the file
// tests/data/golden/NAME. To change a report on purpose, rerun its test with
// TWINPROF_REFRESH_GOLDEN=1, which rewrites the file instead of comparing, and review the
// `git diff` of tests/data/golden/ before committing it:
//
//   TWINPROF_REFRESH_GOLDEN=1 ctest --test-dir build -R Golden
//
// Reports must not depend on timing or on the machine: tests zero or strip what varies (wall
// times, temporary folders) before comparing.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace twinprof::test {

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  std::filesystem::path path =
      std::filesystem::path(TWINPROF_SOURCE_DIR) / "tests/data/golden" / name;
  const char* refresh = std::getenv("TWINPROF_REFRESH_GOLDEN");
  if (refresh != nullptr && std::string(refresh) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    std::cerr << "refreshed " << path.string() << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "no golden file " << path.string()
                  << " (create it with TWINPROF_REFRESH_GOLDEN=1); the output was:\n"
                  << actual;
    return;
  }
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "differs from " << path.string()
                                    << "; if the change is intended, refresh it with "
                                       "TWINPROF_REFRESH_GOLDEN=1 and review the diff";
}

}  // namespace twinprof::test
