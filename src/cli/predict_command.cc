// `twinprof predict -r MODEL -c CONFIG -o OUTP [--interval L]`: predicts the target of every row
// of the configuration's input file with a model written by `twinprof train`, writes
// OUTP/prediction.csv (the rows' identity and features, real, pred[, lo, hi], extrapolated) and
// OUTP/prediction.json, and prints the MAPE when the data holds the target.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/csv_table.h"
#include "core/error.h"
#include "core/job_record.h"
#include "model/config/train_config.h"
#include "model/data/feature_plan.h"
#include "model/metrics.h"
#include "model/model_file.h"

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
  model::ModelFile model = model::ModelFile::Load(flags.model);
  model::PredictConfig config = model::LoadPredictConfig(flags.config);
  if (flags.interval > 0 && !model.has_residuals()) {
    throw InputError(SourceLocation{flags.model},
                     "the model holds no validation residuals: --interval is unavailable");
  }
  CsvTable table = LoadCsv(config.input_path);
  Eigen::VectorXd predicted = model.Predict(table);

  // The real values, when the data has the target (named by the configuration, else the model).
  std::string y = config.y.empty() ? model.y() : config.y;
  CsvTable renamed = table;
  model::FeaturePlan::RenameColumns(model.plan().renames(), &renamed, nullptr);
  bool has_real = renamed.Find(y) >= 0;
  Eigen::VectorXd real;
  if (has_real) real = model::TargetColumn(renamed, y, nullptr);

  Eigen::VectorXd lo, hi;
  if (flags.interval > 0) model.Interval(predicted, flags.interval, &lo, &hi);

  // Beside the predictions: the rows' identity (when the data is a job export) and features.
  std::vector<int> copied;
  for (const char* name : {"campaign", "run_id", "repetition", "component", "job_id", "mode"}) {
    if (int index = table.Find(name); index >= 0) copied.push_back(index);
  }
  const std::vector<std::string> inputs = model.plan().InputColumns();
  for (const std::string& name : inputs) {
    int index = table.Find(name);
    if (index >= 0 && std::find(copied.begin(), copied.end(), index) == copied.end()) {
      copied.push_back(index);
    }
  }
  // A row is extrapolated when a feature lies outside the range the model was trained on.
  const auto& ranges = model.input_ranges();
  std::vector<bool> extrapolated(table.rows(), false);
  for (const auto& [name, range] : ranges) {
    int index = table.Find(name);
    if (index < 0 || !table.columns[index].numeric) continue;
    for (size_t r = 0; r < table.rows(); ++r) {
      double value = table.columns[index].numbers[r];
      if (value < range.first || value > range.second) extrapolated[r] = true;
    }
  }
  const int extrapolated_rows =
      static_cast<int>(std::count(extrapolated.begin(), extrapolated.end(), true));

  fs::create_directories(flags.out);
  std::ostringstream csv;
  for (int index : copied) csv << CsvField(table.columns[index].name) << ",";
  csv << (has_real ? "real," : "") << "pred" << (flags.interval > 0 ? ",lo,hi" : "")
      << (ranges.empty() ? "" : ",extrapolated") << "\n";
  for (Eigen::Index r = 0; r < predicted.size(); ++r) {
    for (int index : copied) {
      const CsvColumn& column = table.columns[index];
      csv << (column.numeric ? FormatDouble(column.numbers[r]) : CsvField(column.strings[r]))
          << ",";
    }
    if (has_real) csv << Number(real(r)) << ",";
    csv << Number(predicted(r));
    if (flags.interval > 0) csv << "," << Number(lo(r)) << "," << Number(hi(r));
    if (!ranges.empty()) csv << "," << (extrapolated[r] ? 1 : 0);
    csv << "\n";
  }
  std::string path = (fs::path(flags.out) / "prediction.csv").string();
  WriteFileAtomically(path, csv.str());
  nlohmann::json about = {{"model", flags.model},
                          {"technique", model.technique()},
                          {"target", model.y()},
                          {"features", inputs},
                          {"rows", predicted.size()}};
  about["extrapolated_rows"] =
      ranges.empty() ? nlohmann::json() : nlohmann::json(extrapolated_rows);
  WriteFileAtomically((fs::path(flags.out) / "prediction.json").string(), about.dump(2) + "\n");

  // A model chosen on its selection MAPE that did much worse on the validation rows.
  const nlohmann::json& metrics = model.metrics();
  if (metrics.contains("selection") && metrics.contains("validation") &&
      metrics["selection"].value("mape", nlohmann::json()).is_number() &&
      metrics["validation"].value("mape", nlohmann::json()).is_number()) {
    const double selection = metrics["selection"]["mape"].get<double>();
    const double validation = metrics["validation"]["mape"].get<double>();
    if (validation > 2 * selection && validation - selection > 5) {
      std::cerr << "warning: " << flags.model << ": the model's validation MAPE (" << validation
                << "%) is far above the selection MAPE it was chosen on (" << selection
                << "%): expect errors nearer the former\n";
    }
  }

  std::ostringstream report;
  report << model.technique() << ": " << predicted.size() << " predictions -> " << path;
  if (!ranges.empty()) {
    report << "; " << extrapolated_rows << " outside the training range of a feature";
  }
  if (has_real) {
    model::ZeroExcludingMape mape = model::MapeExcludingZeros(real, predicted);
    if (mape.zero_rows == 0) {
      report << "; MAPE " << mape.mape << "%";
    } else if (!mape.defined()) {
      report << "; MAPE undefined (every real value is 0)";
    } else {
      report << "; MAPE " << mape.mape << "% over the " << mape.rows << " rows whose real "
             << "value is not 0 (" << mape.zero_rows << " are)";
    }
    if (global.verbose) {
      model::Metrics m = model::ComputeMetrics(real, predicted);
      report << ", RMSE " << m.rmse << ", R2 " << m.r2;
    }
    if (flags.interval > 0) {
      model::IntervalCoverage coverage = model::CoverageOf(real, lo, hi);
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
