#include "workflow/workflow.h"

#include <algorithm>
#include <boost/graph/graphviz.hpp>
#include <cmath>
#include <functional>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/units.h"

namespace twinprof::workflow {

std::vector<ComponentId> Workflow::components() const {
  std::vector<ComponentId> ids;
  ids.reserve(size());
  for (ComponentId id : boost::make_iterator_range(boost::vertices(graph_))) ids.push_back(id);
  return ids;
}

std::optional<ComponentId> Workflow::Find(const std::string& name) const {
  for (ComponentId id : boost::make_iterator_range(boost::vertices(graph_))) {
    if (graph_[id].name == name) return id;
  }
  return std::nullopt;
}

ComponentId Workflow::AddComponent(Component component) {
  return boost::add_vertex(std::move(component), graph_);
}

void Workflow::AddDependency(ComponentId from, ComponentId to, Dependency dependency) {
  if (from >= size() || to >= size()) {
    throw std::out_of_range("Workflow::AddDependency: no such component");
  }
  boost::add_edge(from, to, std::move(dependency), graph_);
}

namespace {
// Sorted, duplicate-free: parallel edges count once.
std::vector<ComponentId> Unique(std::vector<ComponentId> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}
}  // namespace

std::vector<ComponentId> Workflow::Successors(ComponentId id) const {
  std::vector<ComponentId> out;
  for (auto edge : boost::make_iterator_range(boost::out_edges(id, graph_))) {
    out.push_back(boost::target(edge, graph_));
  }
  return Unique(std::move(out));
}

std::vector<ComponentId> Workflow::Predecessors(ComponentId id) const {
  std::vector<ComponentId> in;
  for (auto edge : boost::make_iterator_range(boost::in_edges(id, graph_))) {
    in.push_back(boost::source(edge, graph_));
  }
  return Unique(std::move(in));
}

std::vector<ComponentId> Workflow::Sources() const {
  std::vector<ComponentId> ids;
  for (ComponentId id : components()) {
    if (boost::in_degree(id, graph_) == 0) ids.push_back(id);
  }
  return ids;
}

std::vector<ComponentId> Workflow::Sinks() const {
  std::vector<ComponentId> ids;
  for (ComponentId id : components()) {
    if (boost::out_degree(id, graph_) == 0) ids.push_back(id);
  }
  return ids;
}

std::vector<ComponentId> Workflow::TopologicalOrder() const {
  // Kahn's algorithm with a min-heap on the insertion index, so ties go to the component defined
  // first and the order does not depend on anything but the file.
  const size_t n = size();
  std::vector<size_t> pending(n, 0);
  for (ComponentId id : components()) pending[id] = Predecessors(id).size();
  std::priority_queue<ComponentId, std::vector<ComponentId>, std::greater<>> ready;
  for (ComponentId id : components()) {
    if (pending[id] == 0) ready.push(id);
  }
  std::vector<ComponentId> order;
  order.reserve(n);
  while (!ready.empty()) {
    ComponentId id = ready.top();
    ready.pop();
    order.push_back(id);
    for (ComponentId next : Successors(id)) {
      if (--pending[next] == 0) ready.push(next);
    }
  }
  if (order.size() == n) return order;

  // Every component left over has a predecessor that is also left over, so walking backwards
  // from one of them must come round to a component seen before: that loop is a cycle.
  std::vector<bool> left(n, true);
  for (ComponentId id : order) left[id] = false;
  ComponentId start = 0;
  while (!left[start]) ++start;
  std::unordered_map<ComponentId, size_t> seen_at;
  std::vector<ComponentId> walk;
  ComponentId current = start;
  while (!seen_at.count(current)) {
    seen_at[current] = walk.size();
    walk.push_back(current);
    for (ComponentId previous : Predecessors(current)) {
      if (left[previous]) {
        current = previous;
        break;
      }
    }
  }
  std::vector<ComponentId> cycle(walk.begin() + static_cast<long>(seen_at[current]), walk.end());
  std::reverse(cycle.begin(), cycle.end());  // the walk went against the edges
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string text;
  for (ComponentId id : cycle) text += graph_[id].name + " -> ";
  text += graph_[cycle.front()].name;
  SourceLocation where = graph_[cycle.front()].where;
  if (where.file.empty()) where.file = source_file_;
  throw InputError(where, "the workflow has a cycle: " + text);
}

CriticalPath Workflow::FindCriticalPath(const std::vector<double>& weights) const {
  if (weights.size() != size()) {
    throw std::invalid_argument("FindCriticalPath: " + std::to_string(weights.size()) +
                                " weights for " + std::to_string(size()) + " components");
  }
  CriticalPath path;
  if (size() == 0) return path;
  std::vector<double> finish(size(), 0);
  std::vector<std::optional<ComponentId>> via(size());
  for (ComponentId id : TopologicalOrder()) {
    double start = 0;
    for (ComponentId previous : Predecessors(id)) {
      if (!via[id] || finish[previous] > start) {
        start = finish[previous];
        via[id] = previous;
      }
    }
    finish[id] = start + weights[id];
  }
  ComponentId last =
      static_cast<ComponentId>(std::max_element(finish.begin(), finish.end()) - finish.begin());
  path.length = finish[last];
  for (std::optional<ComponentId> id = last; id; id = via[*id]) path.components.push_back(*id);
  std::reverse(path.components.begin(), path.components.end());
  return path;
}

namespace {
// A DOT double-quoted string.
std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string FormatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
}  // namespace

std::string Workflow::ToDot() const {
  auto vertex_writer = [this](std::ostream& out, ComponentId id) {
    const Component& c = graph_[id];
    std::string label =
        c.name + "\ncpu " + FormatNumber(c.cpu) + ", " + FormatBytes(c.memory_bytes);
    if (c.runtime_s > 0) label += "\nruntime " + FormatSeconds(c.runtime_s);
    if (!c.cluster.empty()) label += "\ncluster " + c.cluster;
    out << "[label=" << Quote(label) << "]";
  };
  auto edge_writer = [](std::ostream&, WorkflowGraph::edge_descriptor) {};
  auto graph_writer = [this](std::ostream& out) {
    out << "label=" << Quote(name_) << ";\nrankdir=LR;\nnode [shape=box];\n";
  };
  std::ostringstream out;
  boost::write_graphviz(out, graph_, vertex_writer, edge_writer, graph_writer);
  return out.str();
}

void Workflow::Validate() const {
  auto at = [this](const Component& c) {
    SourceLocation where = c.where;
    if (where.file.empty()) where.file = source_file_;
    return where;
  };
  if (size() == 0) {
    throw InputError(SourceLocation{source_file_}, "the workflow has no components");
  }
  std::unordered_map<std::string, ComponentId> by_name;
  for (ComponentId id : components()) {
    const Component& c = graph_[id];
    if (c.name.empty()) throw InputError(at(c), "a component has an empty name");
    auto [it, inserted] = by_name.emplace(c.name, id);
    if (!inserted) {
      throw InputError(at(c), "duplicate component name '" + c.name + "' (first defined at " +
                                  at(graph_[it->second]).ToString() + ")");
    }
  }
  for (ComponentId id : components()) {
    const Component& c = graph_[id];
    if (c.script.empty() && c.runtime_s <= 0 && !c.image_command) {
      throw InputError(at(c), "component '" + c.name + "' has no script");
    }
    if (!(c.cpu > 0) || !std::isfinite(c.cpu)) {
      throw InputError(at(c), "component '" + c.name + "': cpu must be positive and finite, not " +
                                  FormatNumber(c.cpu));
    }
    if (!(c.memory_bytes > 0) || !std::isfinite(c.memory_bytes)) {
      throw InputError(at(c), "component '" + c.name +
                                  "': memory must be positive and finite, not " +
                                  FormatNumber(c.memory_bytes));
    }
  }
  TopologicalOrder();  // throws on a cycle
}

}  // namespace twinprof::workflow
