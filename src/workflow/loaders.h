// Reading workflows from files.
//
// Every loader throws InputError naming the file, line and column of the first problem, and
// returns a validated Workflow. Problems that do not stop the work (unknown fields in an FDL
// file, a script that does not exist) are appended to `warnings` when it is not null.
#pragma once

#include <string>

#include "core/error.h"
#include "workflow/workflow.h"

namespace twinprof::workflow {

// Our YAML workflow format (docs/formats.md, "Workflow").
Workflow LoadWorkflowYaml(const std::string& path, Warnings* warnings);
// An OSCAR FDL file: `functions: {oscar: [{CLUSTER: SERVICE}, ...]}`; edges where an output path
// equals an input path.
Workflow LoadOscarFdl(const std::string& path, Warnings* warnings);
// A WfFormat 1.5 JSON instance (tasks, parents, files, runtimes, cores).
Workflow LoadWfFormat(const std::string& path, Warnings* warnings);

// True when `path` ends in .json or its text starts with '{': a WfFormat document, not YAML.
bool LooksLikeJson(const std::string& path, const std::string& text);

// Detects the format (JSON -> WfFormat; `functions` -> FDL; `components` -> our YAML) and loads.
Workflow LoadWorkflow(const std::string& path, Warnings* warnings);

// For commands that run the scripts: throws InputError (at the component) when a script file
// does not exist, or when a component has none (a WfFormat task). The loaders report a missing
// file as a warning instead. A component that runs its image's own command (an FDL service
// without script) is accepted only when `images_run` (the oscar backend runs images; the local
// backend cannot).
void RequireScripts(const Workflow& workflow, bool images_run = false);

}  // namespace twinprof::workflow
