// twinprof: profile serverless workflows, learn performance models, simulate hardware mixes.
//
// Exit status: 0 success, 2 bad input (files, flags, API answers), 1 internal error.

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"

#ifndef TWINPROF_VERSION
#define TWINPROF_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace twinprof;
  CLI::App app{
      "twinprof: profile serverless workflows on edge and cloud clusters, model and simulate "
      "them, and validate the predictions."};
  app.set_version_flag("--version", std::string("twinprof ") + TWINPROF_VERSION);
  app.require_subcommand(1);
  cli::GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbose, "Print full reports");
  cli::AddCheckCommand(app, global);
  cli::AddGraphCommand(app, global);
  cli::AddPlatformXmlCommand(app, global);
  cli::AddTrainCommand(app, global);
  cli::AddPredictCommand(app, global);
  cli::AddProfileCommand(app, global);
  cli::AddExportCommand(app, global);
  cli::AddSimulateCommand(app, global);
  cli::AddCalibrateCommand(app, global);
  cli::AddRunCommand(app, global);
  cli::AddExploreCommand(app, global);
  cli::AddValidateCommand(app, global);
  cli::AddReportCommand(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; everything else is a bad flag.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const cli::ExitWith& e) {
    return e.status;
  } catch (const InputError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "twinprof: internal error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
