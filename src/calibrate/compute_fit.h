// FitCompute: the Ceres fit of compute times, the heart of a calibration.
//
// Model of a job of component k with input size b and cpu limit c on a node of type T (the
// simulator's, src/sim/component_behaviour.h and interference.h):
//
//   idle  = (base_k + per_byte_k * m_k * (b / m_k)^e_k) / (speed_T * factor_kT) * A_k(c)
//   A_k(c) = s_k / min(1, c) + (1 - s_k) / c                        (Amdahl)
//   measured = idle * H + off_k,  H = T / (integral over the compute of dt / f(t))
//   f(t)  = (1 + a_kT * others(t)) * max(1, cores wanted by the jobs computing / cores)
//   off_k = off_base_k + off_per_byte_k * b                         (seconds off the CPU)
//
// m_k the mean input size of k's jobs (the reference size written to the calibration file, so
// per_byte_k is the flops of a byte at the mean input) and e_k the work's exponent (1: a line).
//
// others(t) counts the other jobs computing on the node at the same moment (from the
// records; on an oversubscribed node only the share of them the job's free cores hold,
// sim::OthersAtOnce), and a job wants c cores when c <= 1, else 1 / (s + (1 - s) / c) (a
// single-threaded job under a 2-core limit wants one, sim::CoresWanted): the wanted cores, and
// so both terms, depend on the serial fractions, so the fit runs in passes,
// each counting the serial fractions the previous one found, until they settle. The
// residual is log(measured) - log(model), under a Huber loss; parameters are bounded (work >= 0,
// s in [0, 1], a in [0, 3], off_k >= 0, e in [0.3, 3]); the fit starts from several points and
// keeps the lowest cost.
//
// For a record with CPU seconds (cpu_time_s, the local backend's cgroup accounting), a
// second residual: cpu_time = work_k(b) / (speed_T * factor_kT) * I, I the
// interference slowdown weighted by the work done under it. The CPU seconds fix the work, and
// the compute time beyond what that work takes is the off-CPU time; without them (OSCAR's
// records) the two cannot be told apart, and off_k keeps its prior (the scenario's, 0 by
// default) as not identified.
//
// Scale: one reference node type keeps the platform's speed; for every other type T and every
// component k that ran on both, r_kT = speed_T * factor_kT / speed_ref is fitted; the type's
// speed is the geometric mean of its r_kT over components, each factor_kT = r_kT / that mean. A
// parameter the design cannot identify (one input size: per_byte; no cpu above 1 or one cpu value:
// s; a component never on the reference type: its r_kT; no variation in occupancy: a; no CPU
// seconds in its records: off_k; fewer than three input sizes 10% apart, or a size-dependent work
// that moves less than 10% across them: e_k) is held at its prior (the scenario's value) and
// reported as not identified, with why. An exponent the fit leaves with a standard error above
// 0.25 is held too, and the fit done again without it: three close sizes cannot tell a power from
// a line, and a guessed power bends the work beyond them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "calibrate/fitted_value.h"
#include "calibrate/measured_jobs.h"
#include "sim/scenario.h"

namespace twinprof::calibrate {

struct ComputeFitOptions {
  std::string reference_node_type;  // "" = the node type with most jobs
  int starts = 3;                   // starting points (serial fraction, interference)
  double huber_scale = 0.1;         // log-residuals beyond this count linearly
  int max_iterations = 200;         // per start
};

struct ComputeFit {
  std::string reference_node_type;
  // Indexed by ComponentId: work, serial fraction, speed factors and interference filled in
  // (outputs are the scenario's, see FitOutputs).
  std::vector<sim::ComponentBehaviour> behaviours;
  std::map<std::string, double> node_speeds;  // fitted speeds (the reference's included)
  std::vector<FittedValue> parameters;
  std::vector<double> predicted;  // compute seconds per measured job, in MeasuredJobs order
  bool converged = false;
  int iterations = 0;
  double cost = 0;
  int starts = 0;
  bool covariance_available = false;
  std::string solver_brief;  // Ceres' BriefReport of the best start
};

ComputeFit FitCompute(const sim::Scenario& scenario, const MeasuredJobs& measured,
                      const ComputeFitOptions& options);

}  // namespace twinprof::calibrate
