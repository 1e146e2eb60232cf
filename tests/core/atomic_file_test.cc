#include "core/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("twinprof-atomic-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesThenReplacesTheWholeFileAndLeavesNoTemporary) {
  const std::string path = (dir_ / "out.json").string();
  WriteFileAtomically(path, std::string("first\0version", 13));
  EXPECT_EQ(Read(path), std::string("first\0version", 13));  // bytes as given, NUL included
  WriteFileAtomically(path, "2");
  EXPECT_EQ(Read(path), "2");
  EXPECT_EQ(Names(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, AMissingFolderIsAnInputErrorAtThePath) {
  const std::string path = (dir_ / "no-such-folder" / "out.json").string();
  try {
    WriteFileAtomically(path, "x");
    FAIL() << "wrote into a missing folder";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_NE(e.message().find("cannot write this file"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("No such file or directory"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(Names().empty());
}

TEST_F(AtomicFileTest, AFailedRenameLeavesThePathAsItWasAndRemovesTheTemporary) {
  // A folder where the file should go: the temporary is written, the rename onto it fails.
  const fs::path path = dir_ / "out.json";
  fs::create_directories(path / "kept");
  try {
    WriteFileAtomically(path.string(), "x");
    FAIL() << "renamed a file onto a folder";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path.string());
    EXPECT_NE(e.message().find("cannot rename"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(fs::is_directory(path / "kept"));
  EXPECT_EQ(Names(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, AProducedFileAppearsWholeFromATemporaryWithTheSameExtension) {
  const std::string path = (dir_ / "video.mp4").string();
  std::ofstream((dir_ / ".partial-video.mp4").string()) << "left by a killed attempt";
  std::string given;
  ProduceFileAtomically(path, [&](const std::string& temporary) {
    given = temporary;
    EXPECT_FALSE(fs::exists(temporary));  // the stale one is gone before the producer runs
    EXPECT_FALSE(fs::exists(path));
    std::ofstream(temporary, std::ios::binary) << "frames";
  });
  EXPECT_EQ(fs::path(given).parent_path(), dir_);
  EXPECT_EQ(fs::path(given).extension(), ".mp4");  // ffmpeg picks the format from it
  EXPECT_EQ(Read(path), "frames");
  EXPECT_EQ(Names(), std::vector<std::string>{"video.mp4"});
}

TEST_F(AtomicFileTest, AProducerThatThrowsLeavesNeitherThePathNorTheTemporary) {
  const std::string path = (dir_ / "video.mp4").string();
  EXPECT_THROW(ProduceFileAtomically(path,
                                     [](const std::string& temporary) {
                                       std::ofstream(temporary) << "half";
                                       throw std::runtime_error("the command failed");
                                     }),
               std::runtime_error);
  EXPECT_TRUE(Names().empty());
}

}  // namespace
}  // namespace twinprof::test
