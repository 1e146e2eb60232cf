// A Backend runs configuration runs of a campaign somewhere real: local processes
// (local/local_backend.h) or an OSCAR cluster through its REST API. The profiler (profiler.h) plans
// the runs, hands them to the backend one at a time, and commits each job record the backend
// reports to the results store the moment it arrives.
//
// One run = deploy every component of the request with its cpu, memory and parallelism, upload
// the request's input files at their times (the arrival pattern), let each output file of a job
// become one job of each downstream component (bucket triggers), and wait until no job is left.
//
// Contract for implementations:
//  - Run() returns only when every job it started has finished (or was given up as failed).
//  - observer.job_finished is called exactly once per job, succeeded or failed, from the thread
//    that called Run(), as soon as the job is finished. The record is complete: campaign, run_id,
//    repetition and parameters copied from the request, source set to the backend's name, times in
//    seconds since the run's start (the moment Run() began uploading).
//  - job_id is unique within the run and deterministic: the same request gives the same job ids
//    (e.g. "grayify:input-003.mp4/frame-0007.png"), so that a rerun run can be compared.
//  - A failing job (non-zero exit, killed for memory, timeout) is a failed record with
//    failure_reason, never an exception. Exceptions are for failures of the backend itself (the
//    cluster is unreachable, a bad backend section: InputError); the profiler then stops and the
//    run stays unfinished in the store (rerun by --resume).
//  - A backend whose stops_on_interrupt() is true watches RunRequest::interrupt: once it fires,
//    Run() stops every job it started, reports none of them, and throws Interrupted
//    (interrupt.h). The others are never given one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/job_record.h"
#include "core/yaml_file.h"
#include "profile/interrupt.h"
#include "workflow/workflow.h"

namespace twinprof::profile {

// How one component is deployed for a run.
struct Deployment {
  std::string component;
  double cpu = 1.0;                       // cores per job (container), may be fractional
  double memory_bytes = 512.0 * 1048576;  // memory limit per job (container)
  int parallelism = 1;                    // maximum concurrent jobs of the component
  std::string cpuset;                     // cpus the jobs may use ("0", "0-1"); "" = any
  // The script's environment: the component's variables, then the campaign's overrides.
  std::vector<std::pair<std::string, std::string>> environment;
};

// One input file put into a component's input bucket at a given time.
struct Upload {
  std::string path;       // a local file (the backend copies or uploads it; never moves it)
  std::string name;       // the object's name in the bucket, unique within the run
  std::string component;  // whose input bucket receives it
  double time_s = 0;      // seconds after the run's start
};

// The campaign's backend choice and its backend-specific section: `backend: NAME` and the
// top-level section named NAME (e.g. `oscar: {endpoint: ..., ...}`), passed through unparsed.
struct BackendConfig {
  std::string name = "local";
  SourceLocation where;                  // of the `backend` key (or the campaign file)
  std::shared_ptr<const YamlFile> file;  // the campaign file (for file:line errors)
  YAML::Node section;                    // null (IsNull()) when the campaign has no such section
  std::string campaign_dir;              // folder of the campaign file (resolve relative paths)
  bool insecure_tls = false;             // `profile --insecure`: skip TLS verification (oscar)
};

// One configuration run.
struct RunRequest {
  std::string campaign;
  int run_id = 0;
  int repetition = 0;
  // "workflow" for the whole workflow; "single:COMPONENT" when a component is tested alone with
  // the intermediate data of the whole-workflow run as its input.
  std::string mode = "workflow";
  // Not owned, never null when passed to Run(): whoever builds the request keeps the workflow
  // alive until Run() returns (MakeRunRequest points it at the Campaign's workflow, so the
  // Campaign must outlive the request). Backends must not keep the pointer after Run().
  const workflow::Workflow* workflow = nullptr;
  // The components to deploy. Outputs of a job whose downstream component is not deployed are
  // kept but trigger nothing.
  std::vector<Deployment> deployments;
  std::vector<Upload> uploads;  // sorted by time_s
  double job_timeout_s = 600;
  // The run's configuration parameters, copied into every JobRecord (e.g. {"grayify.cpu", "0.5"}).
  std::vector<std::pair<std::string, std::string>> parameters;
  // An empty folder owned by this run (under the campaign's output folder); the backend keeps its
  // buckets, logs and intermediate files there.
  std::string work_dir;
  // Ctrl-C and SIGTERM, for a backend that stops_on_interrupt(); null = not watched. Owned by the
  // caller, alive during Run().
  InterruptWatch* interrupt = nullptr;
};

// What Run() reports while it works. Both callbacks may be empty.
struct RunObserver {
  std::function<void(const std::string& component, const std::string& job_id)> job_started;
  // `log_tail`: the last lines of the job's stderr (or its log), kept with the record in the
  // store; most useful for failed jobs. Empty when there is none.
  std::function<void(const JobRecord& record, const std::string& log_tail)> job_finished;
};

struct RunResult {
  int jobs = 0;
  int failed_jobs = 0;
  double makespan_s = 0;  // last t_finish - first t_submit
  // For each component, the input files its jobs received, as local files under work_dir that
  // stay after Run() returns (the inputs of single-component tests).
  std::map<std::string, std::vector<std::string>> component_inputs;
  // Things the user should know once (e.g. "memory limit not enforced: ..."); no secrets.
  std::vector<std::string> notes;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // "local", "oscar": the JobRecord::source of its records.
  virtual std::string name() const = 0;
  // Runs one configuration run; see the contract above.
  virtual RunResult Run(const RunRequest& request, const RunObserver& observer) = 0;
  // Whether Run() watches RunRequest::interrupt (stops its jobs on Ctrl-C); see the contract.
  virtual bool stops_on_interrupt() const { return false; }
};

// The backend named by `config` (throws InputError, located at the campaign's `backend` key or
// section, for an unknown name or a bad section). Defined in backend_factory.cc: one line per
// backend.
std::unique_ptr<Backend> MakeBackend(const BackendConfig& config);

}  // namespace twinprof::profile
