// `twinprof profile CAMPAIGN.yaml [-o DIR] [--resume] [--dry-run] [--max-runs N] [-q]`: run a
// campaign on its backend and commit every finished job to DIR/results.sqlite. Ctrl-C (or
// SIGTERM) stops the running jobs, keeps what was committed, says how to resume, exits 130.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "profile/backend.h"
#include "profile/campaign.h"
#include "profile/planner.h"
#include "profile/profiler.h"

namespace twinprof::cli {

void AddProfileCommand(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::string campaign;
    std::string output;
    bool resume = false;
    bool dry_run = false;
    bool quiet = false;
    bool insecure = false;
    int max_runs = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "profile",
      "Run a campaign: every configuration of its space on its backend, each job "
      "recorded in OUTPUT/results.sqlite as it finishes");
  cmd->add_option("campaign", args->campaign, "Campaign file (YAML)")->required();
  cmd->add_option("-o,--output", args->output, "Output folder (default: ./profile-NAME)");
  cmd->add_flag("--resume", args->resume,
                "Finish the campaign in the output folder: skip finished runs, rerun the others");
  cmd->add_flag("--dry-run", args->dry_run, "Print the plan (runs, jobs, time estimate) and exit");
  cmd->add_option("--max-runs", args->max_runs,
                  "Stop after N runs (finish later with --resume); 0 = all")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress, only the final report");
  cmd->add_flag("--insecure", args->insecure,
                "backend oscar: do not verify the cluster's TLS certificate (test clusters)");
  cmd->callback([args, &global] {
    profile::Campaign campaign = profile::LoadCampaign(args->campaign);
    std::string output = args->output;
    if (output.empty()) {
      output = "profile-" + campaign.name;
    }
    if (args->dry_run) {
      std::cout << profile::DescribePlan(campaign, profile::MakePlan(campaign), output);
      return;
    }
    campaign.backend.insecure_tls = args->insecure;
    std::unique_ptr<profile::Backend> backend = profile::MakeBackend(campaign.backend);
    profile::ProfileOptions options;
    options.output_dir = output;
    options.resume = args->resume;
    options.max_runs = args->max_runs;
    options.stop_on_signals = true;
    if (!args->quiet) {
      options.progress = &std::cerr;
      options.progress_bar = ::isatty(STDERR_FILENO) != 0;
    }
    profile::ProfileSummary summary = profile::Profile(campaign, *backend, options);
    backend.reset();  // its cgroups go before the report is out
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport() + "\n");
    if (summary.interrupted_by != 0) {
      std::cout.flush();
      std::cerr << "twinprof: stopped by " << profile::SignalName(summary.interrupted_by)
                << ": the running jobs were stopped; every committed job is kept. To finish the "
                   "campaign: twinprof profile "
                << args->campaign << " -o " << output << " --resume\n";
      throw ExitWith{130};
    }
  });
}

}  // namespace twinprof::cli
