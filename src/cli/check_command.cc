// `twinprof check FILE...`: loads and validates each file, whatever its kind, and says what it is.
//
// The kind of a file comes from a table of {kind, detector, checker} rows (kKinds below); a module
// that adds a file format adds a row. Every file is checked, even after a bad one; the status is 2
// when any file is bad.

#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/job_csv_reader.h"
#include "core/yaml_file.h"
#include "model/config/train_config.h"
#include "platform/platform.h"
#include "profile/campaign.h"
#include "profile/planner.h"
#include "sim/component_behaviour.h"
#include "sim/scenario.h"
#include "workflow/loaders.h"

namespace twinprof::cli {

namespace {

// What a detector may look at: the file's text and, when it is YAML, its parsed root.
struct FileProbe {
  std::string path;
  std::string text;
  bool json = false;             // looks like a JSON document
  std::optional<YamlFile> yaml;  // parsed YAML (unset for JSON or unparsable YAML)

  bool HasKey(const char* key) const {
    return yaml && yaml->root().IsMap() && yaml->root()[key].IsDefined();
  }
  bool HasExtension(const char* extension) const {
    return std::filesystem::path(path).extension() == extension;
  }
};

struct FileKind {
  const char* name;
  bool (*detect)(const FileProbe& probe);
  // Loads and validates the file (throwing InputError), appends warnings, and returns a summary
  // such as "3 components, 2 edges".
  std::string (*check)(const std::string& path, Warnings* warnings);
};

std::string Count(size_t n, const std::string& singular, const std::string& plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

std::string DescribeWorkflow(const workflow::Workflow& workflow, const std::string& components) {
  std::string summary =
      Count(workflow.size(), components.substr(0, components.size() - 1), components);
  std::set<std::string> clusters;
  for (workflow::ComponentId id : workflow.components()) {
    if (!workflow.component(id).cluster.empty()) clusters.insert(workflow.component(id).cluster);
  }
  if (!clusters.empty()) summary += " on " + Count(clusters.size(), "cluster", "clusters");
  return summary + ", " + Count(boost::num_edges(workflow.graph()), "edge", "edges");
}

std::string DescribeTrainConfig(const std::string& path) {
  model::TrainConfig config = model::LoadTrainConfig(path);
  std::string techniques;
  for (const std::string& t : config.techniques) techniques += (techniques.empty() ? "" : ", ") + t;
  return Count(config.techniques.size(), "technique", "techniques") + " (" + techniques + "), y " +
         config.y + ", validation " + model::SplitMethodName(config.validation);
}

// A behaviour parameter file (scenario's behaviour_file): {behaviour: {component: {...}}}.
std::string DescribeBehaviourFile(const std::string& path) {
  YamlFile file = YamlFile::Load(path);
  YAML::Node behaviours = file.Required(file.root(), "behaviour");
  file.ExpectMap(behaviours, "behaviour ({component: {work: ..., ...}})");
  for (const auto& entry : behaviours) {
    file.String(entry.first, "a component name");
    sim::ParseComponentBehaviour(file, entry.second);
  }
  return Count(behaviours.size(), "component behaviour", "component behaviours");
}

// The kinds `check` knows, tried in order; the first whose detector accepts the file checks it.
const FileKind kKinds[] = {
    {"training configuration",
     [](const FileProbe& p) { return p.HasExtension(".ini") || p.HasKey("General"); },
     [](const std::string& path, Warnings*) { return DescribeTrainConfig(path); }},
    {"WfFormat", [](const FileProbe& p) { return p.json; },
     [](const std::string& path, Warnings* warnings) {
       return DescribeWorkflow(workflow::LoadWfFormat(path, warnings), "tasks");
     }},
    {"OSCAR FDL", [](const FileProbe& p) { return p.HasKey("functions"); },
     [](const std::string& path, Warnings* warnings) {
       return DescribeWorkflow(workflow::LoadOscarFdl(path, warnings), "services");
     }},
    {"workflow", [](const FileProbe& p) { return p.HasKey("components"); },
     [](const std::string& path, Warnings* warnings) {
       return DescribeWorkflow(workflow::LoadWorkflowYaml(path, warnings), "components");
     }},
    {"platform", [](const FileProbe& p) { return p.HasKey("node_types") || p.HasKey("clusters"); },
     [](const std::string& path, Warnings*) {
       platform::Platform platform = platform::LoadPlatform(path);
       return Count(platform.node_types.size(), "node type", "node types") + ", " +
              Count(platform.clusters.size(), "cluster", "clusters") + ", " +
              Count(static_cast<size_t>(platform.node_count()), "node", "nodes") + ", " +
              Count(platform.links.size(), "link", "links");
     }},
    {"campaign", [](const FileProbe& p) { return p.HasKey("workflow") && p.HasKey("inputs"); },
     [](const std::string& path, Warnings*) {
       profile::Campaign campaign = profile::LoadCampaign(path);
       profile::Plan plan = profile::MakePlan(campaign);
       return Count(plan.runs.size(), "run", "runs") + " of workflow " + campaign.workflow.name() +
              ", " + Count(campaign.inputs.size(), "input", "inputs") + ", backend " +
              campaign.backend.name;
     }},
    {"scenario", [](const FileProbe& p) { return p.HasKey("placement"); },
     [](const std::string& path, Warnings*) {
       sim::Scenario scenario = sim::LoadScenario(path);
       return Count(scenario.workflow.size(), "component", "components") + " on " +
              Count(scenario.platform.clusters.size(), "cluster", "clusters") + ", " +
              Count(static_cast<size_t>(scenario.workload.files), "input file", "input files");
     }},
    {"job records",
     [](const FileProbe& p) {
       return p.path.ends_with(".csv") &&
              p.text.substr(0, p.text.find('\n')).find("run_id") != std::string::npos;
     },
     [](const std::string& path, Warnings*) {
       JobCsv csv = ReadJobCsv(path);
       return Count(csv.records.size(), "job", "jobs") + ", " +
              Count(csv.parameter_names.size(), "parameter", "parameters");
     }},
    // Only `behaviour:` (a calibration file has more: it is not this kind).
    {"behaviour",
     [](const FileProbe& p) { return p.HasKey("behaviour") && p.yaml->root().size() == 1; },
     [](const std::string& path, Warnings*) { return DescribeBehaviourFile(path); }},
};

// Checks one file; prints its line (or its error) and its warnings. Returns false when bad.
bool CheckFile(const std::string& path) {
  Warnings warnings;
  try {
    FileProbe probe;
    probe.path = path;
    probe.text = ReadTextFile(path);
    std::optional<InputError> yaml_error;
    probe.json = workflow::LooksLikeJson(path, probe.text);
    if (!probe.json) {
      try {
        probe.yaml = YamlFile::Parse(probe.text, path);
      } catch (const InputError& e) {
        yaml_error = e;
      }
    }
    const FileKind* kind = nullptr;
    for (const FileKind& k : kKinds) {
      if (k.detect(probe)) {
        kind = &k;
        break;
      }
    }
    if (kind == nullptr) {
      if (yaml_error) throw *yaml_error;
      std::string known;
      for (const FileKind& k : kKinds) known += std::string(known.empty() ? "" : ", ") + k.name;
      throw InputError(probe.yaml ? probe.yaml->Where(probe.yaml->root()) : SourceLocation{path},
                       "cannot tell what kind of file this is (known kinds: " + known + ")");
    }
    std::string summary = kind->check(path, &warnings);
    std::cout << "ok  " << path << "  (" << kind->name << ", " << summary << ")\n";
    for (const Warning& warning : warnings) std::cerr << warning.ToString() << '\n';
    return true;
  } catch (const InputError& e) {
    for (const Warning& warning : warnings) std::cerr << warning.ToString() << '\n';
    std::cerr << e.what() << '\n';
    std::cout << "bad " << path << '\n';
    return false;
  }
}

}  // namespace

void AddCheckCommand(CLI::App& app, const GlobalOptions&) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand(
      "check",
      "Load and validate files (workflows, OSCAR FDL, WfFormat, platforms, campaigns, scenarios, "
      "behaviour files, training configurations), printing what each is");
  command->add_option("FILE", *files, "Files to check")->required();
  command->callback([files] {
    int bad = 0;
    for (const std::string& path : *files) bad += CheckFile(path) ? 0 : 1;
    std::cout.flush();
    if (bad > 0) {
      std::cerr << bad << " of " << files->size() << " files have errors\n";
      throw ExitWith{2};
    }
  });
}

}  // namespace twinprof::cli
