// ValidateScenario: the checks a scenario must pass before it is simulated, wherever it came
// from (the YAML loader or code).
#include <cmath>
#include <set>
#include <string>

#include "core/job_record.h"
#include "core/units.h"
#include "sim/node_pool.h"
#include "sim/scenario.h"

namespace twinprof::sim {

namespace {

void CheckDistribution(const Distribution& distribution, const SourceLocation& where,
                       const std::string& what) {
  auto bad = [](double x) { return !(x >= 0) || std::isinf(x); };
  switch (distribution.kind) {
    case Distribution::Kind::kFixed:
      if (bad(distribution.a)) throw InputError(where, what + " must be >= 0");
      break;
    case Distribution::Kind::kUniform:
      if (bad(distribution.a) || bad(distribution.b) || distribution.b < distribution.a) {
        throw InputError(where, what + ": a uniform distribution needs 0 <= min <= max");
      }
      break;
    case Distribution::Kind::kExponential:
      if (bad(distribution.a)) throw InputError(where, what + ": the mean must be >= 0");
      break;
    case Distribution::Kind::kEmpirical:
      if (distribution.values.empty()) throw InputError(where, what + ": no values");
      for (double value : distribution.values) {
        if (bad(value)) throw InputError(where, what + ": values must be >= 0");
      }
      break;
  }
}

}  // namespace

void ValidateScenario(const Scenario& scenario) {
  const SourceLocation file{scenario.source_file, 0, 0};
  platform::ValidatePlatform(scenario.platform);
  const workflow::Workflow& workflow = scenario.workflow;
  if (workflow.size() == 0) throw InputError(file, "the workflow has no components");
  if (scenario.deployments.size() != workflow.size() ||
      scenario.behaviours.size() != workflow.size()) {
    throw InputError(file, "every component needs a placement and a behaviour");
  }
  if (scenario.platform.clusters.empty()) throw InputError(file, "the platform has no clusters");

  std::vector<PoolNode> nodes;
  for (const platform::Cluster& cluster : scenario.platform.clusters) {
    for (const auto& [type_name, count] : cluster.nodes) {
      const platform::NodeType* type = scenario.platform.FindNodeType(type_name);
      if (type == nullptr) continue;  // ValidatePlatform rejects this
      if (!(type->speed > 0)) {
        throw InputError(type->where, "node type '" + type_name + "' has speed " +
                                          FormatFlops(type->speed) + "; it must be > 0");
      }
      for (int i = 0; i < count; ++i) {
        nodes.push_back({cluster.name, type_name, ToMillicores(type->cores),
                         static_cast<int64_t>(type->memory_bytes), 0, 0, type->arch});
      }
    }
  }
  NodePool pool(nodes, scenario.node_policy);

  for (workflow::ComponentId id : workflow.components()) {
    const std::string& name = workflow.component(id).name;
    const ComponentDeployment& deployment = scenario.deployments[id];
    const SourceLocation& where = deployment.where.file.empty() ? file : deployment.where;
    if (scenario.platform.FindCluster(deployment.cluster) == nullptr) {
      throw InputError(where, "component '" + name + "' is placed on unknown cluster '" +
                                  deployment.cluster + "'");
    }
    if (!deployment.node_type.empty() &&
        scenario.platform.FindNodeType(deployment.node_type) == nullptr) {
      throw InputError(where, "component '" + name + "' asks for unknown node type '" +
                                  deployment.node_type + "'");
    }
    if (!(deployment.cpu > 0) || std::isinf(deployment.cpu) || ToMillicores(deployment.cpu) < 1) {
      throw InputError(where, "component '" + name + "': cpu must be at least 1m (0.001)");
    }
    if (deployment.cpu_limit != 0 &&
        (!(deployment.cpu_limit >= deployment.cpu) || std::isinf(deployment.cpu_limit))) {
      throw InputError(where, "component '" + name + "': cpu_limit must be >= cpu");
    }
    if (!(deployment.memory_bytes >= 0) || std::isinf(deployment.memory_bytes)) {
      throw InputError(where, "component '" + name + "': memory must be >= 0");
    }
    if (deployment.parallelism < 0) {
      throw InputError(where, "component '" + name + "': parallelism must be >= 0");
    }
    const SyncSettings& sync = deployment.sync;
    if (sync.container_concurrency < 1 || sync.min_scale < 0 || sync.max_scale < 0 ||
        !(sync.keep_alive_s >= 0) || std::isinf(sync.keep_alive_s) || !(sync.init_s >= 0) ||
        std::isinf(sync.init_s)) {
      throw InputError(where, "component '" + name +
                                  "': container_concurrency must be >= 1; min_scale, max_scale, "
                                  "keep_alive and init_time >= 0 and finite");
    }
    if (sync.max_scale > 0 && sync.min_scale > sync.max_scale) {
      throw InputError(where, "component '" + name + "': min_scale must be <= max_scale");
    }
    const std::map<std::string, std::string>& images = workflow.component(id).images;
    if (pool.EligibleNodes(deployment, images).empty()) {
      std::set<std::string> node_archs;
      for (int i : pool.EligibleNodes(deployment)) node_archs.insert(pool.nodes()[i].arch);
      if (!node_archs.empty()) {
        std::string have, nodes_are;
        for (const auto& [arch, image] : images) have += (have.empty() ? "" : ", ") + arch;
        for (const std::string& arch : node_archs) {
          nodes_are += (nodes_are.empty() ? "" : ", ") + arch;
        }
        throw InputError(where, "component '" + name + "' has images for " + have +
                                    " only, but its nodes in cluster '" + deployment.cluster +
                                    "' are " + nodes_are + ": none can start its container");
      }
    }
    std::vector<int> eligible = pool.EligibleNodes(deployment, images);
    bool fits = false;
    for (int i : eligible) {
      const PoolNode& node = pool.nodes()[i];
      if (node.cpu_millis >= ToMillicores(deployment.cpu) &&
          node.memory_bytes >= static_cast<int64_t>(deployment.memory_bytes)) {
        fits = true;
      }
    }
    if (!fits) {
      throw InputError(
          where, "component '" + name + "': no node of cluster '" + deployment.cluster +
                     (deployment.node_type.empty() ? std::string()
                                                   : "' of type '" + deployment.node_type) +
                     "' has room for one job (cpu " + FormatDouble(deployment.cpu) + ", memory " +
                     FormatBytes(deployment.memory_bytes) + ")");
    }
    const ComponentBehaviour& behaviour = scenario.behaviours[id];
    if (!(behaviour.work_exponent > 0 && behaviour.work_exponent <= kMaxWorkExponent) ||
        !(behaviour.work_exponent == 1 || behaviour.work_reference_bytes > 0)) {
      throw InputError(where, "component '" + name +
                                  "': the work exponent must be in (0, 4], with a reference "
                                  "size > 0 unless it is 1");
    }
    if (!(behaviour.work_base >= 0) || !(behaviour.work_per_byte >= 0) ||
        !(behaviour.serial_fraction >= 0 && behaviour.serial_fraction <= 1) ||
        !(behaviour.output_files_per_input >= 0 || behaviour.output_files_per_input_byte > 0) ||
        !(behaviour.output_files_per_input_byte >= 0) ||
        !(behaviour.output_bytes >= 0 || behaviour.output_bytes_per_input_byte > 0) ||
        !(behaviour.output_bytes_per_input_byte >= 0)) {
      throw InputError(
          where, "component '" + name + "': behaviour values must be >= 0 (serial fraction <= 1)");
    }
  }

  const Workload& workload = scenario.workload;
  if (workload.files < 0) throw InputError(file, "workload: files must be >= 0");
  if (workload.batch_size < 1) throw InputError(file, "workload: batch_size must be >= 1");
  if (!(workload.inter_upload_time >= 0) || std::isinf(workload.inter_upload_time)) {
    throw InputError(file, "workload: inter_upload_time must be >= 0");
  }
  CheckDistribution(workload.input_size, file, "workload: input_size");
  double previous = 0;
  for (const auto& [time, bytes] : workload.uploads) {
    if (!(time >= previous) || std::isinf(time) || !(bytes >= 0) || std::isinf(bytes)) {
      throw InputError(file,
                       "workload: uploads must be in time order, at times >= 0, of sizes >= 0");
    }
    previous = time;
  }
}

}  // namespace twinprof::sim
