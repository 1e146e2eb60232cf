// `twinprof graph WORKFLOW`: the workflow as Graphviz DOT on standard output.

#include <iostream>

#include "cli/commands.h"
#include "workflow/loaders.h"

namespace twinprof::cli {

void AddGraphCommand(CLI::App& app, const GlobalOptions&) {
  auto path = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("graph", "Print a workflow (ours, OSCAR FDL or WfFormat) as Graphviz DOT");
  command->add_option("WORKFLOW", *path, "The workflow file")->required();
  command->callback([path] {
    Warnings warnings;
    workflow::Workflow workflow = workflow::LoadWorkflow(*path, &warnings);
    for (const Warning& warning : warnings) std::cerr << warning.ToString() << '\n';
    std::cout << workflow.ToDot();
  });
}

}  // namespace twinprof::cli
