#include "sim/component_behaviour.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/relative_path.h"

namespace twinprof::sim {

double ComponentBehaviour::IdleComputeTime(double input_bytes, double cpu, double speed) const {
  const double work = Work(input_bytes);
  return work * serial_fraction / (speed * std::min(1.0, cpu)) +
         work * (1 - serial_fraction) / (speed * cpu) + OffCpuSeconds(input_bytes);
}

int ComponentBehaviour::OutputFiles(double input_bytes) const {
  const double files = output_files_per_input + output_files_per_input_byte * input_bytes;
  // Capped as the loader caps files_per_input: a runaway rate must not exhaust memory.
  return static_cast<int>(std::clamp(std::round(files), 0.0, 1e6));
}

double ComponentBehaviour::SpeedFactor(const std::string& node_type) const {
  auto found = speed_factor.find(node_type);
  return found != speed_factor.end() ? found->second : 1.0;
}

double ComponentBehaviour::Interference(const std::string& node_type) const {
  auto found = interference.find(node_type);
  return found != interference.end() ? found->second : 0.0;
}

double ComponentBehaviour::WorkForSeconds(double seconds, double cpu, double speed) const {
  return seconds /
         (serial_fraction / (speed * std::min(1.0, cpu)) + (1 - serial_fraction) / (speed * cpu));
}

namespace {

double NonNegative(const YamlFile& file, const YAML::Node& node, std::string_view what) {
  double value = file.Number(node, what);
  if (!(value >= 0)) file.Fail(node, std::string(what) + " must be a number >= 0");
  return value;
}

// A {node_type: number} map; `positive` demands > 0, else >= 0.
std::map<std::string, double> PerNodeType(const YamlFile& file, const YAML::Node& node,
                                          const std::string& what, bool positive,
                                          const platform::Platform* platform) {
  file.ExpectMap(node, what + " ({node_type: number})");
  std::map<std::string, double> values;
  for (const auto& entry : node) {
    std::string type = file.String(entry.first, "a node type");
    if (platform != nullptr && platform->FindNodeType(type) == nullptr) {
      file.Fail(entry.first, what + ": the platform has no node type '" + type + "'");
    }
    double value = file.Number(entry.second, what);
    if (positive ? !(value > 0 && value < 1e6) : !(value >= 0 && value < 1e6)) {
      file.Fail(entry.second, what + " must be " + (positive ? "> 0" : ">= 0") + " (and < 1e6)");
    }
    values[type] = value;
  }
  return values;
}

}  // namespace

ComponentBehaviour ParseComponentBehaviour(const YamlFile& file, const YAML::Node& node,
                                           const platform::Platform* platform,
                                           const ComponentBehaviour* underneath) {
  file.ExpectMap(node, "a component behaviour");
  file.CheckKeys(node,
                 {"work", "model", "serial_fraction", "off_cpu", "output", "speed_factor",
                  "interference", "service_time", "cold_service_time"},
                 "a component behaviour", nullptr);
  ComponentBehaviour behaviour = underneath != nullptr ? *underneath : ComponentBehaviour{};
  // What sets a job's compute time (work, a model, or a drawn service time) is one choice: the
  // entry's choice replaces the one underneath; the values it does not give stay.
  if (YamlFile::Optional(node, "work") || YamlFile::Optional(node, "model") ||
      YamlFile::Optional(node, "service_time")) {
    behaviour.model_path.clear();
    behaviour.compute_model.reset();
    behaviour.service_time = ServiceTime{};
  }
  if (YAML::Node model = YamlFile::Optional(node, "model"); model) {
    if (YamlFile::Optional(node, "work")) {
      file.Fail(model, "give either 'work' or 'model' (the model predicts the compute time)");
    }
    namespace fs = std::filesystem;
    behaviour.model_path = ResolveRelativeTo(
        file.path(), file.String(model, "model (a model file written by twinprof train)"));
    std::error_code error;
    if (!fs::is_regular_file(behaviour.model_path, error)) {
      file.Fail(model, "model file '" + behaviour.model_path + "' does not exist");
    }
  }
  if (YAML::Node work = YamlFile::Optional(node, "work"); work) {
    file.ExpectMap(work, "'work'");
    file.CheckKeys(work, {"base", "per_byte", "exponent", "reference_size"}, "'work'", nullptr);
    if (YAML::Node base = YamlFile::Optional(work, "base"); base) {
      behaviour.work_base = file.Flops(base, "work base (flops)");
    }
    if (YAML::Node per_byte = YamlFile::Optional(work, "per_byte"); per_byte) {
      behaviour.work_per_byte = NonNegative(file, per_byte, "work per_byte (flops per byte)");
    }
    YAML::Node exponent = YamlFile::Optional(work, "exponent");
    YAML::Node reference = YamlFile::Optional(work, "reference_size");
    if (exponent) {
      behaviour.work_exponent = file.Number(exponent, "work exponent");
      if (!(behaviour.work_exponent > 0 && behaviour.work_exponent <= kMaxWorkExponent)) {
        file.Fail(exponent, "work exponent must be > 0 and at most 4");
      }
    }
    // Either may come from underneath (a calibration's power, an entry changing its exponent).
    if (reference) {
      if (!exponent && behaviour.work_exponent == 1) {
        file.Fail(reference,
                  "work reference_size is the size at which per_byte holds under an exponent: "
                  "give 'exponent' too, or leave it out");
      }
      behaviour.work_reference_bytes = file.Size(reference, "work reference_size (bytes)");
      if (!(behaviour.work_reference_bytes > 0)) {
        file.Fail(reference, "work reference_size must be a size > 0");
      }
    } else if (exponent && behaviour.work_exponent != 1 && !(behaviour.work_reference_bytes > 0)) {
      file.Fail(exponent,
                "a work exponent other than 1 needs 'reference_size' (the input size at which "
                "per_byte is the cost of one byte, e.g. the mean input: 32KB)");
    }
  }
  if (YAML::Node off = YamlFile::Optional(node, "off_cpu"); off) {
    file.ExpectMap(off, "'off_cpu' ({base: seconds, per_byte: seconds per input byte})");
    file.CheckKeys(off, {"base", "per_byte"}, "'off_cpu'", nullptr);
    if (YAML::Node base = YamlFile::Optional(off, "base"); base) {
      behaviour.off_cpu_base = file.Duration(base, "off_cpu base (seconds)");
      if (!(behaviour.off_cpu_base >= 0 && behaviour.off_cpu_base <= 86400)) {
        file.Fail(base, "off_cpu base must be a duration >= 0 and at most one day");
      }
    }
    if (YAML::Node per_byte = YamlFile::Optional(off, "per_byte"); per_byte) {
      behaviour.off_cpu_per_byte =
          NonNegative(file, per_byte, "off_cpu per_byte (seconds per input byte)");
    }
  }
  if (YAML::Node time = YamlFile::Optional(node, "service_time"); time) {
    behaviour.service_time = ParseServiceTime(file, time);
    if (!behaviour.service_time.FromModel() && YamlFile::Optional(node, "work")) {
      file.Fail(time, "give either work or a service_time distribution, not both");
    }
  }
  if (YAML::Node time = YamlFile::Optional(node, "cold_service_time"); time) {
    behaviour.cold_service_time = ParseServiceTime(file, time, "cold_service_time");
    if (behaviour.cold_service_time.FromModel()) {
      file.Fail(time,
                "cold_service_time must be a distribution (leave it out to draw cold requests' "
                "times as warm ones')");
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
    file.CheckKeys(output,
                   {"files_per_input", "files_per_input_byte", "bytes", "bytes_per_input_byte"},
                   "'output'", nullptr);
    YAML::Node files = YamlFile::Optional(output, "files_per_input");
    YAML::Node files_per_byte = YamlFile::Optional(output, "files_per_input_byte");
    if (files_per_byte) {
      behaviour.output_files_per_input_byte =
          NonNegative(file, files_per_byte, "output files_per_input_byte");
      behaviour.output_files_per_input = 0;  // unless given: the files come from the input alone
    }
    if (files) {
      // With a rate per byte the constant may be negative (bytes that hold no file: a video's
      // container); alone it is a count.
      behaviour.output_files_per_input = behaviour.output_files_per_input_byte > 0
                                             ? file.Number(files, "output files_per_input")
                                             : NonNegative(file, files, "output files_per_input");
      if (std::abs(behaviour.output_files_per_input) > 1e6) {
        file.Fail(files, "output files_per_input must be at most 1000000");
      }
    }
    if (YAML::Node ratio = YamlFile::Optional(output, "bytes_per_input_byte"); ratio) {
      behaviour.output_bytes_per_input_byte =
          NonNegative(file, ratio, "output bytes_per_input_byte");
    }
    if (YAML::Node bytes = YamlFile::Optional(output, "bytes"); bytes) {
      // With a rate per input byte the constant may be a negative number of bytes (input bytes
      // that make no output: a video container's, when frames are written); alone it is a size.
      const bool negative_number = bytes.IsScalar() && !bytes.Scalar().empty() &&
                                   bytes.Scalar()[0] == '-' &&
                                   behaviour.output_bytes_per_input_byte > 0;
      behaviour.output_bytes =
          negative_number ? file.Number(bytes, "output bytes") : file.Size(bytes, "output bytes");
    }
  }
  // Per node type: the entry's node types replace theirs, the others' values stay.
  if (YAML::Node factors = YamlFile::Optional(node, "speed_factor"); factors) {
    for (const auto& [type, factor] : PerNodeType(file, factors, "speed_factor", true, platform)) {
      behaviour.speed_factor[type] = factor;
    }
  }
  if (YAML::Node interference = YamlFile::Optional(node, "interference"); interference) {
    for (const auto& [type, a] : PerNodeType(file, interference, "interference", false, platform)) {
      behaviour.interference[type] = a;
    }
  }
  return behaviour;
}

}  // namespace twinprof::sim
