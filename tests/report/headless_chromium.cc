#include "headless_chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/base64.h"

namespace twinprof::test {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The text of a console call's arguments, as the DevTools console shows them.
std::string ArgumentsText(const json& arguments) {
  std::string text;
  for (const json& argument : arguments) {
    if (!text.empty()) text += " ";
    if (argument.contains("value")) {
      text += argument["value"].is_string() ? argument["value"].get<std::string>()
                                            : argument["value"].dump();
    } else if (argument.contains("description")) {
      text += argument["description"].get<std::string>();
    } else {
      text += argument.value("type", "?");
    }
  }
  return text;
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t written = ::write(fd, data.data() + done, data.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("chromium: cannot send a command: ") +
                               std::strerror(errno));
    }
    done += static_cast<size_t>(written);
  }
}

}  // namespace

std::string HeadlessChromium::FindExecutable() {
  if (const char* configured = std::getenv("TWINPROF_CHROMIUM"); configured && *configured) {
    return configured;
  }
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

HeadlessChromium::HeadlessChromium(const Options& options) : options_(options) {
  if (options_.executable.empty()) options_.executable = FindExecutable();
  if (options_.executable.empty()) {
    throw std::runtime_error(
        "chromium not found (scripts/install-deps installs Debian's chromium; "
        "TWINPROF_CHROMIUM names another)");
  }
  // A browser that dies must not kill the test with SIGPIPE on the next command.
  ::signal(SIGPIPE, SIG_IGN);
  char profile[] = "/tmp/twinprof-chromium-XXXXXX";
  if (::mkdtemp(profile) == nullptr) throw std::runtime_error("mkdtemp failed");
  profile_dir_ = profile;

  int commands[2], answers[2];
  if (::pipe2(commands, O_CLOEXEC) != 0 || ::pipe2(answers, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  std::vector<std::string> arguments = {
      options_.executable,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--disable-dev-shm-usage",
      "--hide-scrollbars",
      "--mute-audio",
      "--force-device-scale-factor=1",
      "--user-data-dir=" + profile_dir_,
      "--remote-debugging-pipe",
      "--window-size=" + std::to_string(options_.width) + "," + std::to_string(options_.height),
      "about:blank"};
  std::string log_path = profile_dir_ + "/chromium.log";

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    // Move the pipe ends out of the way before placing them on fds 3 and 4.
    int read_end = ::fcntl(commands[0], F_DUPFD, 10);
    int write_end = ::fcntl(answers[1], F_DUPFD, 10);
    if (read_end < 0 || write_end < 0 || ::dup2(read_end, 3) < 0 || ::dup2(write_end, 4) < 0) {
      ::_exit(126);
    }
    int null_fd = ::open("/dev/null", O_RDONLY);
    int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(commands[0]);
  ::close(answers[1]);
  to_browser_ = commands[1];
  from_browser_ = answers[0];
}

HeadlessChromium::~HeadlessChromium() {
  if (pid_ > 0) {
    try {
      // Ask politely; the answer may never come (the browser exits), hence the short wait.
      json message = {{"id", next_id_++}, {"method", "Browser.close"}};
      WriteAll(to_browser_, message.dump() + std::string(1, '\0'));
    } catch (...) {
    }
    auto deadline = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Whatever is left of the browser's processes (renderers, zygotes) goes too.
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, &status, WNOHANG);
  }
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
  std::error_code error;
  if (!profile_dir_.empty()) fs::remove_all(profile_dir_, error);
}

json HeadlessChromium::Send(const std::string& method, json params, bool browser_level) {
  int id = next_id_++;
  json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (!browser_level) {
    if (session_.empty()) throw std::runtime_error("chromium: no page is open");
    message["sessionId"] = session_;
  }
  WriteAll(to_browser_, message.dump() + std::string(1, '\0'));
  json answer = Pump(id, options_.command_timeout_s);
  if (answer.is_null()) {
    throw std::runtime_error("chromium: no answer to " + method + " within " +
                             std::to_string(options_.command_timeout_s) + " s");
  }
  if (answer.contains("error")) {
    throw std::runtime_error("chromium: " + method + ": " + answer["error"].dump());
  }
  return answer.value("result", json::object());
}

json HeadlessChromium::Pump(int id, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    size_t end;
    while ((end = buffer_.find('\0')) != std::string::npos) {
      json message = json::parse(buffer_.substr(0, end));
      buffer_.erase(0, end + 1);
      if (message.contains("id")) {
        if (id >= 0 && message["id"] == id) return message;
      } else if (message.contains("method")) {
        HandleEvent(message);
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return nullptr;
    pollfd descriptor{from_browser_, POLLIN, 0};
    int ready = ::poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) throw std::runtime_error("chromium: poll failed");
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t got = ::read(from_browser_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      std::ifstream log(profile_dir_ + "/chromium.log");
      std::stringstream text;
      text << log.rdbuf();
      throw std::runtime_error("chromium exited; its log:\n" + text.str());
    }
    buffer_.append(chunk, static_cast<size_t>(got));
  }
}

void HeadlessChromium::HandleEvent(const json& message) {
  if (message.value("sessionId", "") != session_) return;
  const std::string method = message["method"];
  const json& params = message.contains("params") ? message["params"] : json::object();
  if (method == "Runtime.consoleAPICalled") {
    std::string type = params.value("type", "log");
    if (type == "warning") type = "warning";
    console_.push_back({type, ArgumentsText(params.value("args", json::array()))});
  } else if (method == "Runtime.exceptionThrown") {
    const json& details = params["exceptionDetails"];
    std::string text = details.value("text", "exception");
    if (details.contains("exception")) {
      text += " " + details["exception"].value("description", "");
    }
    console_.push_back({"error", text});
  } else if (method == "Log.entryAdded") {
    const json& entry = params["entry"];
    console_.push_back({entry.value("level", "info"),
                        entry.value("text", "") + " (" + entry.value("url", "") + ")"});
  } else if (method == "Network.requestWillBeSent") {
    requested_.push_back(params["request"].value("url", ""));
  } else if (method == "Network.loadingFailed") {
    failed_.push_back(params.value("errorText", "") + " " + params.value("blockedReason", ""));
  } else if (method == "Page.loadEventFired") {
    loaded_ = true;
  }
}

void HeadlessChromium::Open(const std::string& url) {
  json target = Send("Target.createTarget", {{"url", "about:blank"}}, true);
  json attached =
      Send("Target.attachToTarget", {{"targetId", target.at("targetId")}, {"flatten", true}}, true);
  session_ = attached.at("sessionId").get<std::string>();
  Send("Page.enable");
  Send("Runtime.enable");
  Send("Log.enable");
  Send("Network.enable");
  Send("Network.setBlockedURLs",
       {{"urls", {"http://*", "https://*", "ws://*", "wss://*", "ftp://*"}}});
  Send("Emulation.setDeviceMetricsOverride", {{"width", options_.width},
                                              {"height", options_.height},
                                              {"deviceScaleFactor", 1},
                                              {"mobile", false}});
  loaded_ = false;
  json navigation = Send("Page.navigate", {{"url", url}});
  if (navigation.contains("errorText")) {
    throw std::runtime_error("chromium: cannot open " + url + ": " +
                             navigation["errorText"].get<std::string>());
  }
  auto deadline = Clock::now() + std::chrono::duration<double>(options_.command_timeout_s);
  while (!loaded_ && Clock::now() < deadline) Pump(-1, 0.1);
  if (!loaded_) throw std::runtime_error("chromium: " + url + " did not finish loading");
}

json HeadlessChromium::Evaluate(const std::string& expression) {
  json result = Send("Runtime.evaluate",
                     {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (result.contains("exceptionDetails")) {
    throw std::runtime_error("chromium: evaluating " + expression + ": " +
                             result["exceptionDetails"].dump());
  }
  return result["result"].value("value", json());
}

bool HeadlessChromium::WaitFor(const std::string& expression, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    if (Evaluate("!!(" + expression + ")") == true) return true;
    if (Clock::now() >= deadline) return false;
    Pump(-1, 0.1);
  }
}

void HeadlessChromium::Screenshot(const std::string& path) {
  int height = Evaluate("Math.ceil(document.documentElement.scrollHeight)").get<int>();
  json shot =
      Send("Page.captureScreenshot",
           {{"format", "png"},
            {"captureBeyondViewport", true},
            {"clip",
             {{"x", 0}, {"y", 0}, {"width", options_.width}, {"height", height}, {"scale", 1}}}});
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << Base64Decode(shot.at("data").get<std::string>());
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace twinprof::test
