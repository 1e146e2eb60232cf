// Golden outputs of `twinprof profile`'s reports (tests/golden_file.h: TWINPROF_REFRESH_GOLDEN=1
// rewrites them), from a real local campaign. What varies is zeroed or stripped: the wall and CPU
// times, the temporary output folder, and the backend's notes (whether this machine lets cgroups
// be written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../golden_file.h"
#include "profile/backend.h"
#include "profile/campaign.h"
#include "profile/profiler.h"

namespace twinprof::test {
namespace {

namespace fs = std::filesystem;

TEST(GoldenReport, Profile) {
  fs::path out = fs::temp_directory_path() / ("twinprof-golden-" + std::to_string(::getpid()));
  fs::remove_all(out);
  profile::Campaign campaign = profile::LoadCampaign("tests/data/profile/golden.yaml");
  profile::ProfileOptions options;
  options.output_dir = out.string();
  profile::ProfileSummary summary =
      profile::Profile(campaign, *profile::MakeBackend(campaign.backend), options);
  fs::remove_all(out);
  summary.output_dir = "OUT";
  summary.wall_s = 0;
  summary.profiler_cpu_ms_per_job = 0;
  summary.notes.clear();
  test::ExpectGolden("profile_brief.txt", summary.BriefReport() + "\n");
  test::ExpectGolden("profile_full.txt", summary.FullReport());
}

}  // namespace
}  // namespace twinprof::test
