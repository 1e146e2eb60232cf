// RunStatistics: the figures of one simulated run, gathered job by job as jobs finish, so a run
// of millions of jobs keeps only a double per job (for the percentiles), never the records.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/job_record.h"

namespace twinprof {

// Response times (t_finish - t_submit) of one component's jobs.
struct ResponseTimes {
  long jobs = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
};

struct NodeUsage {
  std::string node;  // host name, "<cluster>/<node_type>-<i>"
  std::string node_type;
  double cores = 0;
  long jobs = 0;
  // Fraction of the node's cores busy computing over the makespan (flops done / capacity).
  double utilisation = 0;
  // Fraction of the node's cores requested by running jobs over the makespan.
  double allocated = 0;
  double price_per_hour = 0;
};

struct RunResult {
  long jobs = 0;
  double makespan = 0;  // last t_finish - first t_submit (seconds)
  double cost = 0;      // node-hours of every node over the makespan x price per hour
  long image_pulls = 0;
  std::map<std::string, ResponseTimes> components;  // by name
  std::vector<NodeUsage> nodes;                     // platform order

  nlohmann::json ToJson() const;
};

class RunStatistics {
 public:
  // `nodes` gives each node's name, type, cores and price (usage fields are filled later).
  explicit RunStatistics(std::vector<NodeUsage> nodes) : nodes_(std::move(nodes)) {}

  // One finished job, which ran on node `node` doing `flops` of work at `speed` flops per core,
  // having requested `requested_cpu` cores.
  void Add(const JobRecord& record, int node, double flops, double speed, double requested_cpu);

  RunResult Finish(long image_pulls) const;

 private:
  std::vector<NodeUsage> nodes_;
  std::vector<double> busy_core_seconds_;
  std::vector<double> allocated_core_seconds_;
  std::vector<long> node_jobs_;
  std::map<std::string, std::vector<double>> response_times_;
  double first_submit_ = 0;
  double last_finish_ = 0;
  long jobs_ = 0;
};

// The q-quantile (0..1) of `sorted` by linear interpolation between closest ranks (NumPy's
// default); 0 for an empty list.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace twinprof
