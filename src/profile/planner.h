// The planner turns a campaign into its runs: the cartesian product of the configuration space
// (input x each component's cpu, memory, parallelism, cpuset and environment values), each
// repeated `repetitions` times (one after the other, or with `interleave_repetitions` every
// configuration once per pass); and, when the campaign asks for it, after each whole-workflow run
// one run per component testing it alone on that run's intermediate data.
//
// Run ids are the runs' positions in this order, which depends only on the campaign file, so the
// same file gives the same ids (what --resume relies on). Each run also has a key, a readable
// description of everything that defines it; the plan's fingerprint covers every key, so a
// changed campaign is not silently resumed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/run_parameters.h"
#include "profile/backend.h"
#include "profile/campaign.h"

namespace twinprof::profile {

struct PlannedRun {
  int run_id = 0;
  int repetition = 0;                   // 1-based
  std::string mode = "workflow";        // or "single:COMPONENT"
  std::string component;                // single-component runs: the component
  int parent_run_id = -1;               // single-component runs: the whole-workflow run they reuse
  size_t input = 0;                     // index into Campaign::inputs
  std::vector<Deployment> deployments;  // every component (single: only the tested one)
  // The run's configuration parameters, e.g. {"input", "seconds=5,size=640x360"},
  // {"input.seconds", "5"}, {"grayify.cpu", "0.5"}, {"grayify.env.SIGMA", "2"}.
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string key;
};

struct Plan {
  std::vector<PlannedRun> runs;
  std::vector<std::string> parameter_names;  // in column order
  // The same, typed (core/run_parameters.h): what the results store records at plan time.
  std::vector<ParameterDeclaration> parameters;
  // A hash of every run key (hex), stored with the results.
  std::string fingerprint;
  int workflow_runs() const;
};

Plan MakePlan(const Campaign& campaign);

// The request for one run: deployments, uploads at the arrival pattern's times (single-component
// runs: `single_inputs` all at time 0), parameters and timeout. `work_dir` is the run's folder.
// The request points at `campaign.workflow` (RunRequest::workflow): `campaign` must outlive it.
RunRequest MakeRunRequest(const Campaign& campaign, const PlannedRun& run,
                          const std::vector<std::string>& single_inputs,
                          const std::string& work_dir);

// "grayify.cpu=0.5 grayify.parallelism=2": a run's parameters for people (input.* left out: the
// `input` parameter implies them).
std::string DescribeParameters(const std::vector<std::pair<std::string, std::string>>& parameters);

// "0.5", "1", "2.25": the shortest form of a number, for parameter values.
std::string FormatNumber(double value);

}  // namespace twinprof::profile
