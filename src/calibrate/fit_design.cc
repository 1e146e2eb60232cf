#include "calibrate/fit_design.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace twinprof::calibrate {

namespace {

// Input sizes closer than this (relative to the smaller) are one size for identifying the
// exponent: frames of one resolution differ by a few percent, and that spread is not a design.
constexpr double kDistinctSizes = 0.10;
// A size-dependent part that changes the work by less than this across the input sizes cannot
// tell a power from a line.
constexpr double kMinSizeEffect = 0.10;

}  // namespace

FitDesign DescribeDesign(const sim::Scenario& scenario, const MeasuredJobs& measured,
                         const std::string& reference_node_type,
                         const std::vector<std::string>& exponent_held) {
  const platform::Platform& platform = scenario.platform;
  const size_t components = scenario.workflow.size();
  FitDesign d;

  // The reference node type: given, or the one with most jobs.
  std::map<std::string, int>& jobs_per_type = d.jobs_per_type;
  for (const MeasuredJob& job : measured.jobs) ++jobs_per_type[job.node_type];
  d.reference = reference_node_type;
  if (d.reference.empty()) {
    int most = -1;
    for (const auto& [type, count] : jobs_per_type) {
      if (count > most) most = count, d.reference = type;
    }
  } else if (platform.FindNodeType(d.reference) == nullptr) {
    throw InputError("--reference: the platform has no node type '" + d.reference + "'");
  }
  const std::string& reference = d.reference;
  d.reference_speed = platform.FindNodeType(reference)->speed;
  const double reference_speed = d.reference_speed;

  // What the design shows, per component and per (component, node type).
  d.mean_input.assign(components, 0);
  d.min_input.assign(components, INFINITY);
  d.max_input.assign(components, 0);
  std::vector<double>& mean_input = d.mean_input;
  std::vector<double>& min_input = d.min_input;
  std::vector<double>& max_input = d.max_input;
  std::vector<std::set<double>> cpus(components), sizes(components);
  d.count.assign(components, 0);
  std::vector<int>& count = d.count;
  std::vector<int> with_cpu_time(components, 0);
  std::map<Pair, int> pair_jobs, pair_alone, pair_shared;
  d.types_of.resize(components);
  std::vector<std::set<std::string>>& types_of = d.types_of;
  for (const MeasuredJob& job : measured.jobs) {
    const JobRecord& r = *job.record;
    mean_input[job.component] += r.input_bytes;
    min_input[job.component] = std::min(min_input[job.component], r.input_bytes);
    max_input[job.component] = std::max(max_input[job.component], r.input_bytes);
    cpus[job.component].insert(r.cpu);
    sizes[job.component].insert(r.input_bytes);
    ++count[job.component];
    if (r.cpu_time_s > 0) ++with_cpu_time[job.component];
    Pair pair{job.component, job.node_type};
    ++pair_jobs[pair];
    const double others = job.MeanOthers();
    if (others <= 0.5) ++pair_alone[pair];
    if (others >= 1) ++pair_shared[pair];
    types_of[job.component].insert(job.node_type);
  }
  d.mean_compute.assign(components, 0);
  std::vector<double>& mean_compute = d.mean_compute;
  for (const MeasuredJob& job : measured.jobs) {
    mean_compute[job.component] += job.record->compute_s() / count[job.component];
  }
  for (size_t k = 0; k < components; ++k) {
    mean_input[k] = count[k] > 0 && mean_input[k] > 0 ? mean_input[k] / count[k] : 1;
  }

  // Priors (the scenario's values) and which parameters are free.
  Parameters& prior = d.prior;
  d.per_byte_free.resize(components);
  d.serial_free.resize(components);
  d.off_free.resize(components);
  d.exponent_free.resize(components);
  std::vector<bool>& per_byte_free = d.per_byte_free;
  std::vector<bool>& serial_free = d.serial_free;
  std::vector<bool>& off_free = d.off_free;
  std::vector<bool>& exponent_free = d.exponent_free;
  d.per_byte_why.resize(components);
  d.serial_why.resize(components);
  d.exponent_why.resize(components);
  std::vector<std::string>& per_byte_why = d.per_byte_why;
  std::vector<std::string>& serial_why = d.serial_why;
  std::vector<std::string>& exponent_why = d.exponent_why;
  for (size_t k = 0; k < components; ++k) {
    const sim::ComponentBehaviour& b = scenario.behaviours[k];
    prior.base.push_back(b.work_base / reference_speed);
    // The size-dependent work at the mean input, in reference-core seconds: per_byte * r *
    // (mean / r)^e, which is per_byte * mean when e = 1.
    const double at_mean = b.work_exponent == 1 ? b.work_per_byte * mean_input[k]
                                                : b.Work(mean_input[k]) - b.work_base;
    prior.per_byte.push_back(at_mean / reference_speed);
    prior.exponent.push_back(b.work_exponent);
    prior.serial.push_back(b.serial_fraction);
    prior.off_base.push_back(b.off_cpu_base);
    prior.off_per_byte.push_back(b.off_cpu_per_byte * mean_input[k]);
    // The CPU seconds tell the work from the time off the CPU: without them a compute time is
    // as well explained by either.
    off_free[k] = with_cpu_time[k] >= 3;
    per_byte_free[k] = max_input[k] > 0 && (max_input[k] - min_input[k]) > 0.05 * max_input[k];
    if (!per_byte_free[k]) per_byte_why[k] = "all its jobs had the same input size";
    int distinct = 0;
    double last = -1;
    for (double size : sizes[k]) {
      if (last < 0 || size > last * (1 + kDistinctSizes)) ++distinct;
      last = size;
    }
    exponent_free[k] = per_byte_free[k] && distinct >= 3;
    if (!per_byte_free[k]) {
      exponent_why[k] = per_byte_why[k];
    } else if (!exponent_free[k]) {
      exponent_why[k] = "its jobs had " + std::to_string(distinct) +
                        " input sizes (at least 10% apart): a power needs three";
    }
    const double max_cpu = cpus[k].empty() ? 0 : *cpus[k].rbegin();
    serial_free[k] = cpus[k].size() >= 2 && max_cpu > 1;
    if (!serial_free[k]) {
      serial_why[k] = cpus[k].size() < 2 ? "all its jobs ran with one cpu value"
                                         : "no job ran with more than one cpu";
    }
  }
  // Without jobs above one core their times cannot tell how a component would use more cores,
  // but its jobs at exactly one core can: one that never exceeded its 1-core quota (the cgroup's
  // throttling, JobRecord::throttled_fraction) ran one thread at a time. At c = 1 the parallel
  // part's share of the time is the share f of quota periods throttled, so s = 1 - f (Amdahl as
  // the simulator computes it). The estimate is kept fixed in the fit, as a prior would be.
  d.serial_from_throttling.resize(components);
  std::vector<FittedValue>& serial_from_throttling = d.serial_from_throttling;
  for (size_t k = 0; k < components; ++k) {
    if (serial_free[k]) continue;
    std::vector<double> serial;
    for (const MeasuredJob& job : measured.jobs) {
      const JobRecord& r = *job.record;
      if (job.component == k && std::abs(r.cpu - 1) < 1e-9 && std::isfinite(r.throttled_fraction)) {
        // At most 0.999: a fit held at exactly 1 (jobs never throttled) failed to start on the
        // quickstart's measurements, and 0.999 predicts the same times within 0.05% up to 2 cores.
        serial.push_back(1 - std::clamp(r.throttled_fraction, 0.001, 1.0));
      }
    }
    if (serial.size() < 3) continue;
    double mean = 0, squares = 0;
    for (double s : serial) mean += s / serial.size();
    for (double s : serial) squares += (s - mean) * (s - mean);
    const double n = static_cast<double>(serial.size());
    FittedValue& value = serial_from_throttling[k];
    value.value = mean;
    value.standard_error = std::sqrt(squares / (n - 1) / n);
    value.why = "from the CPU throttling of its " + std::to_string(serial.size()) +
                " jobs at cpu 1 (1 - the share of quota periods in which they wanted more)";
    prior.serial[k] = mean;
  }
  // A power needs a size-dependent part to bend: a line through the jobs' work (their CPU
  // seconds, else their compute times over the Amdahl factor of the prior serial fraction) must
  // rise by kMinSizeEffect of its mean across the input sizes.
  for (size_t k = 0; k < components; ++k) {
    if (!exponent_free[k]) continue;
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
    for (const MeasuredJob& job : measured.jobs) {
      if (job.component != k) continue;
      const JobRecord& r = *job.record;
      const double cpu = r.cpu > 0 ? r.cpu : 1;
      const double amdahl = Amdahl(prior.serial[k], cpu);
      const double y = r.cpu_time_s > 0 ? r.cpu_time_s : r.compute_s() / amdahl;
      const double x = r.input_bytes / mean_input[k];
      sx += x, sy += y, sxx += x * x, sxy += x * y, n += 1;
    }
    const double slope = n * sxx - sx * sx > 0 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0;
    const double rise = slope * (max_input[k] - min_input[k]) / mean_input[k];
    if (!(rise >= kMinSizeEffect * sy / n)) {
      exponent_free[k] = false;
      exponent_why[k] =
          "its work hardly grows with the input (under 10% across its input sizes): a power "
          "cannot be told from a line";
    }
  }
  for (size_t k = 0; k < components; ++k) {
    if (exponent_free[k] && !exponent_held[k].empty()) {
      exponent_free[k] = false;
      exponent_why[k] = exponent_held[k];
    }
  }
  std::map<Pair, bool>& ratio_free = d.ratio_free;
  std::map<Pair, bool>& interference_free = d.interference_free;
  std::map<Pair, std::string>& ratio_why = d.ratio_why;
  std::map<Pair, std::string>& interference_why = d.interference_why;
  for (const auto& [pair, n] : pair_jobs) {
    const sim::ComponentBehaviour& b = scenario.behaviours[pair.component];
    const double type_speed = platform.FindNodeType(pair.node_type)->speed;
    prior.log_ratio[pair] = std::log(type_speed * b.SpeedFactor(pair.node_type) / reference_speed);
    prior.interference[pair] = b.Interference(pair.node_type);
    const bool on_reference = types_of[pair.component].count(reference) > 0;
    ratio_free[pair] = pair.node_type != reference && on_reference;
    // Every pair gets its entry, empty where free.
    ratio_why[pair] = "";
    interference_why[pair] = "";
    if (pair.node_type != reference && !on_reference) {
      ratio_why[pair] = "it never ran on the reference node type " + reference;
    }
    interference_free[pair] = pair_alone[pair] >= 3 && pair_shared[pair] >= 3;
    if (!interference_free[pair]) {
      interference_why[pair] = "its jobs on " + pair.node_type +
                               " did not run both alone and beside others (3 jobs of each)";
    }
  }
  return d;
}

}  // namespace twinprof::calibrate
