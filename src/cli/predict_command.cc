// `twinprof predict -r MODEL -c CONFIG -o OUTP [--interval L]`: predicts the target of every row
// of the configuration's input file with a model written by `twinprof train`, writes
// OUTP/prediction.csv (real,pred[,lo,hi]) and prints the MAPE when the data holds the target.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "model/csv_table.h"
#include "model/feature_plan.h"
#include "model/metrics.h"
#include "model/model_file.h"
#include "model/train_config.h"

namespace twinprof::cli {

namespace {

namespace fs = std::filesystem;

struct PredictFlags {
  std::string model;
  std::string config;
  std::string out;
  double interval = 0;  // 0 = none
};

std::string Number(double value) { return nlohmann::json(value).dump(); }

void RunPredict(const PredictFlags& flags, const GlobalOptions& global) {
  ModelFile model = ModelFile::Load(flags.model);
  PredictConfig config = LoadPredictConfig(flags.config);
  if (flags.interval > 0 && !model.has_residuals()) {
    throw InputError(SourceLocation{flags.model},
                     "the model holds no validation residuals: --interval is unavailable");
  }
  CsvTable table = LoadCsv(config.input_path);
  Eigen::VectorXd predicted = model.Predict(table);

  // The real values, when the data has the target (named by the configuration, else the model).
  std::string y = config.y.empty() ? model.y() : config.y;
  CsvTable renamed = table;
  FeaturePlan::RenameColumns(model.plan().renames(), &renamed, nullptr);
  bool has_real = renamed.Find(y) >= 0;
  Eigen::VectorXd real;
  if (has_real) real = TargetColumn(renamed, y, nullptr);

  Eigen::VectorXd lo, hi;
  if (flags.interval > 0) model.Interval(predicted, flags.interval, &lo, &hi);

  fs::create_directories(flags.out);
  std::ostringstream csv;
  csv << (has_real ? "real," : "") << "pred" << (flags.interval > 0 ? ",lo,hi" : "") << "\n";
  for (Eigen::Index r = 0; r < predicted.size(); ++r) {
    if (has_real) csv << Number(real(r)) << ",";
    csv << Number(predicted(r));
    if (flags.interval > 0) csv << "," << Number(lo(r)) << "," << Number(hi(r));
    csv << "\n";
  }
  std::string path = (fs::path(flags.out) / "prediction.csv").string();
  WriteFileAtomically(path, csv.str());

  std::ostringstream report;
  report << model.technique() << ": " << predicted.size() << " predictions -> " << path;
  if (has_real) {
    ZeroExcludingMape mape = MapeExcludingZeros(real, predicted);
    if (mape.zero_rows == 0) {
      report << "; MAPE " << mape.mape << "%";
    } else if (!mape.defined()) {
      report << "; MAPE undefined (every real value is 0)";
    } else {
      report << "; MAPE " << mape.mape << "% over the " << mape.rows << " rows whose real "
             << "value is not 0 (" << mape.zero_rows << " are)";
    }
    if (global.verbose) {
      Metrics m = ComputeMetrics(real, predicted);
      report << ", RMSE " << m.rmse << ", R2 " << m.r2;
    }
    if (flags.interval > 0) {
      IntervalCoverage coverage = CoverageOf(real, lo, hi);
      report << "; " << coverage.inside << "/" << coverage.rows << " real values inside the "
             << flags.interval * 100 << "% interval";
    }
  }
  std::cout << report.str() << "\n";
}

}  // namespace

void AddPredictCommand(CLI::App& app, const GlobalOptions& global) {
  auto flags = std::make_shared<PredictFlags>();
  CLI::App* command = app.add_subcommand(
      "predict", "Predict with a model written by `twinprof train` (e.g. OUT/best.model)");
  command->add_option("-r,--model", flags->model, "Model file (OUT/best.model)")->required();
  command
      ->add_option("-c,--config", flags->config,
                   "Configuration naming the data ([DataPreparation] input_path, [General] y)")
      ->required();
  command->add_option("-o,--output", flags->out, "Output folder for prediction.csv")->required();
  command
      ->add_option("--interval", flags->interval,
                   "Add lo,hi bounds at this level (0.9 = 90%), from validation residuals")
      ->check(CLI::Range(0.01, 0.999));
  command->fallthrough();  // -v after the subcommand
  command->callback([flags, &global] { RunPredict(*flags, global); });
}

}  // namespace twinprof::cli
