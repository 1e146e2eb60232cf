#include "calibrate/compute_fit.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <set>
#include <string>

#include "calibrate/compute_residuals.h"
#include "sim/interference.h"

namespace twinprof::calibrate {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kOccupancyPasses = 5;
// The bounds of the fit (work in reference-core seconds, per_byte relative to the mean input).
constexpr double kMinBase = 1e-9;
constexpr double kMaxLogRatio = 7;
constexpr double kMaxInterference = 3;
// The work's exponent (compute_fit.h): from far sublinear (a cache) to beyond quadratic.
constexpr double kMinExponent = 0.3;
constexpr double kMaxExponent = 3;
// Input sizes closer than this (relative to the smaller) are one size for identifying the
// exponent: frames of one resolution differ by a few percent, and that spread is not a design.
constexpr double kDistinctSizes = 0.10;
// A size-dependent part that changes the work by less than this across the input sizes cannot
// tell a power from a line.
constexpr double kMinSizeEffect = 0.10;
// An exponent the fit leaves this uncertain (its standard error) is not identified: the sizes
// allow powers from e - 0.5 to e + 0.5 within two errors, the line among them, and the guess would
// bend the work beyond the fitted sizes for nothing (split-video's three close video sizes gave
// 1.48 +- 0.57 on the accuracy profile, and a worse extrapolation than the line).
constexpr double kMaxExponentError = 0.25;

// A fitted value that ended on a bound of its box: the data ask for a value beyond it, the
// linearised covariance (which ignores the box) does not describe its uncertainty, and it would
// inflate the others' through their correlation with it. Such a value is reported "at its bound"
// and held fixed when the others' standard errors are computed (their errors given it).
bool AtBound(double value, double lower, double upper) {
  // The parameters are of order one (seconds of a reference core, fractions, log ratios).
  const double range = std::isfinite(upper - lower) ? upper - lower : 1.0;
  const double tolerance = 1e-6 * std::max(1.0, range);
  return value <= lower + tolerance || value >= upper - tolerance;
}

struct Pair {
  workflow::ComponentId component;
  std::string node_type;
  bool operator<(const Pair& o) const {
    return std::tie(component, node_type) < std::tie(o.component, o.node_type);
  }
};

// The parameters of one fit, as Ceres' blocks (one double each).
struct Parameters {
  std::vector<double> base, per_byte, exponent, serial, off_base, off_per_byte;
  std::map<Pair, double> log_ratio, interference;
};

// One residual block per measured job, over its component's and (component, node type)'s
// parameters in `p`, and one more for its CPU time when its record has one, all under one Huber
// loss (the problem owns the costs and the loss).
void AddComputeResiduals(const MeasuredJobs& measured,
                         const std::vector<ComputeResidual>& residuals, double huber_scale,
                         Parameters& p, ceres::Problem& problem) {
  ceres::LossFunction* loss = new ceres::HuberLoss(huber_scale);
  for (size_t j = 0; j < measured.jobs.size(); ++j) {
    const MeasuredJob& job = measured.jobs[j];
    const size_t k = job.component;
    const Pair pair{job.component, job.node_type};
    auto* cost = new ceres::AutoDiffCostFunction<ComputeResidual, 1, 1, 1, 1, 1, 1, 1, 1, 1>(
        new ComputeResidual(residuals[j]));
    problem.AddResidualBlock(cost, loss, &p.base[k], &p.per_byte[k], &p.exponent[k], &p.serial[k],
                             &p.log_ratio[pair], &p.interference[pair], &p.off_base[k],
                             &p.off_per_byte[k]);
    if (!(residuals[j].cpu_time > 0)) continue;
    auto* cpu = new CpuTimeResidual{residuals[j].cpu_time, residuals[j].x, residuals[j].occupancy};
    problem.AddResidualBlock(
        new ceres::AutoDiffCostFunction<CpuTimeResidual, 1, 1, 1, 1, 1, 1>(cpu), loss, &p.base[k],
        &p.per_byte[k], &p.exponent[k], &p.log_ratio[pair], &p.interference[pair]);
  }
}

// The fit, with the exponents of `exponent_held` (indexed by component; "" = free where the
// design identifies it) held at their priors for the reason given.
ComputeFit FitOnce(const sim::Scenario& scenario, const MeasuredJobs& measured,
                   const ComputeFitOptions& options,
                   const std::vector<std::string>& exponent_held) {
  const workflow::Workflow& workflow = scenario.workflow;
  const platform::Platform& platform = scenario.platform;
  const size_t components = workflow.size();
  ComputeFit fit;
  fit.behaviours = scenario.behaviours;

  // The reference node type: given, or the one with most jobs.
  std::map<std::string, int> jobs_per_type;
  for (const MeasuredJob& job : measured.jobs) ++jobs_per_type[job.node_type];
  fit.reference_node_type = options.reference_node_type;
  if (fit.reference_node_type.empty()) {
    int most = -1;
    for (const auto& [type, count] : jobs_per_type) {
      if (count > most) most = count, fit.reference_node_type = type;
    }
  } else if (platform.FindNodeType(fit.reference_node_type) == nullptr) {
    throw InputError("--reference: the platform has no node type '" + fit.reference_node_type +
                     "'");
  }
  const std::string& reference = fit.reference_node_type;
  const double reference_speed = platform.FindNodeType(reference)->speed;

  // What the design shows, per component and per (component, node type).
  std::vector<double> mean_input(components, 0), min_input(components, INFINITY),
      max_input(components, 0);
  std::vector<std::set<double>> cpus(components), sizes(components);
  std::vector<int> count(components, 0), with_cpu_time(components, 0);
  std::map<Pair, int> pair_jobs, pair_alone, pair_shared;
  std::vector<std::set<std::string>> types_of(components);
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
  std::vector<double> mean_compute(components, 0);
  for (const MeasuredJob& job : measured.jobs) {
    mean_compute[job.component] += job.record->compute_s() / count[job.component];
  }
  for (size_t k = 0; k < components; ++k) {
    mean_input[k] = count[k] > 0 && mean_input[k] > 0 ? mean_input[k] / count[k] : 1;
  }

  // Priors (the scenario's values) and which parameters are free.
  Parameters prior;
  std::vector<bool> per_byte_free(components), serial_free(components), off_free(components),
      exponent_free(components);
  std::vector<std::string> per_byte_why(components), serial_why(components),
      exponent_why(components);
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
  std::vector<FittedValue> serial_from_throttling(components);
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
      const double amdahl = prior.serial[k] / std::min(1.0, cpu) + (1 - prior.serial[k]) / cpu;
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
  std::map<Pair, bool> ratio_free, interference_free;
  std::map<Pair, std::string> ratio_why, interference_why;
  for (const auto& [pair, n] : pair_jobs) {
    const sim::ComponentBehaviour& b = scenario.behaviours[pair.component];
    const double type_speed = platform.FindNodeType(pair.node_type)->speed;
    prior.log_ratio[pair] = std::log(type_speed * b.SpeedFactor(pair.node_type) / reference_speed);
    prior.interference[pair] = b.Interference(pair.node_type);
    const bool on_reference = types_of[pair.component].count(reference) > 0;
    ratio_free[pair] = pair.node_type != reference && on_reference;
    if (pair.node_type != reference && !on_reference) {
      ratio_why[pair] = "it never ran on the reference node type " + reference;
    }
    interference_free[pair] = pair_alone[pair] >= 3 && pair_shared[pair] >= 3;
    if (!interference_free[pair]) {
      interference_why[pair] = "its jobs on " + pair.node_type +
                               " did not run both alone and beside others (3 jobs of each)";
    }
  }

  // The fit, in passes: a job's compute is slowed by the cores the jobs beside it want, which
  // depend on their serial fractions (a single-threaded job under a 2-core limit wants 1 core).
  // The first pass counts the serial fractions of the priors; each next pass those just fitted,
  // until they settle.
  const double serial_starts[] = {0.1, 0.5, 0.9};
  const double interference_starts[] = {0.02, 0.1, 0.3};
  Parameters best;
  ceres::Solver::Summary best_summary;
  double best_cost = INFINITY;
  fit.starts = std::max(1, options.starts);
  MeasuredJobs occupied = measured;
  std::vector<double> serial_used = prior.serial;
  std::vector<ComputeResidual> residuals;
  std::vector<double> off_base_used = prior.off_base, off_per_byte_used = prior.off_per_byte;
  for (int pass = 0; pass < kOccupancyPasses; ++pass) {
    UpdateCoreSharing(
        occupied,
        [&](const MeasuredJob& job) {
          return sim::CoresWanted(serial_used[job.component], job.record->cpu, job.node_cores);
        },
        [&](const MeasuredJob& job) {
          const size_t k = job.component;
          const double off =
              off_base_used[k] + off_per_byte_used[k] * job.record->input_bytes / mean_input[k];
          return 1 - off / job.record->compute_s();
        });
    residuals.clear();
    best_cost = INFINITY;
    for (const MeasuredJob& job : occupied.jobs) {
      ComputeResidual residual;
      residual.measured = job.record->compute_s();
      residual.x = job.record->input_bytes / mean_input[job.component];
      residual.cpu = job.record->cpu > 0 ? job.record->cpu : 1;
      if (job.record->cpu_time_s > 0) residual.cpu_time = job.record->cpu_time_s;
      for (const OccupancyPiece& piece : job.occupancy) {
        if (piece.others > 0 || piece.oversubscription > 1) {
          residual.occupancy = job.occupancy;
          break;
        }
      }
      residuals.push_back(residual);
    }

    // Several starts; keep the lowest cost.
    for (int start = 0; start < fit.starts; ++start) {
      Parameters p = prior;
      for (size_t k = 0; k < components; ++k) {
        if (serial_free[k]) p.serial[k] = serial_starts[start % 3];
      }
      for (auto& [pair, value] : p.log_ratio) {
        if (ratio_free[pair]) value = 0;
      }
      for (auto& [pair, value] : p.interference) {
        if (interference_free[pair]) value = interference_starts[start % 3];
      }
      // Work from a least-squares line through time * speed ratio / Amdahl factor (the CPU
      // seconds * speed ratio where the records have them; the off-CPU time starts at the mean
      // of what the compute times leave).
      for (size_t k = 0; k < components; ++k) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
        for (size_t j = 0; j < measured.jobs.size(); ++j) {
          const MeasuredJob& job = measured.jobs[j];
          if (job.component != k) continue;
          const ComputeResidual& r = residuals[j];
          const double amdahl = p.serial[k] / std::min(1.0, r.cpu) + (1 - p.serial[k]) / r.cpu;
          const double ratio = std::exp(p.log_ratio[{job.component, job.node_type}]);
          const double y =
              off_free[k] && r.cpu_time > 0 ? r.cpu_time * ratio : r.measured * ratio / amdahl;
          // The line in x^e (e the prior exponent, where the fit starts).
          const double xe = std::pow(r.x, p.exponent[k]);
          sx += xe, sy += y, sxx += xe * xe, sxy += xe * y, n += 1;
        }
        double slope = 0, intercept = sy / n;
        if (per_byte_free[k] && n * sxx - sx * sx > 0) {
          slope = std::max(0.0, (n * sxy - sx * sy) / (n * sxx - sx * sx));
          intercept = (sy - slope * sx) / n;
        }
        if (per_byte_free[k]) p.per_byte[k] = slope;
        p.base[k] = std::max(intercept, 0.01 * sy / n);
        if (!off_free[k]) continue;
        double left = 0, measured_sum = 0;
        for (size_t j = 0; j < measured.jobs.size(); ++j) {
          const MeasuredJob& job = measured.jobs[j];
          if (job.component != k) continue;
          const ComputeResidual& r = residuals[j];
          const double amdahl = p.serial[k] / std::min(1.0, r.cpu) + (1 - p.serial[k]) / r.cpu;
          const double ratio = std::exp(p.log_ratio[{job.component, job.node_type}]);
          left += r.measured -
                  (p.base[k] + SizePart(p.per_byte[k], r.x, p.exponent[k])) * amdahl / ratio;
          measured_sum += r.measured;
        }
        p.off_base[k] = std::max(left / n, 0.01 * measured_sum / n);
        p.off_per_byte[k] = 0;
      }

      ceres::Problem problem;
      AddComputeResiduals(measured, residuals, options.huber_scale, p, problem);
      for (size_t k = 0; k < components; ++k) {
        if (count[k] == 0) continue;
        problem.SetParameterLowerBound(&p.base[k], 0, kMinBase);
        problem.SetParameterLowerBound(&p.per_byte[k], 0, 0);
        if (!per_byte_free[k]) problem.SetParameterBlockConstant(&p.per_byte[k]);
        if (exponent_free[k]) {
          problem.SetParameterLowerBound(&p.exponent[k], 0, kMinExponent);
          problem.SetParameterUpperBound(&p.exponent[k], 0, kMaxExponent);
        } else {
          problem.SetParameterBlockConstant(&p.exponent[k]);
        }
        problem.SetParameterLowerBound(&p.serial[k], 0, 0);
        problem.SetParameterUpperBound(&p.serial[k], 0, 1);
        if (!serial_free[k]) problem.SetParameterBlockConstant(&p.serial[k]);
        problem.SetParameterLowerBound(&p.off_base[k], 0, 0);
        problem.SetParameterLowerBound(&p.off_per_byte[k], 0, 0);
        if (!off_free[k]) problem.SetParameterBlockConstant(&p.off_base[k]);
        if (!off_free[k] || !per_byte_free[k]) {
          problem.SetParameterBlockConstant(&p.off_per_byte[k]);
        }
      }
      for (auto& [pair, value] : p.log_ratio) {
        if (!ratio_free[pair]) {
          problem.SetParameterBlockConstant(&value);
        } else {
          problem.SetParameterLowerBound(&value, 0, -kMaxLogRatio);
          problem.SetParameterUpperBound(&value, 0, kMaxLogRatio);
        }
      }
      for (auto& [pair, value] : p.interference) {
        if (!interference_free[pair]) {
          problem.SetParameterBlockConstant(&value);
        } else {
          problem.SetParameterLowerBound(&value, 0, 0);
          problem.SetParameterUpperBound(&value, 0, kMaxInterference);
        }
      }
      ceres::Solver::Options solver;
      solver.linear_solver_type = ceres::DENSE_QR;
      solver.max_num_iterations = options.max_iterations;
      solver.num_threads = 1;
      solver.logging_type = ceres::SILENT;
      ceres::Solver::Summary summary;
      ceres::Solve(solver, &problem, &summary);
      if (summary.IsSolutionUsable() && summary.final_cost < best_cost) {
        best_cost = summary.final_cost;
        best = p;
        best_summary = summary;
      }
    }
    if (!std::isfinite(best_cost)) break;
    // Settled when the serial fractions and the off-CPU times (relative to the compute times)
    // moved by less than 1e-4.
    double change = 0;
    for (size_t k = 0; k < components; ++k) {
      change = std::max(change, std::abs(best.serial[k] - serial_used[k]));
      if (count[k] == 0) continue;
      const double scale = mean_compute[k];
      change = std::max(change, std::abs(best.off_base[k] - off_base_used[k]) / scale);
      change = std::max(change, std::abs(best.off_per_byte[k] - off_per_byte_used[k]) / scale);
    }
    serial_used = best.serial;
    off_base_used = best.off_base;
    off_per_byte_used = best.off_per_byte;
    if (change < 1e-4) break;
  }
  if (!std::isfinite(best_cost)) {
    best = prior;
    best_summary = ceres::Solver::Summary();
  }
  fit.converged = best_summary.termination_type == ceres::CONVERGENCE;
  fit.iterations = static_cast<int>(best_summary.iterations.size());
  fit.cost = best_cost;
  fit.solver_brief = best_summary.BriefReport();

  // Residual variance and the covariance of the free parameters at the best start.
  std::vector<double> log_residuals;
  for (size_t j = 0; j < measured.jobs.size(); ++j) {
    const MeasuredJob& job = measured.jobs[j];
    const size_t k = job.component;
    Pair pair{job.component, job.node_type};
    const double model = residuals[j].Model(
        &best.base[k], &best.per_byte[k], &best.exponent[k], &best.serial[k], &best.log_ratio[pair],
        &best.interference[pair], &best.off_base[k], &best.off_per_byte[k]);
    fit.predicted.push_back(model);
    log_residuals.push_back(std::log(residuals[j].measured) - std::log(model));
  }
  std::vector<const double*> free_blocks;
  std::set<const double*> at_bound;
  ceres::Problem problem;  // the best parameters again, for ceres::Covariance
  {
    AddComputeResiduals(measured, residuals, options.huber_scale, best, problem);
    // A free block enters the covariance unless it ended on a bound (AtBound).
    auto add = [&](double* block, bool free, double lower, double upper) {
      if (free && AtBound(*block, lower, upper)) at_bound.insert(block);
      if (free && !at_bound.count(block))
        free_blocks.push_back(block);
      else
        problem.SetParameterBlockConstant(block);
    };
    const double unbounded = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < components; ++k) {
      if (count[k] == 0) continue;
      add(&best.base[k], true, kMinBase, unbounded);
      add(&best.per_byte[k], per_byte_free[k], 0, unbounded);
      add(&best.exponent[k], exponent_free[k], kMinExponent, kMaxExponent);
      add(&best.serial[k], serial_free[k], 0, 1);
      add(&best.off_base[k], off_free[k], 0, unbounded);
      add(&best.off_per_byte[k], off_free[k] && per_byte_free[k], 0, unbounded);
    }
    for (auto& [pair, value] : best.log_ratio) {
      add(&value, ratio_free[pair], -kMaxLogRatio, kMaxLogRatio);
    }
    for (auto& [pair, value] : best.interference) {
      add(&value, interference_free[pair], 0, kMaxInterference);
    }
  }
  // What the report says of a value on a bound, in place of a standard error.
  auto bound_note = [&](const double* block, const std::string& meaning) {
    return at_bound.count(block) ? "at a bound of the fit (" + meaning +
                                       "): the data ask for a value beyond it, so it has no "
                                       "standard error; the others' are given it"
                                 : std::string();
  };
  std::map<std::pair<const double*, const double*>, double> covariance;
  const double dof = static_cast<double>(log_residuals.size()) - free_blocks.size();
  double rss = 0;
  for (double r : log_residuals) rss += r * r;
  // A failed fit leaves infinite residuals: no standard errors then (Eigen's SVD of a Jacobian
  // with infinities crashes).
  if (dof > 0 && std::isfinite(rss)) {
    const double sigma2 = rss / dof;
    ceres::Covariance::Options covariance_options;
    covariance_options.algorithm_type = ceres::DENSE_SVD;
    ceres::Covariance engine(covariance_options);
    std::vector<std::pair<const double*, const double*>> wanted;
    for (size_t a = 0; a < free_blocks.size(); ++a) {
      for (size_t b = a; b < free_blocks.size(); ++b) {
        wanted.emplace_back(free_blocks[a], free_blocks[b]);
      }
    }
    if (engine.Compute(wanted, &problem)) {
      fit.covariance_available = true;
      for (const auto& [a, b] : wanted) {
        double value = 0;
        engine.GetCovarianceBlock(a, b, &value);
        covariance[{a, b}] = covariance[{b, a}] = value * sigma2;
      }
    }
  }
  auto variance = [&](const double* a, const double* b) {
    auto found = covariance.find({a, b});
    return found != covariance.end() ? found->second : kNaN;
  };

  // Node type speeds (geometric mean of the components' ratios) and speed factors.
  std::map<std::string, double> log_mean;
  for (const platform::NodeType& type : platform.node_types) {
    if (!jobs_per_type.count(type.name)) continue;
    FittedValue speed{"node_types." + type.name + ".speed", type.speed};
    if (type.name == reference) {
      speed.identified = false;
      speed.why = "the reference node type: it keeps the platform's speed";
      fit.node_speeds[type.name] = type.speed;
      log_mean[type.name] = 0;
      fit.parameters.push_back(speed);
      continue;
    }
    std::vector<const double*> ratios;
    std::vector<std::string> names;
    for (auto& [pair, value] : best.log_ratio) {
      if (pair.node_type == type.name && ratio_free[pair]) {
        ratios.push_back(&value);
        names.push_back(workflow.component(pair.component).name);
      }
    }
    if (ratios.empty()) {
      speed.identified = false;
      speed.why = "no component ran on both " + type.name + " and the reference " + reference;
      log_mean[type.name] = std::log(type.speed / reference_speed);
    } else {
      double mean = 0, var = 0;
      for (const double* r : ratios) mean += *r / ratios.size();
      for (const double* a : ratios) {
        for (const double* b : ratios) var += variance(a, b) / (ratios.size() * ratios.size());
      }
      log_mean[type.name] = mean;
      speed.value = reference_speed * std::exp(mean);
      speed.standard_error = speed.value * std::sqrt(var);
      fit.node_speeds[type.name] = speed.value;
    }
    fit.parameters.push_back(speed);
    for (auto& [pair, value] : best.log_ratio) {
      if (pair.node_type != type.name) continue;
      const std::string& component = workflow.component(pair.component).name;
      FittedValue factor{"behaviour." + component + ".speed_factor." + type.name, 1};
      if (!ratio_free[pair]) {
        factor.identified = false;
        factor.why = ratio_why[pair];
      } else if (ratios.size() < 2) {
        factor.identified = false;
        factor.why = "only " + component + " ran on both " + type.name + " and " + reference +
                     ": its speed there is the node type's speed";
      } else {
        factor.value = std::exp(value - log_mean[type.name]);
        // var(r_k - mean) = var(r_k) - 2 cov(r_k, mean) + var(mean)
        double cov_mean = 0, var_mean = 0;
        for (const double* a : ratios) {
          cov_mean += variance(&value, a) / ratios.size();
          for (const double* b : ratios)
            var_mean += variance(a, b) / (ratios.size() * ratios.size());
        }
        factor.standard_error =
            factor.value *
            std::sqrt(std::max(0.0, variance(&value, &value) - 2 * cov_mean + var_mean));
        fit.behaviours[pair.component].speed_factor[type.name] = factor.value;
      }
      fit.parameters.push_back(factor);
    }
  }

  // Components: work (in flops at the reference speed), serial fraction, interference.
  for (size_t k = 0; k < components; ++k) {
    const std::string& name = workflow.component(k).name;
    sim::ComponentBehaviour& b = fit.behaviours[k];
    // A component that never ran on the reference type was fitted against its node type's prior
    // speed: re-express its work at that type's fitted speed.
    double rescale = 1;
    if (!types_of[k].count(reference) && !types_of[k].empty()) {
      const std::string& type = *types_of[k].begin();
      rescale =
          std::exp(log_mean[type] - prior.log_ratio[{static_cast<workflow::ComponentId>(k), type}]);
    }
    const double to_flops = reference_speed * rescale;
    // On its bound the base is the fit's positivity floor, a nanosecond: it means none.
    b.work_base = at_bound.count(&best.base[k]) ? 0 : best.base[k] * to_flops;
    // per_byte at the mean input: the reference size of a power (e != 1), and with e = 1 the
    // flops of every byte.
    b.work_per_byte = best.per_byte[k] * to_flops / mean_input[k];
    b.work_exponent = best.exponent[k];
    b.work_reference_bytes = b.work_exponent == 1 ? 0 : mean_input[k];
    b.serial_fraction = best.serial[k];
    FittedValue base{"behaviour." + name + ".work.base", b.work_base,
                     std::sqrt(variance(&best.base[k], &best.base[k])) * to_flops};
    base.why = bound_note(&best.base[k], "no fixed work per job: all of it grows with the input");
    fit.parameters.push_back(base);
    FittedValue per_byte{"behaviour." + name + ".work.per_byte", b.work_per_byte};
    if (per_byte_free[k]) {
      per_byte.standard_error =
          std::sqrt(variance(&best.per_byte[k], &best.per_byte[k])) * to_flops / mean_input[k];
      per_byte.why = bound_note(&best.per_byte[k], "no work per input byte");
    } else {
      per_byte.identified = false;
      per_byte.why = per_byte_why[k];
    }
    fit.parameters.push_back(per_byte);
    FittedValue exponent{"behaviour." + name + ".work.exponent", b.work_exponent};
    if (exponent_free[k]) {
      exponent.standard_error = std::sqrt(variance(&best.exponent[k], &best.exponent[k]));
      exponent.why = bound_note(&best.exponent[k],
                                best.exponent[k] < 1 ? "the most sublinear work the fit allows"
                                                     : "the most superlinear work the fit allows");
    } else {
      exponent.identified = false;
      exponent.why = exponent_why[k];
    }
    fit.parameters.push_back(exponent);
    FittedValue serial{"behaviour." + name + ".serial_fraction", b.serial_fraction};
    if (serial_free[k]) {
      serial.standard_error = std::sqrt(variance(&best.serial[k], &best.serial[k]));
      serial.why =
          bound_note(&best.serial[k], best.serial[k] < 0.5 ? "fully parallel" : "fully serial");
    } else if (!serial_from_throttling[k].why.empty()) {
      serial.standard_error = serial_from_throttling[k].standard_error;
      serial.why = serial_from_throttling[k].why;
    } else {
      serial.identified = false;
      serial.why = serial_why[k];
    }
    fit.parameters.push_back(serial);
    b.off_cpu_base = best.off_base[k];
    b.off_cpu_per_byte = best.off_per_byte[k] / mean_input[k];
    FittedValue off_base{"behaviour." + name + ".off_cpu.base", b.off_cpu_base};
    FittedValue off_per_byte{"behaviour." + name + ".off_cpu.per_byte", b.off_cpu_per_byte};
    if (off_free[k]) {
      off_base.standard_error = std::sqrt(variance(&best.off_base[k], &best.off_base[k]));
      off_base.why = bound_note(&best.off_base[k], "no fixed time off the CPU per job");
    } else {
      off_base.identified = false;
      off_base.why =
          "its records carry no CPU time (cpu_time_s), which tells the work from the "
          "time off the CPU";
    }
    if (off_free[k] && per_byte_free[k]) {
      off_per_byte.standard_error =
          std::sqrt(variance(&best.off_per_byte[k], &best.off_per_byte[k])) / mean_input[k];
      off_per_byte.why = bound_note(&best.off_per_byte[k], "no time off the CPU per input byte");
    } else {
      off_per_byte.identified = false;
      off_per_byte.why = off_free[k] ? per_byte_why[k] : off_base.why;
    }
    fit.parameters.push_back(off_base);
    fit.parameters.push_back(off_per_byte);
    for (auto& [pair, value] : best.interference) {
      if (pair.component != k) continue;
      FittedValue interference{"behaviour." + name + ".interference." + pair.node_type, value};
      if (interference_free[pair]) {
        interference.standard_error = std::sqrt(variance(&value, &value));
        interference.why = bound_note(&value, value < 1 ? "no slowdown from sharing a node"
                                                        : "the largest slowdown the fit allows");
        b.interference[pair.node_type] = value;
      } else {
        interference.identified = false;
        interference.why = interference_why[pair];
      }
      fit.parameters.push_back(interference);
    }
  }
  return fit;
}

}  // namespace

ComputeFit FitCompute(const sim::Scenario& scenario, const MeasuredJobs& measured,
                      const ComputeFitOptions& options) {
  const size_t components = scenario.workflow.size();
  std::vector<std::string> held(components);
  ComputeFit fit = FitOnce(scenario, measured, options, held);
  // An exponent the data leave too uncertain is held at its prior, and the fit done again
  // without it (the other parameters, and their errors, then hold for the line).
  bool refit = false;
  for (size_t k = 0; k < components; ++k) {
    const std::string name = "behaviour." + scenario.workflow.component(k).name + ".work.exponent";
    for (const FittedValue& value : fit.parameters) {
      if (value.name != name || !value.identified || !(value.standard_error > kMaxExponentError)) {
        continue;
      }
      char why[200];
      std::snprintf(why, sizeof why,
                    "its input sizes leave it undetermined (%.2f +- %.2f: a standard error "
                    "above %.2f)",
                    value.value, value.standard_error, kMaxExponentError);
      held[k] = why;
      refit = true;
    }
  }
  return refit ? FitOnce(scenario, measured, options, held) : fit;
}

}  // namespace twinprof::calibrate
