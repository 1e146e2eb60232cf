// RunStatistics: the figures of one simulated run, gathered job by job as jobs finish and
// container by container as pods are placed and removed, so a run of millions of jobs keeps only
// two doubles per job (for the percentiles), never the records.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/job_record.h"
#include "sim/time_integral.h"

namespace twinprof::sim {

// The figures of one component's jobs (asynchronous jobs or synchronous requests).
struct ResponseTimes {
  long jobs = 0;  // served (succeeded) jobs
  // Response times (t_finish - t_submit).
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  // Serverless figures. A job is a cold start when its container started for it (every
  // asynchronous job; a synchronous request served by a container that was not ready when the
  // request came).
  long rejected = 0;                  // synchronous requests rejected (reject_when_full)
  double cold_start_probability = 0;  // cold starts / served jobs
  double rejection_probability = 0;   // rejected / (served + rejected)
  double wait_mean = 0;               // wait_s (t_pod_start - t_submit): mean and p95
  double wait_p95 = 0;
  double containers_mean = 0;  // containers alive (placed on a node), time-averaged
  double containers_max = 0;
  // Slot-seconds serving jobs (t_container_start to t_finish) / slot-seconds of live
  // containers (container-seconds x container_concurrency).
  double container_utilisation = 0;
};

struct NodeUsage {
  std::string node;  // host name, "<cluster>/<node_type>-<i>"
  std::string node_type;
  double cores = 0;
  long jobs = 0;
  // Fraction of the node's cores busy computing over the makespan (flops done / capacity).
  double utilisation = 0;
  // Fraction of the node's cores requested by the containers placed on it (for their whole
  // life: a synchronous container from placement to removal) over the makespan.
  double allocated = 0;
  double containers_mean = 0;  // containers on the node, time-averaged, and the most at once
  double containers_max = 0;
  double price_per_hour = 0;
};

struct SimulatedRun {
  long jobs = 0;
  double makespan = 0;  // last t_finish - first t_submit (seconds)
  double cost = 0;      // node-hours of every node over the makespan x price per hour
  long image_pulls = 0;
  std::map<std::string, ResponseTimes> components;  // by name
  std::vector<NodeUsage> nodes;                     // platform order

  nlohmann::json ToJson() const;
  // Reads ToJson's output back (the serverless figures are optional: older files lack them).
  static SimulatedRun FromJson(const nlohmann::json& json);
};

class RunStatistics {
 public:
  // `nodes` gives each node's name, type, cores and price (usage fields are filled later);
  // `components` the component names by ComponentId, `slots_per_container` their
  // container_concurrency (1 for asynchronous components).
  RunStatistics(std::vector<NodeUsage> nodes, std::vector<std::string> components,
                std::vector<int> slots_per_container);

  // One finished job of component `component`, which ran on node `node` doing `flops` of work
  // at `speed` flops per core; `cold`: its container started for it.
  void Add(const JobRecord& record, int component, int node, double flops, double speed, bool cold);
  void Rejected(int component) { ++components_[component].rejected; }
  // A container (pod) requesting `cpu` cores placed on / removed from a node at `now`.
  void ContainerPlaced(int component, int node, double cpu, double now);
  void ContainerRemoved(int component, int node, double cpu, double now);

  SimulatedRun Finish(long image_pulls) const;

 private:
  struct PerComponent {
    std::string name;
    int slots_per_container = 1;
    std::vector<double> response_times;
    std::vector<double> waits;
    long cold = 0;
    long rejected = 0;
    double serving_seconds = 0;
    TimeIntegral containers;
  };
  struct PerNode {
    double busy_core_seconds = 0;
    long jobs = 0;
    TimeIntegral containers;
    TimeIntegral allocated_cores;
  };

  std::vector<NodeUsage> nodes_;
  std::vector<PerNode> per_node_;
  std::vector<PerComponent> components_;
  double first_submit_ = 0;
  double last_finish_ = 0;
  long jobs_ = 0;
};

// The q-quantile (0..1) of `sorted` by linear interpolation between closest ranks (NumPy's
// default); 0 for an empty list.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace twinprof::sim
