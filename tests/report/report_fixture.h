// What the report tests feed `twinprof report`: real outputs of `twinprof profile` and
// `twinprof simulate` on tests/data/report/ (split-burn), made in a fresh folder per test process.
#pragma once

#include <string>

namespace twinprof::test {

// A fresh folder under the system's temporary folder, removed with its contents at the end.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ReportInputs {
  std::string measured;  // results folder of `profile tests/data/report/campaign.yaml`
  std::string
      simulated;  // `simulate tests/data/report/scenario.yaml --sweep resources.burn.cpu=0.5,1`
  std::string
      validation;  // tests/data/report/validate (a validate output in the documented format)
  std::string calibration;  // experiments/sim/edge-cloud/calibration.yaml (formats.md's example)
  std::string exploration;  // `explore tests/explore/data/small-space.yaml` (144 candidates)
};

// Runs the profile (about 5 s) when `measured`, the simulation, and the exploration when
// `explored`, into `folder`. Adds a test failure (gtest) and leaves the path empty when a command
// fails.
ReportInputs MakeReportInputs(const std::string& folder, bool measured, bool explored = false);

// The source tree's path of a test file under tests/data/report/.
std::string ReportTestData(const std::string& name);

}  // namespace twinprof::test
