#include "sim/calibration_file.h"

namespace twinprof::sim {

namespace {

void ApplyNodeTypes(const YamlFile& file, const YAML::Node& node, platform::Platform& platform) {
  file.ExpectMap(node, "'node_types' ({node_type: {speed: flops}})");
  for (const auto& entry : node) {
    std::string name = file.String(entry.first, "a node type");
    platform::NodeType* type = platform.FindNodeType(name);
    if (type == nullptr) file.Fail(entry.first, "the platform has no node type '" + name + "'");
    file.ExpectMap(entry.second, "a node type's calibrated values ({speed: flops})");
    file.CheckKeys(entry.second, {"speed"}, "a node type's calibrated values", nullptr);
    if (YAML::Node speed = YamlFile::Optional(entry.second, "speed"); speed) {
      type->speed = file.Flops(speed, "speed");
      if (!(type->speed > 0 && type->speed <= platform::PlatformLimits::kMaxSpeed)) {
        file.Fail(speed, "speed must be > 0 and at most 1 Pf");
      }
      type->where = file.Where(speed);
    }
  }
}

void ApplyClusters(const YamlFile& file, const YAML::Node& node, platform::Platform& platform) {
  file.ExpectMap(node, "'clusters' ({cluster: {storage: {bandwidth, latency}}})");
  for (const auto& entry : node) {
    std::string name = file.String(entry.first, "a cluster");
    platform::Cluster* cluster = platform.FindCluster(name);
    if (cluster == nullptr) file.Fail(entry.first, "the platform has no cluster '" + name + "'");
    file.ExpectMap(entry.second, "a cluster's calibrated values ({storage: ...})");
    file.CheckKeys(entry.second, {"storage"}, "a cluster's calibrated values", nullptr);
    YAML::Node storage = YamlFile::Optional(entry.second, "storage");
    if (!storage) continue;
    file.ExpectMap(storage, "'storage' ({bandwidth, latency})");
    file.CheckKeys(storage, {"bandwidth", "latency"}, "'storage'", nullptr);
    if (YAML::Node bandwidth = YamlFile::Optional(storage, "bandwidth"); bandwidth) {
      cluster->storage.bandwidth = file.Bandwidth(bandwidth, "storage bandwidth");
      if (!(cluster->storage.bandwidth > 0 &&
            cluster->storage.bandwidth <= platform::PlatformLimits::kMaxBandwidth)) {
        file.Fail(bandwidth, "storage bandwidth must be > 0 and at most 1 PBps");
      }
    }
    if (YAML::Node latency = YamlFile::Optional(storage, "latency"); latency) {
      cluster->storage.latency = file.Duration(latency, "storage latency");
      if (!(cluster->storage.latency >= 0 &&
            cluster->storage.latency <= platform::PlatformLimits::kMaxLatency)) {
        file.Fail(latency, "storage latency must be >= 0 and at most 1 hour");
      }
    }
  }
}

void ApplyOverheads(const YamlFile& file, const YAML::Node& node, platform::Overheads& overheads) {
  file.ExpectMap(node, "'overheads'");
  file.CheckKeys(node, {"scheduling", "pod_start", "image_pull_bandwidth"}, "'overheads'", nullptr);
  auto duration = [&](const char* key, double& value) {
    if (YAML::Node given = YamlFile::Optional(node, key); given) {
      value = file.Duration(given, key);
      if (!(value >= 0 && value <= platform::PlatformLimits::kMaxOverhead)) {
        file.Fail(given, std::string(key) + " must be >= 0 and at most one day");
      }
    }
  };
  duration("scheduling", overheads.scheduling_s);
  duration("pod_start", overheads.pod_start_s);
  if (YAML::Node pull = YamlFile::Optional(node, "image_pull_bandwidth"); pull) {
    overheads.image_pull_bandwidth = file.Bandwidth(pull, "image_pull_bandwidth");
    if (!(overheads.image_pull_bandwidth > 0 &&
          overheads.image_pull_bandwidth <= platform::PlatformLimits::kMaxBandwidth)) {
      file.Fail(pull, "image_pull_bandwidth must be > 0 and at most 1 PBps");
    }
  }
}

}  // namespace

void ApplyCalibrationFile(const std::string& path, const workflow::Workflow& workflow,
                          platform::Platform& platform, std::vector<ComponentBehaviour>& behaviours,
                          std::vector<bool>& given) {
  YamlFile file = YamlFile::Load(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "a calibration file");
  file.CheckKeys(root,
                 {"format", "workflow", "reference_node_type", "behaviour", "node_types",
                  "clusters", "overheads", "fit"},
                 "a calibration file", nullptr);
  YAML::Node format = file.Required(root, "format");
  if (file.String(format, "format") != kCalibrationFormat) {
    file.Fail(format, std::string("format must be ") + kCalibrationFormat);
  }
  if (YAML::Node name = YamlFile::Optional(root, "workflow"); name) {
    std::string fitted = file.String(name, "workflow");
    if (fitted != workflow.name()) {
      file.Fail(name, "this calibration is for workflow '" + fitted + "', the scenario runs '" +
                          workflow.name() + "'");
    }
  }
  // A calibration fitted on another platform (its reference node type is not in this one) is
  // transferred: its behaviours apply, their work in flops at the reference type's speed, so that
  // this platform's node speeds say how fast the components run here. What belongs to the measured
  // platform (node speeds, storage links, overheads, per node type factors) does not apply.
  bool transferred = false;
  if (YAML::Node reference = YamlFile::Optional(root, "reference_node_type"); reference) {
    std::string name = file.String(reference, "reference_node_type");
    transferred = platform.FindNodeType(name) == nullptr;
  }
  if (!transferred) {
    if (YAML::Node types = YamlFile::Optional(root, "node_types"); types) {
      ApplyNodeTypes(file, types, platform);
    }
    if (YAML::Node clusters = YamlFile::Optional(root, "clusters"); clusters) {
      ApplyClusters(file, clusters, platform);
    }
    if (YAML::Node overheads = YamlFile::Optional(root, "overheads"); overheads) {
      ApplyOverheads(file, overheads, platform.overheads);
    }
  }
  if (YAML::Node section = YamlFile::Optional(root, "behaviour"); section) {
    file.ExpectMap(section, "'behaviour' ({component: {work: ..., ...}})");
    for (const auto& entry : section) {
      std::string name = file.String(entry.first, "a component name");
      std::optional<workflow::ComponentId> id = workflow.Find(name);
      if (!id) file.Fail(entry.first, "the workflow has no component '" + name + "'");
      behaviours[*id] =
          ParseComponentBehaviour(file, entry.second, transferred ? nullptr : &platform);
      given[*id] = true;
    }
  }
  if (YAML::Node fit = YamlFile::Optional(root, "fit"); fit) file.ExpectMap(fit, "'fit'");
}

}  // namespace twinprof::sim
