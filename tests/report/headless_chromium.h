// HeadlessChromium: Debian's chromium, headless, driven through the DevTools protocol over a pipe
// (--remote-debugging-pipe: commands on the browser's fd 3, answers and events on its fd 4, each
// message JSON ended by a NUL byte). No websocket, no port, no node: only this process and the
// browser. Used by the report test to render report.html the way a user's browser does.
//
//   HeadlessChromium browser(HeadlessChromium::Options{});   // throws when chromium is missing
//   browser.Open("file:///tmp/report.html");                 // blocks http(s)/ws(s) first
//   browser.WaitFor("window.twinprofReport && twinprofReport.done", 60);
//   json counts = browser.Evaluate("twinprofReport.markCounts()");
//   browser.Screenshot("report.png");
//   for (const auto& m : browser.ConsoleMessages()) ...;      // errors, warnings, exceptions
//
// The browser runs with a fresh profile folder (removed at the end), the flags that keep it off
// the network (no background networking, component updates, sync or QUIC), and dies with this
// object (its whole process group is killed).
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace twinprof::test {

class HeadlessChromium {
 public:
  struct Options {
    std::string executable;  // default: $TWINPROF_CHROMIUM, else /usr/bin/chromium
    int width = 1280;        // the viewport, in CSS pixels
    int height = 900;
    double command_timeout_s = 60;
  };

  // A console message, an uncaught exception, or a browser log entry.
  struct ConsoleMessage {
    std::string level;  // "error", "warning", "info", ...
    std::string text;
  };

  explicit HeadlessChromium(const Options& options);
  ~HeadlessChromium();
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;

  // The browser's executable, or "" when none is installed.
  static std::string FindExecutable();

  // Opens a page in a new tab with requests to the network blocked (http, https, ws, wss, ftp),
  // and waits for its load event. Throws std::runtime_error on timeout or protocol error.
  void Open(const std::string& url);
  // Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value.
  nlohmann::json Evaluate(const std::string& expression);
  // Polls `expression` until it is truthy; false after `timeout_s`.
  bool WaitFor(const std::string& expression, double timeout_s);
  // Saves a PNG of the whole page (not only the viewport) at `path`.
  void Screenshot(const std::string& path);

  const std::vector<ConsoleMessage>& ConsoleMessages() const { return console_; }
  // Every URL the page requested, in order (the page itself included).
  const std::vector<std::string>& RequestedUrls() const { return requested_; }
  // Requests that failed, with the reason ("net::ERR_BLOCKED_BY_CLIENT ...").
  const std::vector<std::string>& FailedRequests() const { return failed_; }

 private:
  // Sends a command (to the page's session unless `browser_level`) and returns its result.
  nlohmann::json Send(const std::string& method, nlohmann::json params = nlohmann::json::object(),
                      bool browser_level = false);
  // Reads messages for up to `timeout_s`, handling events; returns the answer to `id` when it
  // arrives (or null on timeout when id < 0 means "just pump").
  nlohmann::json Pump(int id, double timeout_s);
  void HandleEvent(const nlohmann::json& message);

  Options options_;
  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  std::string profile_dir_;
  std::string buffer_;
  int next_id_ = 1;
  std::string session_;
  bool loaded_ = false;
  std::vector<ConsoleMessage> console_;
  std::vector<std::string> requested_;
  std::vector<std::string> failed_;
};

}  // namespace twinprof::test
