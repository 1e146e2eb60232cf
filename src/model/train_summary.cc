// TrainSummary's reports (trainer.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "model/trainer.h"

namespace twinprof::model {

namespace {

std::string Fixed(double value, int digits) {
  if (!std::isfinite(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string General(double value) {
  if (!std::isfinite(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string PadLeft(const std::string& text, size_t width) {
  return text.size() < width ? std::string(width - text.size(), ' ') + text : text;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "grid", "random, 10 grid points per technique", "Bayesian (TPE ...), 50 evaluations per ...".
std::string SearchMethod(const nlohmann::json& search) {
  return search.is_object() ? search.value("method", "Grid") : "Grid";
}

std::string SearchText(const nlohmann::json& search) {
  std::string method = SearchMethod(search);
  if (method == "Grid") return "grid (every point)";
  std::string budget = std::to_string(search.value("max_evals", 0));
  std::string per = search.value("budget_per", "technique");
  if (method == "Random") return "random, " + budget + " grid points per " + per;
  return search.value("algorithm", method) + ", " + budget + " evaluations per " + per;
}

}  // namespace

std::string TrainSummary::BriefReport() const {
  std::ostringstream out;
  for (size_t t = 0; t < techniques.size(); ++t) {
    const TechniqueResult& r = techniques[t];
    out << (t ? " | " : "") << r.technique << " "
        << (r.ok ? Fixed(r.validation.mape, 2) + "%" : std::string("failed"));
  }
  if (best >= 0) {
    out << "; best " << techniques[best].technique << " (selection MAPE "
        << Fixed(techniques[best].selection.mape, 2) << "%, validation MAPE "
        << Fixed(techniques[best].validation.mape, 2) << "%)";
  } else {
    out << "; no technique succeeded";
  }
  out << " in " << Fixed(seconds, 1) << " s";
  return out.str();
}

std::string TrainSummary::FullReport() const {
  std::ostringstream out;
  out << "twinprof train " << config_path << "\n";
  out << "data: " << input_path << ", " << rows << " rows, " << feature_names.size()
      << " features\n";
  out << "validation: " << validation << "; hp_selection: " << hp_selection << "; runs: " << runs
      << "; threads: " << jobs << "\n";
  out << "search: " << SearchText(search) << "\n\n";
  out << Pad("technique", 14) << PadLeft("MAPE% train", 12) << PadLeft("select", 9)
      << PadLeft("valid", 9) << PadLeft("RMSE train", 13) << PadLeft("select", 12)
      << PadLeft("valid", 12) << PadLeft("R2 train", 10) << PadLeft("select", 9)
      << PadLeft("valid", 9) << "\n";
  for (const TechniqueResult& r : techniques) {
    out << Pad(r.technique, 14);
    if (!r.ok) {
      out << "  failed (see notes)\n";
      continue;
    }
    out << PadLeft(Fixed(r.train.mape, 2), 12) << PadLeft(Fixed(r.selection.mape, 2), 9)
        << PadLeft(Fixed(r.validation.mape, 2), 9) << PadLeft(General(r.train.rmse), 13)
        << PadLeft(General(r.selection.rmse), 12) << PadLeft(General(r.validation.rmse), 12)
        << PadLeft(Fixed(r.train.r2, 4), 10) << PadLeft(Fixed(r.selection.r2, 4), 9)
        << PadLeft(Fixed(r.validation.r2, 4), 9) << "\n";
  }
  out << "\n";
  for (const TechniqueResult& r : techniques) {
    out << r.technique << ":\n";
    out << "  best hyperparameters: " << r.hyperparameters.dump() << "\n";
    if (search.is_object() && search.contains("space") && search["space"].contains(r.technique)) {
      std::string dimensions;
      for (const auto& [name, prior] : search["space"][r.technique].items()) {
        dimensions += (dimensions.empty() ? "" : ", ") + name + " ~ " + prior.get<std::string>();
      }
      if (!dimensions.empty()) out << "  search space: " << dimensions << "\n";
    }
    out << "  points tried" << (SearchMethod(search) == "Hyperopt" ? " (evaluations)" : "") << ": "
        << r.points << ", fits: " << r.fits << "\n";
    if (r.ok) {
      out << "  refitted on all rows, in-sample: MAPE " << Fixed(r.refit.mape, 2) << "%, RMSE "
          << General(r.refit.rmse) << ", R2 " << Fixed(r.refit.r2, 4)
          << " (not a validation figure)\n";
    }
    if (r.features.size() != feature_names.size()) {
      out << "  selected features: " << JoinNames(r.features) << "\n";
    }
    if (!r.model_features.empty()) {
      out << "  features the model uses: " << JoinNames(r.model_features) << "\n";
    }
    for (const auto& [note, count] : r.notes) {
      out << "  note: " << note << (count > 1 ? " (" + std::to_string(count) + " times)" : "")
          << "\n";
    }
  }
  out << "\n";
  if (best >= 0) {
    out << "Best technique: " << techniques[best].technique << " (lowest selection MAPE)\n";
  } else {
    out << "No technique succeeded.\n";
  }
  out << "Features: " << JoinNames(feature_names) << "\n";
  if (!xgboost_selection.is_null()) {
    const nlohmann::json& xs = xgboost_selection;
    out << "XGBoost feature selection (tolerance " << General(xs.at("tolerance").get<double>())
        << ", " << xs.at("fits").get<size_t>() << " fits): kept "
        << JoinNames(xs.at("features").get<std::vector<std::string>>()) << "\n";
    std::vector<std::pair<double, std::string>> weights;
    for (const auto& [name, weight] : xs.at("weights").items()) {
      weights.emplace_back(-weight.get<double>(), name);
    }
    std::sort(weights.begin(), weights.end());
    std::string ranking;
    for (const auto& [weight, name] : weights) {
      ranking += (ranking.empty() ? "" : ", ") + name + " " + Fixed(-weight, 3);
    }
    out << "  XGBoost split shares: " << ranking << "\n";
    out << "  XGBoost hyperparameters: " << xs.at("hyperparameters").dump() << "\n";
    for (const nlohmann::json& note : xs.at("notes")) {
      int count = note.at("count").get<int>();
      out << "  note: " << note.at("note").get<std::string>()
          << (count > 1 ? " (" + std::to_string(count) + " times)" : "") << "\n";
    }
  }
  out << "Time: " << Fixed(seconds, 2) << " s\n";
  return out.str();
}

nlohmann::json TrainSummary::ToJson() const {
  nlohmann::json json;
  json["config"] = config_path;
  json["input"] = input_path;
  json["rows"] = rows;
  json["features"] = feature_names;
  json["validation"] = validation;
  json["hp_selection"] = hp_selection;
  json["search"] = search.is_object() ? search : nlohmann::json{{"method", "Grid"}};
  json["runs"] = runs;
  json["threads"] = jobs;
  json["seconds"] = seconds;
  if (!xgboost_selection.is_null()) json["xgboost_feature_selection"] = xgboost_selection;
  json["best_technique"] = best >= 0 ? nlohmann::json(techniques[best].technique) : nullptr;
  json["techniques"] = nlohmann::json::array();
  for (const TechniqueResult& r : techniques) {
    nlohmann::json t = {{"technique", r.technique},
                        {"ok", r.ok},
                        {"hyperparameters", r.hyperparameters},
                        {"features", r.features},
                        {"model_features", r.model_features},
                        {"points", r.points},
                        {"fits", r.fits},
                        {"train", r.train.ToJson()},
                        {"selection", r.selection.ToJson()},
                        {"validation", r.validation.ToJson()},
                        {"refit_in_sample", r.refit.ToJson()}};
    t["notes"] = nlohmann::json::array();
    for (const auto& [note, count] : r.notes)
      t["notes"].push_back({{"note", note}, {"count", count}});
    json["techniques"].push_back(t);
  }
  return json;
}

}  // namespace twinprof::model
