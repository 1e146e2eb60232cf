// The bad-input corpus: every file under tests/data/bad/<area>/ is listed in that folder's
// expected.tsv with the line its error must name and a piece of the message:
//
//   FILE <TAB> LINE <TAB> SUBSTRING [<TAB> ARGS]
//
// ARGS is the twinprof command line ({file} = the bad file, {tmp} = a fresh temporary folder);
// it defaults to "check {file}". Each file must give exit status 2, no crash, and a message that
// names the file and, when LINE > 0, "FILE:LINE:".

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../subprocess.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

struct BadFile {
  std::string path;  // relative to the source tree
  int line = 0;
  std::string substring;
  std::string args = "check {file}";
};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::vector<BadFile> ListBadFiles() {
  std::vector<BadFile> files;
  fs::path root = fs::path(TWINPROF_SOURCE_DIR) / "tests/data/bad";
  if (!fs::exists(root)) return files;
  std::vector<fs::path> areas;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) areas.push_back(entry.path());
  }
  std::sort(areas.begin(), areas.end());
  for (const fs::path& area : areas) {
    std::ifstream manifest(area / "expected.tsv");
    std::string line;
    while (std::getline(manifest, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields = Split(line, '\t');
      if (fields.size() < 3) continue;
      BadFile bad;
      bad.path = (fs::path("tests/data/bad") / area.filename() / fields[0]).string();
      bad.line = std::stoi(fields[1]);
      bad.substring = fields[2];
      if (fields.size() > 3) bad.args = fields[3];
      files.push_back(bad);
    }
  }
  return files;
}

// Test names and failure messages show the file, not the struct's bytes.
void PrintTo(const BadFile& bad, std::ostream* out) { *out << bad.path; }

class BadInput : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadInput, ExitsTwoNamingFileAndLine) {
  const BadFile& bad = GetParam();
  ASSERT_TRUE(fs::exists(fs::path(TWINPROF_SOURCE_DIR) / bad.path)) << bad.path;
  fs::path tmp = fs::temp_directory_path() / ("twinprof-bad-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  std::vector<std::string> args;
  for (std::string arg : Split(bad.args, ' ')) {
    if (arg.empty()) continue;
    if (arg == "{file}") arg = bad.path;
    if (arg == "{tmp}") arg = tmp.string();
    args.push_back(arg);
  }
  CommandResult result = RunTwinprof(args);
  fs::remove_all(tmp);
  EXPECT_EQ(result.signal, 0) << "crashed: " << result.err;
  EXPECT_EQ(result.exit_status, 2) << result.err;
  std::string expected_prefix =
      bad.path + (bad.line > 0 ? ":" + std::to_string(bad.line) + ":" : "");
  EXPECT_NE(result.err.find(expected_prefix), std::string::npos)
      << "expected '" << expected_prefix << "' in:\n"
      << result.err;
  EXPECT_NE(result.err.find(bad.substring), std::string::npos)
      << "expected '" << bad.substring << "' in:\n"
      << result.err;
}

std::string TestName(const ::testing::TestParamInfo<BadFile>& info) {
  std::string name = fs::path(info.param.path).parent_path().filename().string() + "_" +
                     fs::path(info.param.path).filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(ListBadFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BadInput);

TEST(BadInputCorpus, HoldsAtLeastThirtyFiles) { EXPECT_GE(ListBadFiles().size(), 30u); }

}  // namespace
}  // namespace twinprof::test
