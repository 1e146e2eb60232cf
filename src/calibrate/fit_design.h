// FitDesign: what the measured jobs identify of FitCompute's parameters (compute_fit.h), and for
// the rest why not, with the priors (the scenario's values) the fit holds them at.
//
// The rules, per component: per_byte needs input sizes more than 5% apart; the exponent needs
// per_byte, three input sizes 10% apart and a work that rises by 10% of its mean across them;
// the serial fraction needs two cpu values, one above 1 (else, with three jobs at cpu 1 with
// throttling figures, it is estimated from the throttling and held); the off-CPU time needs three
// records with CPU seconds. Per (component, node type): the speed ratio needs the component on
// the reference node type too, and the interference three jobs alone and three beside others.
// Internal to the calibrate module.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "calibrate/fit_parameters.h"
#include "calibrate/fitted_value.h"
#include "calibrate/measured_jobs.h"
#include "sim/scenario.h"

namespace twinprof::calibrate {

struct FitDesign {
  std::string reference;  // the reference node type
  double reference_speed = 0;
  std::map<std::string, int> jobs_per_type;
  // Per component (indexed by ComponentId): its jobs, the input sizes they saw (the mean input is
  // 1 for a component without jobs or input), the mean compute seconds, the node types it ran on.
  std::vector<int> count;
  std::vector<double> mean_input, min_input, max_input, mean_compute;
  std::vector<std::set<std::string>> types_of;
  // The scenario's values in the fit's units, where the fit starts and holds what is not free.
  Parameters prior;
  // Which parameters are free, and why the others are not ("" where free), per component...
  std::vector<bool> per_byte_free, serial_free, off_free, exponent_free;
  std::vector<std::string> per_byte_why, serial_why, exponent_why;
  // ... a serial fraction estimated from the CPU throttling (its `why` empty where none) ...
  std::vector<FittedValue> serial_from_throttling;
  // ... and per (component, node type) that ran: every pair has an entry in each map.
  std::map<Pair, bool> ratio_free, interference_free;
  std::map<Pair, std::string> ratio_why, interference_why;
};

// The design of `measured` against `scenario`, with the reference node type `reference_node_type`
// ("" = the node type with most jobs) and the exponents of `exponent_held` (indexed by component;
// "" = free where the design identifies it) held at their priors for the reason given. Throws
// InputError when the platform has no node type `reference_node_type`.
FitDesign DescribeDesign(const sim::Scenario& scenario, const MeasuredJobs& measured,
                         const std::string& reference_node_type,
                         const std::vector<std::string>& exponent_held);

}  // namespace twinprof::calibrate
