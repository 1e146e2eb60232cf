#include "sim/node_pool.h"

#include <gtest/gtest.h>

#include "sim/component_behaviour.h"
#include "sim/image_cache.h"
#include "sim/run_statistics.h"

namespace twinprof::test {
namespace {

std::vector<sim::PoolNode> ThreeNodes() {
  auto node = [](int64_t cpu, int64_t memory) {
    return sim::PoolNode{"c", "t", cpu, memory, cpu, memory, ""};
  };
  return {node(4000, 8 << 20), node(4000, 8 << 20), node(2000, 4 << 20)};
}

TEST(NodePool, FirstFitFillsNodesInOrder) {
  sim::NodePool pool(ThreeNodes(), sim::NodePolicy::kFirstFit);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  std::vector<int> eligible = pool.EligibleNodes(deployment);
  sim::PodRequest request{&eligible, 2000, 1 << 20};
  EXPECT_EQ(pool.TryPlace(request), 0);
  EXPECT_EQ(pool.TryPlace(request), 0);
  EXPECT_EQ(pool.TryPlace(request), 1);
}

TEST(NodePool, LeastAllocatedSpreads) {
  sim::NodePool pool(ThreeNodes(), sim::NodePolicy::kLeastAllocated);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  std::vector<int> eligible = pool.EligibleNodes(deployment);
  sim::PodRequest request{&eligible, 1000, 1 << 20};
  EXPECT_EQ(pool.TryPlace(request), 0);
  EXPECT_EQ(pool.TryPlace(request), 1);
  // Now every node would score 1/2 + 3/4 after placement: ties go to the first.
  EXPECT_EQ(pool.TryPlace(request), 0);
}

TEST(NodePool, QueueGrantsInOrderWhenRoomIsReleased) {
  sim::NodePool pool(ThreeNodes(), sim::NodePolicy::kFirstFit);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  deployment.node_type = "t";
  std::vector<int> eligible = {2};  // only the small node
  sim::PodRequest big{&eligible, 2000, 1 << 20};
  sim::PodRequest memory_hog{&eligible, 500, 4 << 20};
  EXPECT_EQ(pool.TryPlace(big), 2);
  EXPECT_FALSE(pool.TryPlace(big));
  pool.Enqueue(big, 10);
  pool.Enqueue(memory_hog, 11);
  EXPECT_EQ(pool.waiting(), 2u);
  auto placed = pool.Release(2, big);
  ASSERT_EQ(placed.size(), 1u);  // the first one takes the room; the hog still waits
  EXPECT_EQ(placed[0], (std::pair<int64_t, int>{10, 2}));
  placed = pool.Release(2, big);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].first, 11);
}

TEST(NodePool, EligibleNodesFollowClusterAndType) {
  std::vector<sim::PoolNode> nodes = ThreeNodes();
  nodes[1].cluster = "other";
  nodes[2].node_type = "small";
  sim::NodePool pool(nodes, sim::NodePolicy::kFirstFit);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  EXPECT_EQ(pool.EligibleNodes(deployment), (std::vector<int>{0, 2}));
  deployment.node_type = "small";
  EXPECT_EQ(pool.EligibleNodes(deployment), (std::vector<int>{2}));
}

TEST(NodePool, EligibleNodesHaveAnImageForTheirArchitecture) {
  std::vector<sim::PoolNode> nodes = ThreeNodes();
  nodes[0].arch = "x86_64";
  nodes[1].arch = "arm64";
  nodes[2].arch = "";  // unknown: eligible
  sim::NodePool pool(nodes, sim::NodePolicy::kFirstFit);
  sim::ComponentDeployment deployment;
  deployment.cluster = "c";
  EXPECT_EQ(pool.EligibleNodes(deployment, {{"x86_64", "grycap/mask-detector-yolo"}}),
            (std::vector<int>{0, 2}));
  EXPECT_EQ(pool.EligibleNodes(deployment, {{"arm64", "a"}}), (std::vector<int>{1, 2}));
  EXPECT_EQ(pool.EligibleNodes(deployment, {{"x86_64", "a"}, {"arm64", "a"}}),
            (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(pool.EligibleNodes(deployment, {}), (std::vector<int>{0, 1, 2}));  // images unknown
}

TEST(ImageCache, PullsOncePerNodeAndSharesAPullUnderWay) {
  sim::ImageCache cache(2, /*cached=*/true);
  EXPECT_EQ(cache.ReadyTime(0, "img", 1, 10), 11);
  EXPECT_EQ(cache.ReadyTime(0, "img", 5, 10), 11);   // joins the pull under way
  EXPECT_EQ(cache.ReadyTime(0, "img", 20, 10), 20);  // already there
  EXPECT_EQ(cache.ReadyTime(1, "img", 20, 10), 30);  // another node pulls its own
  EXPECT_EQ(cache.ReadyTime(0, "other", 20, 3), 23);
  EXPECT_EQ(cache.pulls(), 3);
  sim::ImageCache uncached(1, /*cached=*/false);
  EXPECT_EQ(uncached.ReadyTime(0, "img", 0, 2), 2);
  EXPECT_EQ(uncached.ReadyTime(0, "img", 5, 2), 7);
  EXPECT_EQ(uncached.pulls(), 2);
}

TEST(Quantile, InterpolatesBetweenRanks) {
  std::vector<double> sorted = {1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(sim::Quantile(sorted, 0.5), 3);
  EXPECT_DOUBLE_EQ(sim::Quantile(sorted, 0.95), 4.8);
  EXPECT_DOUBLE_EQ(sim::Quantile(sorted, 1), 5);
  EXPECT_DOUBLE_EQ(sim::Quantile({}, 0.5), 0);
}

TEST(ComponentBehaviour, AmdahlOnAnIdleNode) {
  sim::ComponentBehaviour behaviour;
  behaviour.work_base = 1e9;
  behaviour.work_per_byte = 10;
  behaviour.serial_fraction = 0.2;
  EXPECT_DOUBLE_EQ(behaviour.Work(1e8), 2e9);
  // 2e9 flops: 0.4e9 serial at 1e9 (0.4 s) + 1.6e9 over 4 cores (0.4 s).
  EXPECT_DOUBLE_EQ(behaviour.IdleComputeTime(1e8, 4, 1e9), 0.8);
  // Half a core: everything at 0.5e9.
  EXPECT_DOUBLE_EQ(behaviour.IdleComputeTime(1e8, 0.5, 1e9), 4);
}

TEST(ComponentBehaviour, ParsesAndRejects) {
  YamlFile file = YamlFile::Parse(
      "ok: {work: {base: 2Gf, per_byte: 120}, serial_fraction: 0.4,\n"
      "     output: {files_per_input: 12, bytes_per_input_byte: 0.3, bytes: 2KB}}\n"
      "bad_fraction: {serial_fraction: 1.5}\n"
      "bad_key: {wrok: {base: 1}}\n"
      "negative: {work: {per_byte: -1}}\n",
      "b.yaml");
  sim::ComponentBehaviour ok = sim::ParseComponentBehaviour(file, file.root()["ok"]);
  EXPECT_EQ(ok.work_base, 2e9);
  EXPECT_EQ(ok.work_per_byte, 120);
  EXPECT_EQ(ok.serial_fraction, 0.4);
  EXPECT_EQ(ok.output_files_per_input, 12);
  EXPECT_EQ(ok.output_bytes, 2000);
  EXPECT_EQ(ok.output_bytes_per_input_byte, 0.3);
  for (const char* bad : {"bad_fraction", "bad_key", "negative"}) {
    try {
      sim::ParseComponentBehaviour(file, file.root()[bad]);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "b.yaml");
      EXPECT_GT(e.where().line, 1) << bad;
    }
  }
}

// Work as a power of the input size: per_byte is the cost of a byte at reference_size, and an
// exponent of 1 is the line exactly (its reference size plays no part).
TEST(ComponentBehaviour, PowerLawWork) {
  sim::ComponentBehaviour behaviour;
  behaviour.work_base = 5e8;
  behaviour.work_per_byte = 10;
  behaviour.work_reference_bytes = 1e6;
  EXPECT_EQ(behaviour.Work(3e6), 5e8 + 10 * 3e6);
  behaviour.work_exponent = 2;
  EXPECT_DOUBLE_EQ(behaviour.Work(1e6), 5e8 + 1e7);
  EXPECT_DOUBLE_EQ(behaviour.Work(3e6), 5e8 + 9e7);
  EXPECT_DOUBLE_EQ(behaviour.Work(0), 5e8);
  behaviour.work_exponent = 0.5;
  EXPECT_DOUBLE_EQ(behaviour.Work(4e6), 5e8 + 2e7);
  // The time off the CPU stays linear whatever the exponent.
  behaviour.off_cpu_per_byte = 1e-9;
  EXPECT_DOUBLE_EQ(behaviour.OffCpuSeconds(4e6), 4e-3);
}

// On top of a calibrated power (underneath), an entry changes only what it gives: an exponent
// keeps the reference size underneath, a base keeps both; without one underneath, an exponent
// other than 1 still needs its reference size.
TEST(ComponentBehaviour, PowerLawWorkMergesValueByValue) {
  sim::ComponentBehaviour calibrated;
  calibrated.work_per_byte = 10;
  calibrated.work_exponent = 1.5;
  calibrated.work_reference_bytes = 1e6;
  YamlFile file = YamlFile::Parse(
      "exponent: {work: {exponent: 2}}\n"
      "base: {work: {base: 5e8}}\n"
      "reference: {work: {reference_size: 2MB}}\n",
      "b.yaml");
  sim::ComponentBehaviour e =
      sim::ParseComponentBehaviour(file, file.root()["exponent"], nullptr, &calibrated);
  EXPECT_EQ(e.work_exponent, 2);
  EXPECT_EQ(e.work_reference_bytes, 1e6);
  EXPECT_DOUBLE_EQ(e.Work(2e6), 10 * 1e6 * 4);
  sim::ComponentBehaviour b =
      sim::ParseComponentBehaviour(file, file.root()["base"], nullptr, &calibrated);
  EXPECT_EQ(b.work_exponent, 1.5);
  EXPECT_EQ(b.work_reference_bytes, 1e6);
  EXPECT_EQ(b.work_base, 5e8);
  sim::ComponentBehaviour r =
      sim::ParseComponentBehaviour(file, file.root()["reference"], nullptr, &calibrated);
  EXPECT_EQ(r.work_reference_bytes, 2e6);
  EXPECT_EQ(r.work_exponent, 1.5);
  EXPECT_THROW(sim::ParseComponentBehaviour(file, file.root()["exponent"]), InputError);
  EXPECT_THROW(sim::ParseComponentBehaviour(file, file.root()["reference"]), InputError);
}

// Output bytes through a negative constant (a video's container bytes make no frames): allowed
// with a rate per input byte, never below 0; alone, a negative size is refused.
TEST(ComponentBehaviour, OutputBytesMayHaveANegativeConstantWithARate) {
  YamlFile file = YamlFile::Parse(
      "frames: {output: {bytes: -120000, bytes_per_input_byte: 10}}\n"
      "negative_alone: {output: {bytes: -1000}}\n",
      "b.yaml");
  sim::ComponentBehaviour frames = sim::ParseComponentBehaviour(file, file.root()["frames"]);
  EXPECT_EQ(frames.OutputBytes(17200), 52000);
  EXPECT_EQ(frames.OutputBytes(1000), 0);
  EXPECT_THROW(sim::ParseComponentBehaviour(file, file.root()["negative_alone"]), InputError);
}

// A file count that grows with the input (frames of a video): the constant may then be negative,
// the count is rounded and never below 0; alone, the constant must be a count >= 0.
TEST(ComponentBehaviour, OutputFilesFollowTheInputSize) {
  YamlFile file = YamlFile::Parse(
      "frames: {output: {files_per_input: -1.68, files_per_input_byte: 1.757e-4}}\n"
      "rate_only: {output: {files_per_input_byte: 1e-6}}\n"
      "negative_count: {output: {files_per_input: -1}}\n"
      "negative_rate: {output: {files_per_input_byte: -1e-6}}\n",
      "b.yaml");
  sim::ComponentBehaviour frames = sim::ParseComponentBehaviour(file, file.root()["frames"]);
  EXPECT_EQ(frames.OutputFiles(32358), 4);  // -1.68 + 5.69 = 4.01
  EXPECT_EQ(frames.OutputFiles(55129), 8);  // -1.68 + 9.69 = 8.01
  EXPECT_EQ(frames.OutputFiles(1000), 0);   // never negative
  sim::ComponentBehaviour rate_only = sim::ParseComponentBehaviour(file, file.root()["rate_only"]);
  EXPECT_EQ(rate_only.output_files_per_input, 0);
  EXPECT_EQ(rate_only.OutputFiles(12.6e6), 13);
  EXPECT_EQ(sim::ComponentBehaviour{}.OutputFiles(1e9), 1);  // the default: one file per job
  for (const char* bad : {"negative_count", "negative_rate"}) {
    try {
      sim::ParseComponentBehaviour(file, file.root()[bad]);
      ADD_FAILURE() << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "b.yaml");
      EXPECT_GE(e.where().line, 3) << bad;
    }
  }
}

}  // namespace
}  // namespace twinprof::test
