// `twinprof validate --measured RESULTS --predicted [NAME=]DIR [--predicted
// ...] -o OUT
//                    [--trained-on RESULTS2 | --trained-where COND,...]`
// Compares each predictor's output (simulate --replay's jobs.csv, predict's
// prediction.csv) with the measurements, joined on configuration and component,
// and writes OUT/validate.csv and OUT/validate.json (src/predict/validation.h;
// docs/formats.md, "Validation").

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "predict/validation.h"

namespace twinprof::cli {

void AddValidateCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<predict::ValidateOptions>();
  CLI::App* command =
      app.add_subcommand("validate",
                         "MAPE of each predictor against measurements, interpolation "
                         "and extrapolation");
  command->add_option("--measured", options->measured, "Results folder of `twinprof profile`")
      ->required();
  command
      ->add_option("--predicted", options->predicted,
                   "[NAME=]DIR: a `simulate --replay` output (jobs.csv) or a "
                   "`predict` output "
                   "(prediction.csv); repeat for each predictor")
      ->required();
  command->add_option("-o,--output", options->output_dir, "Folder for validate.csv, validate.json")
      ->required();
  command->add_option("--trained-on", options->trained_on,
                      "Results the predictors were fitted on: the split's "
                      "training configurations");
  command->add_option("--trained-where", options->trained_where,
                      "Or the training configurations as conditions: "
                      "'a.cpu<=1,b.parallelism<=2'");
  command->fallthrough();
  command->callback([options, &global] {
    predict::ValidationSummary summary = predict::RunValidation(*options);
    std::cout << (global.verbose ? summary.FullReport() : summary.BriefReport()) << "-> "
              << options->output_dir << "/validate.csv, validate.json\n";
  });
}

}  // namespace twinprof::cli
