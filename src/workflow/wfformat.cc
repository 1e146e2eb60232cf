// WfFormat (WfCommons) JSON instances. Schema 1.5 keeps the structure in
// workflow.specification {tasks: [{name, id, parents, children, inputFiles, outputFiles}],
// files: [{id, sizeInBytes}]} and the measurements in workflow.execution {tasks: [{id,
// runtimeInSeconds, coreCount, memoryInBytes}]}. Older instances (up to 1.4) have workflow.tasks
// with everything in each task: {name, id, parents, children, runtimeInSeconds, cores,
// files: [{link: input|output, name or id, sizeInBytes}]}.
//
// Each task becomes a component named after its id (its name when it has no id), with the
// task's runtime and cores; edges come from parents and children.

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/yaml_file.h"
#include "workflow/json_location.h"
#include "workflow/loaders.h"

namespace twinprof::workflow {

namespace {

using nlohmann::json;
using Pointer = json::json_pointer;

// A value of the document with its JSON pointer (for messages). `value` is null when absent.
struct Node {
  const json* value = nullptr;
  Pointer at;

  bool exists() const { return value != nullptr; }
  Node operator[](const std::string& key) const {
    Node child{nullptr, at / key};
    if (value != nullptr && value->is_object()) {
      auto it = value->find(key);
      if (it != value->end()) child.value = &*it;
    }
    return child;
  }
  Node operator[](size_t index) const {
    Node child{nullptr, at / index};
    if (value != nullptr && value->is_array() && index < value->size()) {
      child.value = &(*value)[index];
    }
    return child;
  }
  size_t size() const { return value == nullptr ? 0 : value->size(); }
};

// The document with its text and name, for located complaints.
class Document {
 public:
  Document(std::string path, std::string text)
      : path_(std::move(path)),
        text_(std::move(text)),
        root_(internal::ParseJson(text_, path_)),
        locator_(text_, path_, 4) {}
  // The locator refers to text_.
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Node root() const { return Node{&root_, Pointer("")}; }
  // Where a task (or anything at most 4 levels deep) is; the first call indexes the document.
  SourceLocation Where(const Node& node) const { return locator_.Where(node.at); }
  [[noreturn]] void Fail(const Node& node, const std::string& message) const {
    throw InputError(internal::LocateJson(text_, node.at, path_),
                     message + " (at " + node.at.to_string() + ")");
  }

  // The typed accessors fail on a missing node (at its parent) or a value of the wrong type.
  const Node& Object(const Node& node) const {
    if (!Need(node).is_object()) Fail(node, "expected an object");
    return node;
  }
  const Node& Array(const Node& node) const {
    if (!Need(node).is_array()) Fail(node, "expected a list");
    return node;
  }
  std::string String(const Node& node) const {
    if (!Need(node).is_string()) Fail(node, "expected a string");
    return node.value->get<std::string>();
  }
  // A finite number >= 0.
  double Number(const Node& node) const {
    if (!Need(node).is_number()) Fail(node, "expected a number");
    double number = node.value->get<double>();
    if (!std::isfinite(number) || number < 0) Fail(node, "expected a finite number >= 0");
    return number;
  }

 private:
  const json& Need(const Node& node) const {
    if (!node.exists()) {
      Fail(Node{nullptr, node.at.parent_pointer()}, "missing field '" + node.at.back() + "'");
    }
    return *node.value;
  }

  std::string path_;
  std::string text_;
  json root_;
  mutable internal::JsonLocator locator_;
};

struct Task {
  Node node;
  std::string id;
  std::vector<Node> parents, children;  // the entries naming other tasks
};

// Sums the sizes of the files listed in `list` (file ids), which must be in `sizes`.
double SumSizes(const Document& doc, const Node& list, const std::map<std::string, double>& sizes) {
  double total = 0;
  doc.Array(list);
  for (size_t i = 0; i < list.size(); ++i) {
    Node entry = list[i];
    std::string id = doc.String(entry);
    auto it = sizes.find(id);
    if (it == sizes.end())
      doc.Fail(entry, "unknown file '" + id + "' (not in specification.files)");
    total += it->second;
  }
  return total;
}

// The entries of an optional list of task ids.
std::vector<Node> Entries(const Document& doc, const Node& list) {
  std::vector<Node> entries;
  if (!list.exists()) return entries;
  doc.Array(list);
  for (size_t i = 0; i < list.size(); ++i) {
    entries.push_back(list[i]);
    doc.String(entries.back());
  }
  return entries;
}

// Schema 1.5: specification + execution.
void ReadSpecification(const Document& doc, Workflow& workflow, std::vector<Task>& tasks) {
  const Node spec = doc.Object(doc.root()["workflow"]["specification"]);
  std::map<std::string, double> sizes;
  if (Node files = spec["files"]; files.exists()) {
    doc.Array(files);
    for (size_t i = 0; i < files.size(); ++i) {
      Node file = doc.Object(files[i]);
      std::string id = doc.String(file["id"]);
      if (!sizes.emplace(id, doc.Number(file["sizeInBytes"])).second) {
        doc.Fail(file["id"], "file '" + id + "' is declared twice");
      }
    }
  }
  struct Measured {
    double runtime = 0, cores = 0, memory = 0;
  };
  std::map<std::string, Measured> measured;
  if (Node execution = doc.root()["workflow"]["execution"]; execution.exists()) {
    doc.Object(execution);
    Node list = doc.Array(execution["tasks"]);
    for (size_t i = 0; i < list.size(); ++i) {
      Node run = doc.Object(list[i]);
      Measured m;
      m.runtime = doc.Number(run["runtimeInSeconds"]);
      if (run["coreCount"].exists()) m.cores = doc.Number(run["coreCount"]);
      if (run["memoryInBytes"].exists()) m.memory = doc.Number(run["memoryInBytes"]);
      measured[doc.String(run["id"])] = m;
    }
  }
  Node list = doc.Array(spec["tasks"]);
  if (list.size() == 0) doc.Fail(list, "the workflow has no tasks");
  for (size_t i = 0; i < list.size(); ++i) {
    Task task;
    task.node = doc.Object(list[i]);
    task.id = doc.String(task.node["id"]);
    Component component;
    component.name = task.id;
    component.where = doc.Where(task.node);
    if (Node inputs = task.node["inputFiles"]; inputs.exists()) {
      component.input_bytes = SumSizes(doc, inputs, sizes);
    }
    if (Node outputs = task.node["outputFiles"]; outputs.exists()) {
      component.output_bytes = SumSizes(doc, outputs, sizes);
    }
    auto it = measured.find(task.id);
    if (it == measured.end() || !(it->second.runtime > 0)) {
      doc.Fail(task.node, "task '" + task.id +
                              "' has no positive runtimeInSeconds in workflow.execution.tasks "
                              "(twinprof needs the runtime of a task that has no script)");
    }
    component.runtime_s = it->second.runtime;
    if (it->second.cores > 0) component.cpu = it->second.cores;
    component.task_cores = static_cast<int>(std::ceil(component.cpu));
    if (it->second.memory > 0) component.memory_bytes = it->second.memory;
    task.parents = Entries(doc, task.node["parents"]);
    task.children = Entries(doc, task.node["children"]);
    workflow.AddComponent(std::move(component));
    tasks.push_back(std::move(task));
  }
}

// Schema 1.4 and older: workflow.tasks, with runtimes and files in each task.
void ReadOldTasks(const Document& doc, Workflow& workflow, std::vector<Task>& tasks) {
  Node list = doc.Array(doc.root()["workflow"]["tasks"]);
  if (list.size() == 0) doc.Fail(list, "the workflow has no tasks");
  for (size_t i = 0; i < list.size(); ++i) {
    Task task;
    task.node = doc.Object(list[i]);
    task.id =
        task.node["id"].exists() ? doc.String(task.node["id"]) : doc.String(task.node["name"]);
    Component component;
    component.name = task.id;
    component.where = doc.Where(task.node);
    component.runtime_s = doc.Number(task.node["runtimeInSeconds"]);
    if (!(component.runtime_s > 0)) {
      doc.Fail(task.node["runtimeInSeconds"], "task '" + task.id + "' needs a positive runtime");
    }
    if (task.node["cores"].exists()) component.cpu = doc.Number(task.node["cores"]);
    component.task_cores = static_cast<int>(std::ceil(component.cpu));
    if (Node files = task.node["files"]; files.exists()) {
      doc.Array(files);
      for (size_t f = 0; f < files.size(); ++f) {
        Node file = doc.Object(files[f]);
        std::string link = doc.String(file["link"]);
        double size = doc.Number(file["sizeInBytes"]);
        if (link == "input") {
          component.input_bytes += size;
        } else if (link == "output") {
          component.output_bytes += size;
        } else {
          doc.Fail(file["link"], "link must be 'input' or 'output', not '" + link + "'");
        }
      }
    }
    task.parents = Entries(doc, task.node["parents"]);
    task.children = Entries(doc, task.node["children"]);
    workflow.AddComponent(std::move(component));
    tasks.push_back(std::move(task));
  }
}

}  // namespace

Workflow LoadWfFormat(const std::string& path, Warnings* warnings) {
  std::string text = ReadTextFile(path);
  CheckIsText(text, path);
  Document doc(path, std::move(text));
  Node root = doc.root();
  if (!root.value->is_object()) doc.Fail(root, "a WfFormat document must be a JSON object");
  Workflow workflow(root["name"].exists() ? doc.String(root["name"])
                                          : std::filesystem::path(path).stem().string());
  workflow.set_source_file(path);
  if (Node version_node = root["schemaVersion"]; version_node.exists()) {
    static const std::set<std::string> kKnown = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
    std::string version = doc.String(version_node);
    if (!kKnown.count(version) && warnings != nullptr) {
      warnings->push_back(Warning{doc.Where(version_node), "unknown WfFormat schemaVersion '" +
                                                               version + "' (read as 1.5)"});
    }
  }
  doc.Object(root["workflow"]);
  std::vector<Task> tasks;
  if (root["workflow"]["specification"].exists()) {
    ReadSpecification(doc, workflow, tasks);
  } else {
    ReadOldTasks(doc, workflow, tasks);
  }

  std::unordered_map<std::string, ComponentId> ids;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (auto [it, inserted] = ids.emplace(tasks[i].id, i); !inserted) {
      doc.Fail(tasks[i].node["id"], "duplicate task id '" + tasks[i].id + "'");
    }
  }
  // An edge is located at the task that names it first (its parent or its child).
  std::set<std::pair<ComponentId, ComponentId>> edges;
  auto add = [&](size_t declared_by, ComponentId from, ComponentId to) {
    if (edges.insert({from, to}).second) {
      workflow.AddDependency(from, to, Dependency{workflow.component(declared_by).where});
    }
  };
  for (size_t i = 0; i < tasks.size(); ++i) {
    for (const auto& [list, is_parent] :
         {std::pair{&tasks[i].parents, true}, std::pair{&tasks[i].children, false}}) {
      for (const Node& entry : *list) {
        const std::string& other = entry.value->get_ref<const std::string&>();
        auto it = ids.find(other);
        if (it == ids.end()) {
          doc.Fail(entry, std::string("unknown ") + (is_parent ? "parent" : "child") + " task '" +
                              other + "' of task '" + tasks[i].id + "'");
        }
        if (is_parent) {
          add(i, it->second, i);
        } else {
          add(i, i, it->second);
        }
      }
    }
  }
  workflow.Validate();
  return workflow;
}

}  // namespace twinprof::workflow
