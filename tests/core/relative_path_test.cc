#include "core/relative_path.h"

#include <gtest/gtest.h>

namespace twinprof::test {
namespace {

TEST(RelativePath, RelativePathsStartAtTheNamingFilesFolder) {
  EXPECT_EQ(ResolveRelativeTo("experiments/accuracy/scenario.yaml", "platform.yaml"),
            "experiments/accuracy/platform.yaml");
  EXPECT_EQ(ResolveRelativeTo("experiments/accuracy/scenario.yaml", "../../workflows/video.yaml"),
            "workflows/video.yaml");
  EXPECT_EQ(ResolveRelativeTo("/data/runs/scenario.yaml", "./models/../best.model"),
            "/data/runs/best.model");
}

TEST(RelativePath, AbsolutePathsStayAsTheyAre) {
  EXPECT_EQ(ResolveRelativeTo("experiments/scenario.yaml", "/opt/models/best.model"),
            "/opt/models/best.model");
  EXPECT_EQ(ResolveRelativeTo("experiments/scenario.yaml", "/opt//models/./best.model"),
            "/opt/models/best.model");
}

TEST(RelativePath, AFileInTheWorkingFolderNamesPathsFromThere) {
  EXPECT_EQ(ResolveRelativeTo("scenario.yaml", "platform.yaml"), "platform.yaml");
  EXPECT_EQ(ResolveRelativeTo("scenario.yaml", "../platform.yaml"), "../platform.yaml");
}

}  // namespace
}  // namespace twinprof::test
