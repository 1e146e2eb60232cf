// A Scenario is everything one simulation needs: the workflow, the platform, where each
// component runs and with what resources, the stream of input files, and what each job does.
//
// Scenarios come from YAML (LoadScenario, docs/formats.md "Scenario") or are built in code
// (tests, `explore`). ValidateScenario checks one built in code; the loader calls it too.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "platform/platform.h"
#include "sim/component_behaviour.h"
#include "sim/knative_autoscaler.h"
#include "workflow/workflow.h"

namespace twinprof::sim {

// How the Kubernetes scheduler picks a node among those with room for a job's requests.
enum class NodePolicy {
  kFirstFit,        // the first node in platform order
  kLeastAllocated,  // the node with the smallest fraction of its cpu and memory requested
};

// Which ready container with a free slot a request goes to, when several have one: a property of
// the platform's load balancer (docs/formats.md, "routing").
enum class Routing {
  kMostRecentlyUsed,  // the one whose slot was freed last (the least recently used ones expire)
  kNewest,            // the one created last (SimFaaS)
  kOldest,            // the one created first
  kRandom,            // any, uniformly (kube-proxy's random endpoint)
};

// A synchronous service (OSCAR /run, Knative underneath): requests go to warm containers, which
// stay up after serving; see sim/sync_containers.h for the model.
struct SyncSettings {
  bool enabled = false;           // `mode: sync`; asynchronous (one container per job) otherwise
  int container_concurrency = 1;  // requests one container serves at a time
  double keep_alive_s = 60;       // an idle container is removed after this long
  int min_scale = 0;              // containers never removed, warm from t = 0
  int max_scale = 0;              // 0 = as many as the nodes hold
  bool reject_when_full = false;  // at max_scale: reject a request instead of queueing it
  double init_s = 0;              // application init in a new container, after it starts
  Routing routing = Routing::kMostRecentlyUsed;  // among ready containers with a free slot
  // `autoscaler: knative`: Knative's KPA decides how many containers run (keep_alive unused);
  // otherwise a container starts per request that finds none free (sim/sync_containers.h).
  bool knative = false;
  KnativeSettings knative_settings;
};

// Where and with what one component runs (OSCAR service settings).
struct ComponentDeployment {
  std::string cluster;
  std::string node_type;  // "" = any node type of the cluster (a node selector otherwise)
  double cpu = 1;         // cores requested per job (may be fractional)
  // Cores the container may use (its CPU limit); 0 = the same as `cpu`. A limit above the
  // request lets co-located jobs compete for the node's cores (processor sharing).
  double cpu_limit = 0;
  double memory_bytes = 0;  // memory requested per job
  int parallelism = 0;      // max concurrent jobs (OSCAR total_cpu / cpu); 0 = unlimited
  SourceLocation where;     // the placement entry
  SyncSettings sync;

  double limit() const { return cpu_limit > 0 ? cpu_limit : cpu; }
};

// A distribution of non-negative values.
struct Distribution {
  enum class Kind { kFixed, kUniform, kExponential, kEmpirical };
  Kind kind = Kind::kFixed;
  double a = 0;                // fixed value, uniform min, exponential mean
  double b = 0;                // uniform max
  std::vector<double> values;  // empirical: drawn uniformly
};

// The stream of input files uploaded to the input bucket of the workflow's source components.
struct Workload {
  int64_t files = 1;
  int64_t batch_size = 1;        // files uploaded together
  double inter_upload_time = 0;  // seconds between batches (mean, when exponential)
  bool exponential = false;      // exponential inter-upload times instead of deterministic
  Distribution input_size;       // bytes per input file
  uint64_t seed = 1;
  // `simulate --replay`: each file's upload time (seconds) and size (bytes), in time order. When
  // not empty it replaces files, batch_size, inter_upload_time, exponential and input_size.
  std::vector<std::pair<double, double>> uploads;
};

struct Scenario {
  std::string name;
  std::string source_file;
  workflow::Workflow workflow;
  platform::Platform platform;
  // Indexed by ComponentId.
  std::vector<ComponentDeployment> deployments;
  std::vector<ComponentBehaviour> behaviours;
  Workload workload;
  NodePolicy node_policy = NodePolicy::kLeastAllocated;
  // The values given with --set and --sweep, recorded as parameter columns of jobs.csv.
  std::vector<std::pair<std::string, std::string>> parameters;
};

// Throws InputError when a deployment names an unknown cluster or node type, when no node of
// the placement has room for even one job (cpu and memory), or when sizes, speeds or rates are
// not positive where they must be.
void ValidateScenario(const Scenario& scenario);

// Reads a scenario YAML file; `overrides` ("workload.files" -> "1000", ...) replace or add
// values before the file is interpreted (the CLI's --set and --sweep). Throws InputError with
// file:line:col. Unknown keys are errors. A component without a behaviour is an error unless
// `behaviours_optional` (calibrate: the fit supplies them; such components get the defaults).
Scenario LoadScenario(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& overrides = {},
                      bool behaviours_optional = false);

}  // namespace twinprof::sim
