#include "sim/run_statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace twinprof::sim {

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double position = q * static_cast<double>(sorted.size() - 1);
  auto below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, sorted.size() - 1);
  double weight = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * weight;
}

RunStatistics::RunStatistics(std::vector<NodeUsage> nodes, std::vector<std::string> components,
                             std::vector<int> slots_per_container)
    : nodes_(std::move(nodes)), per_node_(nodes_.size()), components_(components.size()) {
  for (size_t i = 0; i < components.size(); ++i) {
    components_[i].name = std::move(components[i]);
    components_[i].slots_per_container =
        i < slots_per_container.size() ? std::max(1, slots_per_container[i]) : 1;
  }
}

void RunStatistics::Add(const JobRecord& record, int component, int node, double flops,
                        double speed, bool cold) {
  if (jobs_ == 0 || record.t_submit < first_submit_) first_submit_ = record.t_submit;
  last_finish_ = std::max(last_finish_, record.t_finish);
  ++jobs_;
  PerNode& where = per_node_[node];
  where.busy_core_seconds += flops / speed;
  ++where.jobs;
  PerComponent& what = components_[component];
  what.response_times.push_back(record.total_s());
  what.waits.push_back(record.wait_s());
  what.serving_seconds += record.t_finish - record.t_container_start;
  if (cold) ++what.cold;
}

void RunStatistics::ContainerPlaced(int component, int node, double cpu, double now) {
  components_[component].containers.Change(now, 1);
  per_node_[node].containers.Change(now, 1);
  per_node_[node].allocated_cores.Change(now, cpu);
}

void RunStatistics::ContainerRemoved(int component, int node, double cpu, double now) {
  components_[component].containers.Change(now, -1);
  per_node_[node].containers.Change(now, -1);
  per_node_[node].allocated_cores.Change(now, -cpu);
}

namespace {

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double Ratio(double part, double whole) { return whole > 0 ? part / whole : 0; }

}  // namespace

SimulatedRun RunStatistics::Finish(long image_pulls) const {
  SimulatedRun result;
  result.jobs = jobs_;
  result.makespan = jobs_ > 0 ? last_finish_ - first_submit_ : 0;
  result.image_pulls = image_pulls;
  const double end = last_finish_;
  for (const PerComponent& component : components_) {
    if (component.response_times.empty() && component.rejected == 0) continue;
    std::vector<double> sorted = component.response_times;
    std::sort(sorted.begin(), sorted.end());
    ResponseTimes summary;
    summary.jobs = static_cast<long>(sorted.size());
    summary.mean = Mean(sorted);
    summary.p50 = Quantile(sorted, 0.5);
    summary.p95 = Quantile(sorted, 0.95);
    summary.max = sorted.empty() ? 0 : sorted.back();
    summary.rejected = component.rejected;
    summary.cold_start_probability =
        Ratio(static_cast<double>(component.cold), static_cast<double>(summary.jobs));
    summary.rejection_probability = Ratio(static_cast<double>(component.rejected),
                                          static_cast<double>(summary.jobs + component.rejected));
    std::vector<double> waits = component.waits;
    std::sort(waits.begin(), waits.end());
    summary.wait_mean = Mean(waits);
    summary.wait_p95 = Quantile(waits, 0.95);
    const double container_seconds = component.containers.Area(end);
    summary.containers_mean = Ratio(container_seconds, result.makespan);
    summary.containers_max = component.containers.max();
    summary.container_utilisation =
        Ratio(component.serving_seconds, container_seconds * component.slots_per_container);
    result.components[component.name] = summary;
  }
  result.nodes = nodes_;
  for (size_t i = 0; i < result.nodes.size(); ++i) {
    NodeUsage& usage = result.nodes[i];
    const PerNode& node = per_node_[i];
    const double capacity = usage.cores * result.makespan;
    usage.jobs = node.jobs;
    usage.utilisation = Ratio(node.busy_core_seconds, capacity);
    usage.allocated = Ratio(node.allocated_cores.Area(end), capacity);
    usage.containers_mean = Ratio(node.containers.Area(end), result.makespan);
    usage.containers_max = node.containers.max();
    result.cost += usage.price_per_hour * result.makespan / 3600;
  }
  return result;
}

nlohmann::json SimulatedRun::ToJson() const {
  nlohmann::json json;
  json["jobs"] = jobs;
  json["makespan_s"] = makespan;
  json["cost"] = cost;
  json["image_pulls"] = image_pulls;
  nlohmann::json components_json = nlohmann::json::object();
  for (const auto& [name, c] : components) {
    components_json[name] = {
        {"jobs", c.jobs},
        {"response_time_s", {{"mean", c.mean}, {"p50", c.p50}, {"p95", c.p95}, {"max", c.max}}},
        {"rejected", c.rejected},
        {"cold_start_probability", c.cold_start_probability},
        {"rejection_probability", c.rejection_probability},
        {"wait_s", {{"mean", c.wait_mean}, {"p95", c.wait_p95}}},
        {"containers", {{"mean", c.containers_mean}, {"max", c.containers_max}}},
        {"container_utilisation", c.container_utilisation}};
  }
  json["components"] = components_json;
  nlohmann::json nodes_json = nlohmann::json::array();
  for (const NodeUsage& node : nodes) {
    nodes_json.push_back(
        {{"node", node.node},
         {"node_type", node.node_type},
         {"cores", node.cores},
         {"jobs", node.jobs},
         {"utilisation", node.utilisation},
         {"allocated", node.allocated},
         {"containers", {{"mean", node.containers_mean}, {"max", node.containers_max}}},
         {"price_per_hour", node.price_per_hour}});
  }
  json["nodes"] = nodes_json;
  return json;
}

SimulatedRun SimulatedRun::FromJson(const nlohmann::json& json) {
  SimulatedRun result;
  result.jobs = json.at("jobs").get<long>();
  result.makespan = json.at("makespan_s").get<double>();
  result.cost = json.at("cost").get<double>();
  result.image_pulls = json.at("image_pulls").get<long>();
  for (const auto& [name, component] : json.at("components").items()) {
    ResponseTimes c;
    c.jobs = component.at("jobs").get<long>();
    const nlohmann::json& response = component.at("response_time_s");
    c.mean = response.at("mean").get<double>();
    c.p50 = response.at("p50").get<double>();
    c.p95 = response.at("p95").get<double>();
    c.max = response.at("max").get<double>();
    c.rejected = component.value("rejected", 0L);
    c.cold_start_probability = component.value("cold_start_probability", 0.0);
    c.rejection_probability = component.value("rejection_probability", 0.0);
    if (component.contains("wait_s")) {
      c.wait_mean = component["wait_s"].at("mean").get<double>();
      c.wait_p95 = component["wait_s"].at("p95").get<double>();
    }
    if (component.contains("containers")) {
      c.containers_mean = component["containers"].at("mean").get<double>();
      c.containers_max = component["containers"].at("max").get<double>();
    }
    c.container_utilisation = component.value("container_utilisation", 0.0);
    result.components[name] = c;
  }
  for (const nlohmann::json& node : json.at("nodes")) {
    NodeUsage usage;
    usage.node = node.at("node").get<std::string>();
    usage.node_type = node.at("node_type").get<std::string>();
    usage.cores = node.at("cores").get<double>();
    usage.jobs = node.at("jobs").get<long>();
    usage.utilisation = node.at("utilisation").get<double>();
    usage.allocated = node.at("allocated").get<double>();
    if (node.contains("containers")) {
      usage.containers_mean = node["containers"].at("mean").get<double>();
      usage.containers_max = node["containers"].at("max").get<double>();
    }
    usage.price_per_hour = node.at("price_per_hour").get<double>();
    result.nodes.push_back(usage);
  }
  return result;
}

}  // namespace twinprof::sim
