// Format detection for workflow files, and the script check of commands that run scripts.

#include "workflow/loaders.h"

#include <filesystem>

#include "core/yaml_file.h"

namespace twinprof::workflow {

bool LooksLikeJson(const std::string& path, const std::string& text) {
  if (std::filesystem::path(path).extension() == ".json") return true;
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

Workflow LoadWorkflow(const std::string& path, Warnings* warnings) {
  std::string text = ReadTextFile(path);
  if (LooksLikeJson(path, text)) return LoadWfFormat(path, warnings);
  YamlFile file = YamlFile::Parse(text, path);
  const YAML::Node& root = file.root();
  if (root.IsMap() && root["functions"].IsDefined()) return LoadOscarFdl(path, warnings);
  if (root.IsMap() && root["components"].IsDefined()) return LoadWorkflowYaml(path, warnings);
  file.Fail(root,
            "not a workflow: expected a 'components' section (twinprof workflow), a 'functions' "
            "section (OSCAR FDL) or a WfFormat JSON document");
}

void RequireScripts(const Workflow& workflow, bool images_run) {
  for (ComponentId id : workflow.components()) {
    const Component& c = workflow.component(id);
    if (c.image_command) {
      if (images_run) continue;
      const std::string image = c.images.empty() ? "" : " (" + c.images.begin()->second + ")";
      throw InputError(c.where, "component '" + c.name +
                                    "' has no script: it runs its image's own command" + image +
                                    ", which only OSCAR can run, not the local backend; profile "
                                    "it with 'backend: oscar', or give it a script");
    }
    if (c.script.empty()) {
      throw InputError(c.where, "component '" + c.name +
                                    "' has no script (a WfFormat task carries only its runtime), "
                                    "so it cannot be run");
    }
    std::error_code error;
    if (!std::filesystem::is_regular_file(c.script_path, error)) {
      throw InputError(c.where, "script of component '" + c.name + "' not found: " + c.script_path);
    }
  }
}

}  // namespace twinprof::workflow
