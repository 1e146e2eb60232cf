#include "calibrate/compute_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "calibrate/fit_covariance.h"
#include "calibrate/fit_design.h"
#include "calibrate/fit_solve.h"

namespace twinprof::calibrate {

namespace {

// An exponent the fit leaves this uncertain (its standard error) is not identified: the sizes
// allow powers from e - 0.5 to e + 0.5 within two errors, the line among them, and the guess would
// bend the work beyond the fitted sizes for nothing (split-video's three close video sizes gave
// 1.48 +- 0.57 on the accuracy profile, and a worse extrapolation than the line).
constexpr double kMaxExponentError = 0.25;

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

  const FitDesign design =
      DescribeDesign(scenario, measured, options.reference_node_type, exponent_held);
  fit.reference_node_type = design.reference;
  const std::string& reference = design.reference;
  const double reference_speed = design.reference_speed;
  const std::vector<double>& mean_input = design.mean_input;
  const std::vector<std::set<std::string>>& types_of = design.types_of;

  SolvedFit solved = SolveFit(design, measured, options);
  Parameters& best = solved.best;
  const std::vector<ComputeResidual>& residuals = solved.residuals;
  fit.starts = solved.starts;
  fit.converged = solved.summary.termination_type == ceres::CONVERGENCE;
  fit.iterations = static_cast<int>(solved.summary.iterations.size());
  fit.cost = solved.cost;
  fit.solver_brief = solved.summary.BriefReport();

  // The jobs' predicted compute times and log-residuals at the best start.
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
  const FitCovariance covariance =
      ComputeCovariance(design, measured, residuals, options.huber_scale, log_residuals, best);
  fit.covariance_available = covariance.available;
  auto variance = [&](const double* a, const double* b) { return covariance.Of(a, b); };
  auto bound_note = [&](const double* block, const std::string& meaning) {
    return covariance.BoundNote(block, meaning);
  };

  // Node type speeds (geometric mean of the components' ratios) and speed factors.
  std::map<std::string, double> log_mean;
  for (const platform::NodeType& type : platform.node_types) {
    if (!design.jobs_per_type.count(type.name)) continue;
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
      if (pair.node_type == type.name && design.ratio_free.at(pair)) {
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
      if (!design.ratio_free.at(pair)) {
        factor.identified = false;
        factor.why = design.ratio_why.at(pair);
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
      rescale = std::exp(log_mean[type] -
                         design.prior.log_ratio.at({static_cast<workflow::ComponentId>(k), type}));
    }
    const double to_flops = reference_speed * rescale;
    // On its bound the base is the fit's positivity floor, a nanosecond: it means none.
    b.work_base = covariance.at_bound.count(&best.base[k]) ? 0 : best.base[k] * to_flops;
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
    if (design.per_byte_free[k]) {
      per_byte.standard_error =
          std::sqrt(variance(&best.per_byte[k], &best.per_byte[k])) * to_flops / mean_input[k];
      per_byte.why = bound_note(&best.per_byte[k], "no work per input byte");
    } else {
      per_byte.identified = false;
      per_byte.why = design.per_byte_why[k];
    }
    fit.parameters.push_back(per_byte);
    FittedValue exponent{"behaviour." + name + ".work.exponent", b.work_exponent};
    if (design.exponent_free[k]) {
      exponent.standard_error = std::sqrt(variance(&best.exponent[k], &best.exponent[k]));
      exponent.why = bound_note(&best.exponent[k],
                                best.exponent[k] < 1 ? "the most sublinear work the fit allows"
                                                     : "the most superlinear work the fit allows");
    } else {
      exponent.identified = false;
      exponent.why = design.exponent_why[k];
    }
    fit.parameters.push_back(exponent);
    FittedValue serial{"behaviour." + name + ".serial_fraction", b.serial_fraction};
    if (design.serial_free[k]) {
      serial.standard_error = std::sqrt(variance(&best.serial[k], &best.serial[k]));
      serial.why =
          bound_note(&best.serial[k], best.serial[k] < 0.5 ? "fully parallel" : "fully serial");
    } else if (!design.serial_from_throttling[k].why.empty()) {
      serial.standard_error = design.serial_from_throttling[k].standard_error;
      serial.why = design.serial_from_throttling[k].why;
    } else {
      serial.identified = false;
      serial.why = design.serial_why[k];
    }
    fit.parameters.push_back(serial);
    b.off_cpu_base = best.off_base[k];
    b.off_cpu_per_byte = best.off_per_byte[k] / mean_input[k];
    FittedValue off_base{"behaviour." + name + ".off_cpu.base", b.off_cpu_base};
    FittedValue off_per_byte{"behaviour." + name + ".off_cpu.per_byte", b.off_cpu_per_byte};
    if (design.off_free[k]) {
      off_base.standard_error = std::sqrt(variance(&best.off_base[k], &best.off_base[k]));
      off_base.why = bound_note(&best.off_base[k], "no fixed time off the CPU per job");
    } else {
      off_base.identified = false;
      off_base.why =
          "its records carry no CPU time (cpu_time_s), which tells the work from the "
          "time off the CPU";
    }
    if (design.off_free[k] && design.per_byte_free[k]) {
      off_per_byte.standard_error =
          std::sqrt(variance(&best.off_per_byte[k], &best.off_per_byte[k])) / mean_input[k];
      off_per_byte.why = bound_note(&best.off_per_byte[k], "no time off the CPU per input byte");
    } else {
      off_per_byte.identified = false;
      off_per_byte.why = design.off_free[k] ? design.per_byte_why[k] : off_base.why;
    }
    fit.parameters.push_back(off_base);
    fit.parameters.push_back(off_per_byte);
    for (auto& [pair, value] : best.interference) {
      if (pair.component != k) continue;
      FittedValue interference{"behaviour." + name + ".interference." + pair.node_type, value};
      if (design.interference_free.at(pair)) {
        interference.standard_error = std::sqrt(variance(&value, &value));
        interference.why = bound_note(&value, value < 1 ? "no slowdown from sharing a node"
                                                        : "the largest slowdown the fit allows");
        b.interference[pair.node_type] = value;
      } else {
        interference.identified = false;
        interference.why = design.interference_why.at(pair);
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
