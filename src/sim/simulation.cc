#include "sim/simulation.h"

#include <chrono>
#include <cstdio>
#include <simgrid/s4u.hpp>
#include <sstream>
#include <stdexcept>

#include "core/job_record.h"
#include "core/units.h"
#include "platform/simgrid_platform.h"
#include "sim/job_flow.h"

namespace twinprof::sim {

namespace sg4 = simgrid::s4u;

namespace {

// SimGrid's configuration for every run: the CM02 network model without cross-traffic (a lone
// transfer takes latency + size / bandwidth), quiet logs, small actor stacks.
std::vector<std::string> EngineArguments() {
  return {"twinprof-simulate",
          "--cfg=network/model:CM02",
          "--cfg=network/crosstraffic:0",
          "--cfg=contexts/stack-size:256",
          "--log=root.thres:critical",
          "--log=root.app:stderr"};
}

bool& EngineCreated() {
  static bool created = false;  // SimGrid allows one Engine per process
  return created;
}

std::vector<std::string> ParameterNames(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& [name, value] : scenario.parameters) names.push_back(name);
  return names;
}

}  // namespace

Simulation::Simulation(Scenario scenario) : scenario_(std::move(scenario)) {}

Simulation::Summary Simulation::Run(const Options& options) {
  if (EngineCreated()) {
    throw std::logic_error("a SimGrid simulation already ran in this process (one per process)");
  }
  EngineCreated() = true;
  const auto wall_start = std::chrono::steady_clock::now();

  std::vector<std::string> arguments = EngineArguments();
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(arguments.size());
  sg4::Engine engine(&argc, argv.data());
  platform::SimGridPlatform platform = platform::BuildSimGridPlatform(scenario_.platform, engine);

  std::vector<NodeUsage> usage;
  for (const platform::SimNode& node : platform.nodes) {
    const platform::NodeType* type = scenario_.platform.FindNodeType(node.node_type);
    NodeUsage entry;
    entry.node = node.host->get_name();
    entry.node_type = node.node_type;
    entry.cores = type->cores;
    entry.price_per_hour = type->price_per_hour;
    usage.push_back(entry);
  }
  std::vector<std::string> component_names;
  std::vector<int> slots_per_container;
  for (workflow::ComponentId id : scenario_.workflow.components()) {
    component_names.push_back(scenario_.workflow.component(id).name);
    const SyncSettings& sync = scenario_.deployments[id].sync;
    slots_per_container.push_back(sync.enabled ? sync.container_concurrency : 1);
  }
  RunStatistics statistics(std::move(usage), std::move(component_names),
                           std::move(slots_per_container));

  std::optional<JobCsvWriter> csv;
  if (options.jobs_csv != nullptr) csv.emplace(*options.jobs_csv, ParameterNames(scenario_));
  JobFlow flow(scenario_, platform, csv ? &*csv : nullptr, options.on_job, statistics,
               options.run_id, options.repetition);
  flow.Start();
  engine.run();
  if (flow.unfinished() != 0) {
    throw std::logic_error("simulation ended with " + std::to_string(flow.unfinished()) +
                           " unfinished jobs");
  }

  Summary summary;
  summary.scenario = scenario_.name;
  summary.result = statistics.Finish(flow.image_pulls());
  summary.actors = flow.actors();
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return summary;
}

std::string Simulation::Summary::BriefReport() const {
  char line[256];
  std::snprintf(line, sizeof line, "%s: %ld jobs, makespan %s, cost %.4f, %.2f s wall",
                scenario.c_str(), result.jobs, FormatSeconds(result.makespan).c_str(), result.cost,
                wall_seconds);
  return line;
}

std::string Simulation::Summary::FullReport() const {
  std::ostringstream out;
  out << BriefReport() << "\n";
  out << "image pulls: " << result.image_pulls << ", actors: " << actors << "\n";
  out << "response time per component (s):  jobs  mean  p50  p95  max\n";
  for (const auto& [name, times] : result.components) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-24s %8ld %10.4g %10.4g %10.4g %10.4g\n", name.c_str(),
                  times.jobs, times.mean, times.p50, times.p95, times.max);
    out << line;
  }
  out << "nodes:  jobs  utilisation  allocated\n";
  for (const NodeUsage& node : result.nodes) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-24s %8ld %10.1f%% %10.1f%%\n", node.node.c_str(),
                  node.jobs, 100 * node.utilisation, 100 * node.allocated);
    out << line;
  }
  return out.str();
}

}  // namespace twinprof::sim
