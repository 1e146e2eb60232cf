// ComponentBehaviour: what one job of a component does, as the simulator sees it.
//
// It is the one structure a calibration (Ceres) fills: four numbers for the work and its
// parallelism, three for the output. Everything is linear in the job's input size:
//
//   work (flops)        = work_base + work_per_byte * input_bytes
//   output bytes (job)  = output_bytes + output_bytes_per_input_byte * input_bytes
//   output files (job)  = output_files_per_input, each of (output bytes / output files) bytes
//
// The work runs with Amdahl's law over the container's `cpu` cores c on a node whose cores run
// at `speed` flops per second: a serial part (serial_fraction of the work, on one core or on c
// cores' worth when c < 1) then a parallel part spread over c cores. On an otherwise idle node:
//
//   compute time = work * s / (speed * min(1, c)) + work * (1 - s) / (speed * c)
//
// Concurrent jobs on one node share its cores (processor sharing), so they take longer.
#pragma once

#include <string>

#include "core/error.h"
#include "core/yaml_file.h"

namespace twinprof {

struct ComponentBehaviour {
  double work_base = 0;        // flops per job
  double work_per_byte = 0;    // flops per input byte
  double serial_fraction = 0;  // in [0, 1]
  int output_files_per_input = 1;
  double output_bytes = 0;                 // bytes per job, whatever the input
  double output_bytes_per_input_byte = 0;  // bytes of output per input byte

  double Work(double input_bytes) const { return work_base + work_per_byte * input_bytes; }
  double OutputBytes(double input_bytes) const {
    return output_bytes + output_bytes_per_input_byte * input_bytes;
  }
  // The compute time on an idle node (the formula above).
  double IdleComputeTime(double input_bytes, double cpu, double speed) const;
};

// Reads a behaviour map:
//   {work: {base: 2e9, per_byte: 120}, serial_fraction: 0.4,
//    output: {files_per_input: 12, bytes_per_input_byte: 0.3, bytes: 2KB}}
// Every key is optional (defaults above). Throws InputError at the offending node: negative
// numbers, a serial fraction outside [0, 1], unknown keys.
ComponentBehaviour ParseComponentBehaviour(const YamlFile& file, const YAML::Node& node);

}  // namespace twinprof
