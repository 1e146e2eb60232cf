// A Workflow is a directed acyclic graph of components (serverless functions). An edge A -> B
// means: every output file of a job of A becomes the input of one job of B, as OSCAR's bucket
// triggers do.
//
// Workflows come from our YAML format, OSCAR FDL files or WfFormat 1.5 JSON (see loaders.h).
// A Workflow obtained from a loader has passed Validate(): unique names, no cycles, positive
// resources, every component has a script (or, for WfFormat, a runtime; for an FDL service, its
// image's own command).
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace twinprof::workflow {

// OSCAR FDL `replicas:` entry: where OSCAR may delegate a service's jobs when its own cluster has
// no room for them (another cluster's service, or an HTTP endpoint), tried by priority.
struct Replica {
  std::string type = "oscar";  // "oscar" (another OSCAR service) or "endpoint" (an HTTP URL)
  std::string cluster;         // oscar: the cluster id
  std::string service;         // oscar: the service's name in that cluster
  std::string url;             // endpoint
  int priority = 0;            // 0 = tried first
  // The component of this workflow that is that cluster's service ("" when the workflow does not
  // hold it).
  std::string component;
};

// One serverless function.
struct Component {
  // Unique in the workflow. For an OSCAR FDL service, its name, or NAME@CLUSTER when the file
  // has a service of that name in several clusters (a service is identified by cluster and name).
  std::string name;
  // The OSCAR-style script, as written in the file and resolved against the file's folder.
  std::string script;
  std::string script_path;
  // OSCAR FDL: the component has no script and runs its image's own command (the entrypoint),
  // which only the oscar backend can run.
  bool image_command = false;
  // Container image per architecture ("x86_64", "arm64"); may be empty.
  std::map<std::string, std::string> images;
  double image_size_bytes = 0;
  double cpu = 1.0;                       // cores requested (may be fractional)
  double memory_bytes = 512.0 * 1048576;  // memory requested
  // Environment variables given to the script, in file order.
  std::vector<std::pair<std::string, std::string>> environment;
  // OSCAR FDL only: the cluster id hosting the service, the service's name there (= name unless
  // qualified by the cluster), its replicas, and its bucket paths.
  std::string cluster;
  std::string service_name;
  std::vector<Replica> replicas;
  std::vector<std::string> input_paths;
  std::vector<std::string> output_paths;
  // WfFormat only: the measured runtime (seconds) and cores of the task; 0 when unknown.
  double runtime_s = 0;
  int task_cores = 0;
  double input_bytes = 0;   // WfFormat: total size of the task's input files
  double output_bytes = 0;  // WfFormat: total size of the task's output files
  // Where the component is defined.
  SourceLocation where;
};

// A dependency between two components.
struct Dependency {
  // Where the edge is declared: our YAML, the edge's list entry; FDL, the downstream service's
  // input path; WfFormat, the task that names the other first.
  SourceLocation where;
};

using WorkflowGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Component, Dependency>;
using ComponentId = WorkflowGraph::vertex_descriptor;

// The longest path through the DAG for given per-component weights.
struct CriticalPath {
  double length = 0;
  std::vector<ComponentId> components;  // in execution order
};

class Workflow {
 public:
  Workflow() = default;
  explicit Workflow(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // The file it was loaded from ("" when built in code).
  const std::string& source_file() const { return source_file_; }
  void set_source_file(std::string file) { source_file_ = std::move(file); }

  const WorkflowGraph& graph() const { return graph_; }
  size_t size() const { return boost::num_vertices(graph_); }
  const Component& component(ComponentId id) const { return graph_[id]; }
  Component& mutable_component(ComponentId id) { return graph_[id]; }
  // All components, in insertion order (ComponentId 0, 1, ...).
  std::vector<ComponentId> components() const;
  // The component with this name, or nullopt. Linear in the number of components: callers that
  // look names up in a loop should build their own map.
  std::optional<ComponentId> Find(const std::string& name) const;

  // Adds a component; names are checked by Validate(), not here.
  ComponentId AddComponent(Component component);
  // Adds the edge from -> to (throws std::out_of_range for an unknown id). Parallel edges and
  // self-loops are stored as given; Validate() reports a self-loop as a cycle.
  void AddDependency(ComponentId from, ComponentId to, Dependency dependency = {});

  // Distinct neighbours, in ascending id order (parallel edges count once).
  std::vector<ComponentId> Successors(ComponentId id) const;
  std::vector<ComponentId> Predecessors(ComponentId id) const;
  // Components without predecessors / successors, in insertion order.
  std::vector<ComponentId> Sources() const;
  std::vector<ComponentId> Sinks() const;

  // A topological order (among the components ready at any point, the one inserted first comes
  // first, so the order is deterministic). Throws InputError naming a cycle if there is one
  // ("the workflow has a cycle: a -> b -> a", starting and located at the cycle's first-inserted
  // component).
  std::vector<ComponentId> TopologicalOrder() const;

  // The path whose summed weights are largest; `weights` is indexed by ComponentId and must have
  // size() entries (std::invalid_argument otherwise). Ties go to the earlier-inserted component.
  // Throws InputError on a cycle.
  CriticalPath FindCriticalPath(const std::vector<double>& weights) const;

  // Graphviz DOT: node ids are ComponentIds, labels carry the name, cpu and memory (and the
  // runtime or cluster when known); one edge per dependency.
  std::string ToDot() const;

  // Throws InputError (located at the offending component or edge) when the workflow is empty,
  // has duplicate names, a cycle (named: "a -> b -> a"), a component without a script (unless it
  // has a WfFormat runtime or runs its image's command), or a non-positive cpu or memory.
  void Validate() const;

 private:
  std::string name_;
  std::string source_file_;
  WorkflowGraph graph_;
};

}  // namespace twinprof::workflow
