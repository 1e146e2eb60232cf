// Helpers for the pipeline tests: a scratch folder with files written from strings.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace twinprof::test {

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
  return std::string(TWINPROF_DATA_DIR) + "/datasets/amllibrary/" + name;
}

// A configuration of experiments/ml (the examples the docs and benchmarks use).
inline std::string Experiment(const std::string& name) {
  return std::string(TWINPROF_SOURCE_DIR) + "/experiments/ml/" + name;
}

// A whole file as text ("" when it cannot be read).
inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace twinprof::test
