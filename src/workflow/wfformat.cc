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

#include "core/yaml_file.h"
#include "workflow/json_location.h"
#include "workflow/loaders.h"

namespace twinprof {

namespace {

using nlohmann::json;
using Pointer = json::json_pointer;
using workflow_internal::LocateJson;

// The document with its text and name, for located complaints.
class Document {
 public:
  Document(std::string path, std::string text)
      : path_(std::move(path)),
        text_(std::move(text)),
        root_(workflow_internal::ParseJson(text_, path_)) {}

  const std::string& path() const { return path_; }
  const json& root() const { return root_; }
  SourceLocation Where(const Pointer& at) const { return LocateJson(text_, at, path_); }
  [[noreturn]] void Fail(const Pointer& at, const std::string& message) const {
    throw InputError(Where(at), message + " (at " + at.to_string() + ")");
  }

  const json& Get(const Pointer& at) const { return root_.at(at); }
  bool Has(const Pointer& at) const { return root_.contains(at); }
  const json& Object(const Pointer& at) const {
    if (!Has(at)) Fail(at.parent_pointer(), "missing field '" + at.back() + "'");
    if (!Get(at).is_object()) Fail(at, "expected an object");
    return Get(at);
  }
  const json& Array(const Pointer& at) const {
    if (!Has(at)) Fail(at.parent_pointer(), "missing field '" + at.back() + "'");
    if (!Get(at).is_array()) Fail(at, "expected a list");
    return Get(at);
  }
  std::string String(const Pointer& at) const {
    if (!Has(at)) Fail(at.parent_pointer(), "missing field '" + at.back() + "'");
    if (!Get(at).is_string()) Fail(at, "expected a string");
    return Get(at).get<std::string>();
  }
  // A finite number >= 0.
  double Number(const Pointer& at) const {
    if (!Get(at).is_number()) Fail(at, "expected a number");
    double value = Get(at).get<double>();
    if (!std::isfinite(value) || value < 0) Fail(at, "expected a finite number >= 0");
    return value;
  }

 private:
  std::string path_;
  std::string text_;
  json root_;
};

struct Task {
  Pointer at;
  std::string id;
  std::vector<Pointer> parents, children;  // pointers to the entries naming other tasks
};

// Sums the sizes of `ids` (file ids) found in `sizes`; unknown ids are errors.
double SumSizes(const Document& doc, const Pointer& list,
                const std::map<std::string, double>& sizes) {
  double total = 0;
  const json& ids = doc.Array(list);
  for (size_t i = 0; i < ids.size(); ++i) {
    Pointer at = list / i;
    std::string id = doc.String(at);
    auto it = sizes.find(id);
    if (it == sizes.end()) doc.Fail(at, "unknown file '" + id + "' (not in specification.files)");
    total += it->second;
  }
  return total;
}

std::vector<Pointer> Entries(const Document& doc, const Pointer& list) {
  std::vector<Pointer> entries;
  if (!doc.Has(list)) return entries;
  for (size_t i = 0; i < doc.Array(list).size(); ++i) {
    entries.push_back(list / i);
    doc.String(list / i);
  }
  return entries;
}

// Schema 1.5: specification + execution.
void ReadSpecification(const Document& doc, Workflow& workflow, std::vector<Task>& tasks) {
  const Pointer spec = Pointer("/workflow/specification");
  doc.Object(spec);
  std::map<std::string, double> sizes;
  if (doc.Has(spec / "files")) {
    const json& files = doc.Array(spec / "files");
    for (size_t i = 0; i < files.size(); ++i) {
      Pointer at = spec / "files" / i;
      doc.Object(at);
      std::string id = doc.String(at / "id");
      if (!doc.Has(at / "sizeInBytes")) doc.Fail(at, "missing field 'sizeInBytes'");
      if (!sizes.emplace(id, doc.Number(at / "sizeInBytes")).second) {
        doc.Fail(at / "id", "file '" + id + "' is declared twice");
      }
    }
  }
  struct Measured {
    double runtime = 0, cores = 0, memory = 0;
  };
  std::map<std::string, Measured> measured;
  const Pointer execution = Pointer("/workflow/execution");
  if (doc.Has(execution)) {
    doc.Object(execution);
    const json& list = doc.Array(execution / "tasks");
    for (size_t i = 0; i < list.size(); ++i) {
      Pointer at = execution / "tasks" / i;
      doc.Object(at);
      Measured m;
      if (!doc.Has(at / "runtimeInSeconds")) doc.Fail(at, "missing field 'runtimeInSeconds'");
      m.runtime = doc.Number(at / "runtimeInSeconds");
      if (doc.Has(at / "coreCount")) m.cores = doc.Number(at / "coreCount");
      if (doc.Has(at / "memoryInBytes")) m.memory = doc.Number(at / "memoryInBytes");
      measured[doc.String(at / "id")] = m;
    }
  }
  const json& list = doc.Array(spec / "tasks");
  if (list.empty()) doc.Fail(spec / "tasks", "the workflow has no tasks");
  for (size_t i = 0; i < list.size(); ++i) {
    Task task;
    task.at = spec / "tasks" / i;
    doc.Object(task.at);
    task.id = doc.String(task.at / "id");
    Component component;
    component.name = task.id;
    component.where = doc.Where(task.at);
    if (doc.Has(task.at / "inputFiles")) {
      component.input_bytes = SumSizes(doc, task.at / "inputFiles", sizes);
    }
    if (doc.Has(task.at / "outputFiles")) {
      component.output_bytes = SumSizes(doc, task.at / "outputFiles", sizes);
    }
    auto it = measured.find(task.id);
    if (it == measured.end() || !(it->second.runtime > 0)) {
      doc.Fail(task.at, "task '" + task.id +
                            "' has no positive runtimeInSeconds in workflow.execution.tasks "
                            "(twinprof needs the runtime of a task that has no script)");
    }
    component.runtime_s = it->second.runtime;
    if (it->second.cores > 0) component.cpu = it->second.cores;
    component.task_cores = static_cast<int>(std::ceil(component.cpu));
    if (it->second.memory > 0) component.memory_bytes = it->second.memory;
    task.parents = Entries(doc, task.at / "parents");
    task.children = Entries(doc, task.at / "children");
    workflow.AddComponent(std::move(component));
    tasks.push_back(std::move(task));
  }
}

// Schema 1.4 and older: workflow.tasks, with runtimes and files in each task.
void ReadOldTasks(const Document& doc, Workflow& workflow, std::vector<Task>& tasks) {
  const Pointer list_at = Pointer("/workflow/tasks");
  const json& list = doc.Array(list_at);
  if (list.empty()) doc.Fail(list_at, "the workflow has no tasks");
  for (size_t i = 0; i < list.size(); ++i) {
    Task task;
    task.at = list_at / i;
    doc.Object(task.at);
    task.id = doc.Has(task.at / "id") ? doc.String(task.at / "id") : doc.String(task.at / "name");
    Component component;
    component.name = task.id;
    component.where = doc.Where(task.at);
    if (!doc.Has(task.at / "runtimeInSeconds")) {
      doc.Fail(task.at, "task '" + task.id + "' has no runtimeInSeconds");
    }
    component.runtime_s = doc.Number(task.at / "runtimeInSeconds");
    if (!(component.runtime_s > 0)) {
      doc.Fail(task.at / "runtimeInSeconds", "task '" + task.id + "' needs a positive runtime");
    }
    if (doc.Has(task.at / "cores")) component.cpu = doc.Number(task.at / "cores");
    component.task_cores = static_cast<int>(std::ceil(component.cpu));
    if (doc.Has(task.at / "files")) {
      const json& files = doc.Array(task.at / "files");
      for (size_t f = 0; f < files.size(); ++f) {
        Pointer at = task.at / "files" / f;
        doc.Object(at);
        std::string link = doc.String(at / "link");
        if (!doc.Has(at / "sizeInBytes")) doc.Fail(at, "missing field 'sizeInBytes'");
        double size = doc.Number(at / "sizeInBytes");
        if (link == "input") {
          component.input_bytes += size;
        } else if (link == "output") {
          component.output_bytes += size;
        } else {
          doc.Fail(at / "link", "link must be 'input' or 'output', not '" + link + "'");
        }
      }
    }
    task.parents = Entries(doc, task.at / "parents");
    task.children = Entries(doc, task.at / "children");
    workflow.AddComponent(std::move(component));
    tasks.push_back(std::move(task));
  }
}

}  // namespace

Workflow LoadWfFormat(const std::string& path, Warnings* warnings) {
  std::string text = ReadTextFile(path);
  CheckIsText(text, path);
  Document doc(path, std::move(text));
  if (!doc.root().is_object()) doc.Fail(Pointer(""), "a WfFormat document must be a JSON object");
  Workflow workflow(doc.Has(Pointer("/name")) ? doc.String(Pointer("/name"))
                                              : std::filesystem::path(path).stem().string());
  workflow.set_source_file(path);
  if (doc.Has(Pointer("/schemaVersion"))) {
    static const std::set<std::string> kKnown = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
    std::string version = doc.String(Pointer("/schemaVersion"));
    if (!kKnown.count(version) && warnings != nullptr) {
      warnings->push_back(
          Warning{doc.Where(Pointer("/schemaVersion")),
                  "unknown WfFormat schemaVersion '" + version + "' (read as 1.5)"});
    }
  }
  doc.Object(Pointer("/workflow"));
  std::vector<Task> tasks;
  if (doc.Has(Pointer("/workflow/specification"))) {
    ReadSpecification(doc, workflow, tasks);
  } else {
    ReadOldTasks(doc, workflow, tasks);
  }

  std::map<std::string, ComponentId> ids;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (auto [it, inserted] = ids.emplace(tasks[i].id, i); !inserted) {
      doc.Fail(tasks[i].at / "id", "duplicate task id '" + tasks[i].id + "'");
    }
  }
  std::set<std::pair<ComponentId, ComponentId>> edges;
  auto add = [&](const Pointer& at, ComponentId from, ComponentId to) {
    if (edges.insert({from, to}).second) {
      workflow.AddDependency(from, to, Dependency{doc.Where(at)});
    }
  };
  for (size_t i = 0; i < tasks.size(); ++i) {
    for (const auto& [list, is_parent] :
         {std::pair{&tasks[i].parents, true}, std::pair{&tasks[i].children, false}}) {
      for (const Pointer& at : *list) {
        std::string other = doc.String(at);
        auto it = ids.find(other);
        if (it == ids.end()) {
          doc.Fail(at, std::string("unknown ") + (is_parent ? "parent" : "child") + " task '" +
                           other + "' of task '" + tasks[i].id + "'");
        }
        if (is_parent) {
          add(at, it->second, i);
        } else {
          add(at, i, it->second);
        }
      }
    }
  }
  workflow.Validate();
  return workflow;
}

}  // namespace twinprof
