// ComponentBehaviour: what one job of a component does, as the simulator sees it.
//
// It is the one structure a calibration (Ceres) fills: the work and its parallelism, the time off
// the CPU, the output. Everything but the work is linear in the job's input size b; the work's
// size-dependent part may follow a power of it (a complexity exponent e, default 1):
//
//   work (flops)        = work_base + work_per_byte * b                     (e = 1)
//                       = work_base + work_per_byte * r * (b / r)^e          (e != 1)
//
// r (`reference_size`, bytes, required with e != 1) is the size at which work_per_byte is the
// cost of one byte: per_byte keeps its unit, flops per input byte, and its meaning at r (a
// calibration writes the mean input size of its jobs there), so per_byte and e are nearly
// independent (per_byte * b^e, in flops per byte^e, would tie per_byte's scale to e). A JPEG's
// bytes grow more slowly than its pixels: grayify's CPU seconds follow e of about 1.3.
//
//   output bytes (job)  = output_bytes + output_bytes_per_input_byte * b, at least 0 (with a
//                         rate, output_bytes may be negative)
//   output files (job)  = round(output_files_per_input + output_files_per_input_byte * b), at
//                         least 0, each of (output bytes / output files) bytes (with a rate per
//                         byte, output_files_per_input may be negative)
//
// (A component that splits a video into frames writes more files for a longer video: its file
// count grows with the input size, and each file is about the same size.)
//
// The work runs with Amdahl's law over the container's `cpu` cores c on a node whose cores run
// at `speed` flops per second: a serial part (serial_fraction of the work, on one core or on c
// cores' worth when c < 1) then a parallel part spread over c cores. On an otherwise idle node:
//
//   compute time = work * s / (speed * min(1, c)) + work * (1 - s) / (speed * c)
//
// Concurrent jobs on one node share its cores (processor sharing), so they take longer.
//
// Part of a real job's compute phase is spent off the CPU (reading and writing files, waiting for
// a child process, sleeping): `off_cpu`, linear in the input size whatever the work's exponent
// (it is mostly file I/O and process start, which grow with the bytes moved, not with the
// computation's complexity; and one exponent is all three input sizes can identify beside it),
//
//   off-CPU seconds     = off_cpu_base + off_cpu_per_byte * b
//
// The job computes its work, then spends these seconds holding no core (an actor sleep): other
// jobs' sharing and interference do not stretch them, and they slow no other job. On an idle
// node the compute phase is the time above plus these seconds. With `service_time` or `model`
// the drawn or predicted seconds are the whole compute phase on an idle node, off-CPU part
// included (they come from measured compute times, which include it): the off-CPU seconds (at
// most all of them) are spent asleep and the rest becomes work. Default 0: no sleep.
//
// Two per node type refinements (a calibration fits them; absent = no effect):
// - speed_factor[T]: the component runs speed_factor times faster per core on node type T than
//   the type's speed says (architectures speed programs up differently).
// - interference[T] = a: while n jobs (of any component) compute on one node of type T, this
//   component's job progresses 1 + a * (n - 1) times slower than processor sharing alone allows
//   (memory bandwidth, caches). It is applied as the simulation runs (sim/interference.h), so the
//   slowdown follows the node's occupancy moment by moment. a = 0 keeps the formula exact.
//
// Instead of the work, a component may draw each job's compute time on an idle node from a
// distribution (`service_time`, sim/service_time.h); the time is then turned into work with the
// same formula, so contention is still simulated. A cold request (one its container started for,
// or that waited for a starting container; every asynchronous job) may draw from a distribution
// of its own (`cold_service_time`): a fresh runtime's first request is often slower (lazy
// loading, JIT, empty caches), and serverless models such as SimFaaS give the cold request's
// duration as one distribution.
// With `model: PATH` an ML model predicts each job's compute seconds instead (the hybrid), turned
// into work the same way. See compute_time_model.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/yaml_file.h"
#include "platform/platform.h"
#include "sim/compute_time_model.h"
#include "sim/service_time.h"

namespace twinprof::sim {

struct ComponentBehaviour {
  double work_base = 0;                        // flops per job
  double work_per_byte = 0;                    // flops per input byte (at work_reference_bytes)
  double work_exponent = 1;                    // in (0, kMaxWorkExponent]
  double work_reference_bytes = 0;             // r above; > 0 when work_exponent != 1
  double serial_fraction = 0;                  // in [0, 1]
  double off_cpu_base = 0;                     // seconds off the CPU per job
  double off_cpu_per_byte = 0;                 // seconds off the CPU per input byte
  double output_files_per_input = 1;           // files per job, whatever the input
  double output_files_per_input_byte = 0;      // files per input byte
  double output_bytes = 0;                     // bytes per job, whatever the input
  double output_bytes_per_input_byte = 0;      // bytes of output per input byte
  std::map<std::string, double> speed_factor;  // by node type; absent = 1
  std::map<std::string, double> interference;  // by node type; absent = 0
  // `model: PATH` (resolved against the file that names it): an ML model gives the job's compute
  // seconds instead of `work`. The predict module loads it into `compute_model`; a scenario whose
  // model is not loaded cannot be simulated.
  std::string model_path;
  std::shared_ptr<const ComputeTimeModel> compute_model;

  ServiceTime service_time;  // kModel: the work above
  // The compute time of a cold request; kModel (absent): as a warm one's.
  ServiceTime cold_service_time;

  double SpeedFactor(const std::string& node_type) const;
  double Interference(const std::string& node_type) const;

  // The formula above; with e = 1 exactly base + per_byte * b (r plays no part).
  double Work(double input_bytes) const {
    if (work_exponent == 1) return work_base + work_per_byte * input_bytes;
    return work_base + work_per_byte * work_reference_bytes *
                           std::pow(input_bytes / work_reference_bytes, work_exponent);
  }
  double OffCpuSeconds(double input_bytes) const {
    return std::max(0.0, off_cpu_base + off_cpu_per_byte * input_bytes);
  }
  double OutputBytes(double input_bytes) const {
    return std::max(0.0, output_bytes + output_bytes_per_input_byte * input_bytes);
  }
  // The number of output files of a job (the formula above; never negative).
  int OutputFiles(double input_bytes) const;
  // The compute phase on an idle node: the formula above plus the off-CPU seconds.
  double IdleComputeTime(double input_bytes, double cpu, double speed) const;
  // The work that computes for `seconds` on an idle node (the inverse of the formula above,
  // without off-CPU time).
  double WorkForSeconds(double seconds, double cpu, double speed) const;
};

// The largest work exponent a scenario may give (a cubic is already extreme for per-job work).
inline constexpr double kMaxWorkExponent = 4;

// Reads a behaviour map:
//   {work: {base: 2e9, per_byte: 120}, serial_fraction: 0.4, off_cpu: {base: 50ms, per_byte: 1e-9},
//    output: {files_per_input: 12, bytes_per_input_byte: 0.3, bytes: 2KB},
//    (or output: {files_per_input: 0, files_per_input_byte: 1.2e-5, ...}: files grow with input)
//    speed_factor: {rpi4: 1.3}, interference: {vm-medium: 0.05}}
// (or work: {base: 0, per_byte: 2460, exponent: 1.3, reference_size: 32KB}: a power law)
// with, instead of `work`, either `model: PATH/best.model` (the hybrid) or `service_time:
// {distribution: exponential, mean: 2s}` (sim/service_time.h), and optionally
// `cold_service_time: {distribution: ...}` (a distribution, not a model) for cold requests.
// Every key is optional (defaults above). Throws InputError at the offending node: negative
// numbers (an off_cpu base is a duration, its per_byte seconds per byte), a work exponent outside
// (0, 4], an exponent other than 1 without a reference_size > 0 (here or underneath; or a
// reference_size without an exponent), a serial fraction outside [0, 1], a speed factor that is
// not positive, a bad distribution, `work` beside `model` or a service_time distribution, a model
// file that does not exist, unknown keys, and (when `platform` is given) node types the platform
// lacks.
//
// With `underneath` (the behaviour an earlier source gave the component: a calibration, a
// behaviour_file), the entry overrides only what it gives, value by value: `{work: {base: 8e9}}`
// keeps the per_byte (and exponent, reference_size) underneath, `{speed_factor: {rpi4: 1.3}}` the
// other node types' factors. Giving `work`, `model` or `service_time` replaces how the compute time
// is set underneath (a model or a distribution there is dropped for `work`, and so on). So `--set
// behaviour.C.serial_fraction=0.2` on a calibrated scenario changes that one number.
ComponentBehaviour ParseComponentBehaviour(const YamlFile& file, const YAML::Node& node,
                                           const platform::Platform* platform = nullptr,
                                           const ComponentBehaviour* underneath = nullptr);

}  // namespace twinprof::sim
