// ReportData: everything `twinprof report` read, as the charts need it. Loaders (report_inputs.h)
// fill it from the paths the user names; chart builders (*_chart.h) read it; nothing here knows
// about HTML or Vega.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/job_record.h"

namespace twinprof::report {

// One path the user gave and what it turned out to be, for the page's "what went in" table.
struct InputDescription {
  std::string path;
  std::string kind;     // "profile results", "simulation", ...
  std::string summary;  // "6 runs, 72 jobs (campaign cpu-burn, backend local)"
};

// One run of a workflow, measured or simulated: its configuration and its jobs.
struct RunTimeline {
  bool measured = true;  // false: simulated
  std::string input;     // the path it was read from (as given)
  std::string name;      // the campaign or scenario name
  int run_id = 0;
  int repetition = 0;
  std::string mode;  // "workflow" or "single:COMPONENT" (measured); "" for simulated
  // The run's configuration, as its source names it (campaign parameters, or --set/--sweep keys).
  std::vector<std::pair<std::string, std::string>> parameters;
  double makespan_s = 0;  // last t_finish - first t_submit
  double cost = -1;       // simulated runs: the platform's cost; -1 when unknown
  std::vector<JobRecord> jobs;

  // "measured" or "simulated".
  std::string SourceName() const { return measured ? "measured" : "simulated"; }
  // "cpu-burn run 3, rep. 1" or "edge-cloud run 2".
  std::string ShortLabel() const;
  // The parameters as "key=value, key=value" (or "default configuration").
  std::string ConfigurationLabel() const;
};

// A `twinprof validate` output (docs/formats.md, "Validation"): validate.json.
struct ValidationSet {
  struct Predictor {
    std::string name;
    std::string kind;  // "jobs" or "prediction"
    int configurations = 0, joined = 0, unmatched = 0;
  };
  // One row of validate.csv: a predictor's MAPE of one metric, component and split.
  struct Metric {
    std::string predictor, metric, component, split;
    int cells = 0, zero_measured = 0;
    double mape_pct = 0, measured_mean = 0, predicted_mean = 0;
  };
  // One configuration x component of one predictor, with the measured and predicted value of
  // each metric it has (metric name -> value).
  struct Cell {
    std::string predictor, configuration, component, split;
    int jobs_measured = 0, jobs_predicted = 0;
    std::vector<std::pair<std::string, double>> measured, predicted;
  };
  std::string path;      // the folder given
  std::string measured;  // the results folder validated against
  std::string split_by;  // "", "trained-on" or "trained-where"
  std::vector<std::string> conditions;
  std::vector<Predictor> predictors;
  std::vector<Metric> metrics;
  std::vector<Cell> cells;
};

// A `twinprof explore` output (docs/formats.md, "Explore outputs"): candidates.csv and
// summary.json.
struct ExplorationSet {
  struct Candidate {
    std::string workload;
    int number = 0;
    double makespan_s = 0, cost = 0;
    std::vector<std::pair<std::string, double>> p95_s;  // component -> seconds
    bool feasible = false;
    std::string why_not;
    std::string configuration;  // "hardware.nodes.cloud.vm-medium=4, ..." (the varied columns)
  };
  struct Workload {
    std::string name, method, stopped;
    int evaluated = 0, simulated = 0, feasible = 0;
    int cheapest = -1, fastest = -1;  // candidate numbers; -1: none
    // objective column -> the front's candidate numbers by increasing cost
    std::vector<std::pair<std::string, std::vector<int>>> pareto;
    std::vector<std::string> findings;
  };
  std::string path, space, scenario;
  std::vector<std::string> objectives;                      // "makespan_s", "<component>.p95_s"
  std::vector<std::pair<std::string, double>> constraints;  // "makespan", "C p95", "cost", ...
  std::vector<Workload> workloads;
  std::vector<Candidate> candidates;  // simulated ones (with figures)
};

// A calibration file written by `twinprof calibrate` (docs/formats.md, "Calibration file"): what
// the report shows of it is its `fit:` section.
struct CalibrationSet {
  struct Parameter {
    std::string name;  // "behaviour.blurry-faces.work.base"
    double value = 0;
    double standard_error = 0;  // NaN when not identified
    bool identified = true;
    std::string why;  // why it is not identified
  };
  std::string path, workflow, reference_node_type;
  bool converged = true;
  std::vector<std::string> data;                     // what it was fitted on
  std::vector<std::pair<std::string, int>> records;  // component -> records used
  // component -> (phase -> MAPE %) of the model on its own records, and (phase -> measured mean
  // seconds) where the file gives them (`fit.mean_seconds`, written since 2026-12-07).
  using PhaseValues =
      std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>>;
  PhaseValues mape;
  PhaseValues mean_seconds;
  std::vector<Parameter> parameters;
};

struct ReportData {
  std::vector<InputDescription> inputs;
  std::vector<RunTimeline> runs;  // in the order read: inputs in command-line order, runs by id
  std::vector<ValidationSet> validations;
  std::vector<ExplorationSet> explorations;
  std::vector<CalibrationSet> calibrations;

  int MeasuredRuns() const;
  int SimulatedRuns() const;
};

// A parameter name as measured and simulated runs can both give it: the simulator's `--set` and
// `--sweep` keys are paths into the scenario (`resources.grayify.cpu`), a campaign's are
// `grayify.cpu`; both become `grayify.cpu`. Other names are returned unchanged.
std::string CanonicalParameterName(const std::string& name);

// How well simulated run `simulated` matches measured run `measured`: the number of parameters
// both name (canonically) with the same value (numerically equal when both are numbers), or -1
// when one of them has a different value. Used to pair each measured run with a simulated one.
int ConfigurationMatch(const RunTimeline& measured, const RunTimeline& simulated);

// Which measured run (index into data.runs, or -1) is shown with which simulated run (or -1):
// each measured run with the simulated run that matches its configuration best
// (ConfigurationMatch of at least one shared parameter; ties go to the first), then each
// simulated run left unpaired on its own.
std::vector<std::pair<int, int>> PairRuns(const ReportData& data);

// A short name for each run's configuration (parallel to data.runs), as "burn.cpu=0.5,
// input.kb=300": only the parameters whose values differ between the runs of its kind
// (measured, simulated) read from the same input, with canonical names and numbers in shortest
// form; `input` is left out when `input.NAME` parameters vary. A simulated run that matches a
// measured run (ConfigurationMatch > 0) gets that run's name, so both sit on one row of a chart.
// The label is empty when nothing varies (a single configuration, e.g. the only run of its
// input): charts then name the run by its campaign or scenario.
std::vector<std::string> ShortConfigurationLabels(const ReportData& data);

}  // namespace twinprof::report
