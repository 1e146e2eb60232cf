#include "pipeline/child_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace twinprof::pipeline {

namespace {

// The child being waited for, read by the signal handler: a signal handler can reach nothing but
// process-wide state, and only one child runs at a time.
volatile sig_atomic_t running_child = 0;
volatile sig_atomic_t interrupted = 0;

void ForwardSignal(int signal_number) {
  interrupted = 1;
  if (running_child > 0) kill(static_cast<pid_t>(running_child), signal_number);
}

// Installs ForwardSignal for SIGINT and SIGTERM for the lifetime of the object.
class SignalForwarding {
 public:
  SignalForwarding() {
    struct sigaction action {};
    action.sa_handler = ForwardSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalForwarding() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalForwarding(const SignalForwarding&) = delete;
  SignalForwarding& operator=(const SignalForwarding&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace

std::string SelfExecutable() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find the twinprof executable: " + error.message());
  return self.string();
}

ChildResult RunChild(const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  SignalForwarding forwarding;
  interrupted = 0;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    // Dies with the pipeline; the check closes the race where the parent died before prctl.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(143);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  running_child = pid;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      running_child = 0;
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    }
  }
  running_child = 0;
  ChildResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.interrupted = interrupted != 0;
  return result;
}

std::string QuoteCommand(const std::string& program, const std::vector<std::string>& arguments) {
  auto quote = [](const std::string& word) {
    bool plain = !word.empty() && word.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) return word;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  };
  std::string line = quote(program);
  for (const std::string& argument : arguments) line += " " + quote(argument);
  return line;
}

}  // namespace twinprof::pipeline
