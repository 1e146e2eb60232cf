// Kill -9 in the middle of a campaign: the helpers of the kill-and-resume tests of `twinprof
// profile` (profile_cli_test.cc) and `twinprof run` (pipeline_test.cc).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "profile/results_store.h"

namespace twinprof::test {

// The jobs committed to the results folder `dir` so far (0 before the store exists).
inline int CountCommittedJobs(const std::string& dir) {
  try {
    if (!std::filesystem::exists(std::filesystem::path(dir) / "results.sqlite")) return 0;
    return static_cast<int>(profile::ResultsStore::OpenExisting(dir).Jobs().size());
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

// Starts twinprof with `args` and SIGKILLs it once `jobs` jobs are committed to `results_dir`.
inline void RunAndKill(const std::vector<std::string>& args, const std::string& results_dir,
                       int jobs) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = TWINPROF_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (CountCommittedJobs(results_dir) < jobs && std::chrono::steady_clock::now() < deadline) {
    int status;
    if (::waitpid(pid, &status, WNOHANG) == pid) FAIL() << "twinprof ended before it was killed";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

}  // namespace twinprof::test
