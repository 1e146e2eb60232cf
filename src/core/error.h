// Errors about what the user gave us: a file, a flag, an API answer.
//
// An InputError names where the problem is (file, line, column; line and column are 1-based,
// 0 when unknown) and what was expected. The CLI prints it as
//   FILE:LINE:COL: error: MESSAGE
// and exits with status 2. Anything else that escapes is an internal error (status 1).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace twinprof {

// Where something came from: a file, or a command-line flag ("--target", "--set a.b=c"), whose
// name then takes the file's place. A location with neither prints as "twinprof".
struct SourceLocation {
  std::string file;  // or the flag
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown

  // "file:line:col", "file:line" or "file", depending on what is known.
  std::string ToString() const;
};

// Bad input: a malformed file, a bad flag, an answer from a server that breaks its contract.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, const std::string& message);
  explicit InputError(const std::string& message) : InputError(SourceLocation{}, message) {}

  const SourceLocation& where() const { return where_; }
  // The message alone, without the location.
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// A problem that does not stop the work (an unknown field, a missing script for `check`).
struct Warning {
  SourceLocation where;
  std::string message;

  // "FILE:LINE:COL: warning: MESSAGE"
  std::string ToString() const;
};

using Warnings = std::vector<Warning>;

}  // namespace twinprof
