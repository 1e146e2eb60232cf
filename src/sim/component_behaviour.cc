#include "sim/component_behaviour.h"

#include <algorithm>
#include <limits>

namespace twinprof {

double ComponentBehaviour::IdleComputeTime(double input_bytes, double cpu, double speed) const {
  const double work = Work(input_bytes);
  return work * serial_fraction / (speed * std::min(1.0, cpu)) +
         work * (1 - serial_fraction) / (speed * cpu);
}

namespace {

double NonNegative(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  double value = file.Number(node, what);
  if (!(value >= 0)) file.Fail(node, std::string(what) + " must be a number >= 0");
  return value;
}

}  // namespace

ComponentBehaviour ParseComponentBehaviour(const YamlFile& file, const YAML::Node& node) {
  file.ExpectMap(node, "a component behaviour");
  file.CheckKeys(node, {"work", "serial_fraction", "output"}, "a component behaviour", nullptr);
  ComponentBehaviour behaviour;
  if (YAML::Node work = YamlFile::Optional(node, "work"); work) {
    file.ExpectMap(work, "'work'");
    file.CheckKeys(work, {"base", "per_byte"}, "'work'", nullptr);
    if (YAML::Node base = YamlFile::Optional(work, "base"); base) {
      behaviour.work_base = file.Flops(base, "work base (flops)");
    }
    if (YAML::Node per_byte = YamlFile::Optional(work, "per_byte"); per_byte) {
      behaviour.work_per_byte = NonNegative(file, per_byte, "work per_byte (flops per byte)");
    }
  }
  if (YAML::Node serial = YamlFile::Optional(node, "serial_fraction"); serial) {
    behaviour.serial_fraction = file.Number(serial, "serial_fraction");
    if (!(behaviour.serial_fraction >= 0 && behaviour.serial_fraction <= 1)) {
      file.Fail(serial, "serial_fraction must be between 0 and 1");
    }
  }
  if (YAML::Node output = YamlFile::Optional(node, "output"); output) {
    file.ExpectMap(output, "'output'");
    file.CheckKeys(output, {"files_per_input", "bytes", "bytes_per_input_byte"}, "'output'",
                   nullptr);
    if (YAML::Node files = YamlFile::Optional(output, "files_per_input"); files) {
      behaviour.output_files_per_input =
          static_cast<int>(file.Integer(files, "output files_per_input", 0, 1000000));
    }
    if (YAML::Node bytes = YamlFile::Optional(output, "bytes"); bytes) {
      behaviour.output_bytes = file.Size(bytes, "output bytes");
    }
    if (YAML::Node ratio = YamlFile::Optional(output, "bytes_per_input_byte"); ratio) {
      behaviour.output_bytes_per_input_byte =
          NonNegative(file, ratio, "output bytes_per_input_byte");
    }
  }
  return behaviour;
}

}  // namespace twinprof
