// StepStamp: what a finished pipeline step was made from, so that a rerun can tell whether the
// step is still up to date.
//
// A step's digest is SHA-256 over its name, its actions (the command lines it runs, in order),
// the content of every input file it declares, and the digests of the steps it reads from. A step
// is up to date when DIR/STEP/step.json exists and holds the same digest; it is written only after
// every action succeeded, so a killed or failed step is never taken for a finished one.
#pragma once

#include <string>
#include <vector>

namespace twinprof::pipeline {

class StepDigest {
 public:
  StepDigest();
  StepDigest(const StepDigest&) = delete;
  StepDigest& operator=(const StepDigest&) = delete;
  ~StepDigest();

  // Adds a labelled text (a command line, a step name, an upstream digest).
  void AddText(const std::string& label, const std::string& text);
  // Adds a file's path and content; a missing file adds its absence (so creating it changes the
  // digest). Throws InputError when the file exists but cannot be read.
  void AddFile(const std::string& path);
  // The hexadecimal SHA-256; call once.
  std::string Finish();

 private:
  void Update(const std::string& bytes);
  struct Context;
  Context* context_;
};

// DIR/STEP/step.json: {"step": NAME, "digest": HEX, "finished": ISO-8601 time, "seconds": S}.
struct StepStamp {
  std::string step;
  std::string digest;
  std::string finished;
  double seconds = 0;

  // Reads `path`; returns false when it is absent or unreadable (a step never finished).
  static bool Read(const std::string& path, StepStamp* stamp);
  // Writes atomically (WriteFileAtomically: temporary file + rename); InputError at `path` when
  // it cannot.
  void Write(const std::string& path) const;
};

}  // namespace twinprof::pipeline
