// Helpers for the pipeline tests: a scratch folder with files written from strings.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace twinprof::testing {

class ScratchDir {
 public:
  ScratchDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("twinprof-model-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `text` to `name` inside the folder and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// The aMLLibrary datasets shipped beside the project.
inline std::string Dataset(const std::string& name) {
  return std::string(TWINPROF_SHARED_DIR) + "/datasets/amllibrary/" + name;
}

}  // namespace twinprof::testing
