#include "sim/run_statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace twinprof {

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double position = q * static_cast<double>(sorted.size() - 1);
  auto below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, sorted.size() - 1);
  double weight = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * weight;
}

void RunStatistics::Add(const JobRecord& record, int node, double flops, double speed,
                        double requested_cpu) {
  if (busy_core_seconds_.empty()) {
    busy_core_seconds_.assign(nodes_.size(), 0);
    allocated_core_seconds_.assign(nodes_.size(), 0);
    node_jobs_.assign(nodes_.size(), 0);
  }
  if (jobs_ == 0 || record.t_submit < first_submit_) first_submit_ = record.t_submit;
  last_finish_ = std::max(last_finish_, record.t_finish);
  ++jobs_;
  busy_core_seconds_[node] += flops / speed;
  allocated_core_seconds_[node] += requested_cpu * (record.t_finish - record.t_pod_start);
  ++node_jobs_[node];
  response_times_[record.component].push_back(record.total_s());
}

RunResult RunStatistics::Finish(long image_pulls) const {
  RunResult result;
  result.jobs = jobs_;
  result.makespan = jobs_ > 0 ? last_finish_ - first_submit_ : 0;
  result.image_pulls = image_pulls;
  for (const auto& [name, times] : response_times_) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    ResponseTimes summary;
    summary.jobs = static_cast<long>(sorted.size());
    summary.mean =
        std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
    summary.p50 = Quantile(sorted, 0.5);
    summary.p95 = Quantile(sorted, 0.95);
    summary.max = sorted.back();
    result.components[name] = summary;
  }
  result.nodes = nodes_;
  for (size_t i = 0; i < result.nodes.size(); ++i) {
    NodeUsage& usage = result.nodes[i];
    double capacity = usage.cores * result.makespan;
    if (!busy_core_seconds_.empty()) {
      usage.jobs = node_jobs_[i];
      usage.utilisation = capacity > 0 ? busy_core_seconds_[i] / capacity : 0;
      usage.allocated = capacity > 0 ? allocated_core_seconds_[i] / capacity : 0;
    }
    result.cost += usage.price_per_hour * result.makespan / 3600;
  }
  return result;
}

nlohmann::json RunResult::ToJson() const {
  nlohmann::json json;
  json["jobs"] = jobs;
  json["makespan_s"] = makespan;
  json["cost"] = cost;
  json["image_pulls"] = image_pulls;
  nlohmann::json components_json = nlohmann::json::object();
  for (const auto& [name, times] : components) {
    components_json[name] = {
        {"jobs", times.jobs},
        {"response_time_s",
         {{"mean", times.mean}, {"p50", times.p50}, {"p95", times.p95}, {"max", times.max}}}};
  }
  json["components"] = components_json;
  nlohmann::json nodes_json = nlohmann::json::array();
  for (const NodeUsage& node : nodes) {
    nodes_json.push_back({{"node", node.node},
                          {"node_type", node.node_type},
                          {"cores", node.cores},
                          {"jobs", node.jobs},
                          {"utilisation", node.utilisation},
                          {"allocated", node.allocated},
                          {"price_per_hour", node.price_per_hour}});
  }
  json["nodes"] = nodes_json;
  return json;
}

}  // namespace twinprof
