#include "model/config/train_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "model/regressor.h"
#include "model/search/hyperparameter_grid.h"

namespace twinprof::model {

const char* SplitMethodName(SplitMethod method) {
  switch (method) {
    case SplitMethod::kAll:
      return "All";
    case SplitMethod::kHoldOut:
      return "HoldOut";
    case SplitMethod::kKFold:
      return "KFold";
    case SplitMethod::kExtrapolation:
      return "Extrapolation";
    case SplitMethod::kInterpolation:
      return "Interpolation";
  }
  return "?";
}

SourceLocation TrainConfig::Where(const std::string& section, const std::string& key) const {
  const ConfigSection* s = document.Find(section);
  if (!s) return SourceLocation{path};
  const ConfigValue* v = s->Find(key);
  return v ? v->where : s->where;
}

void TrainConfig::Fail(const std::string& section, const std::string& key,
                       const std::string& message) const {
  throw InputError(Where(section, key), "[" + section + "] " + key + ": " + message);
}

namespace {

namespace fs = std::filesystem;

// Typed access to one section, with errors naming [section] key.
class SectionReader {
 public:
  SectionReader(const TrainConfig& config, std::string name)
      : config_(config), name_(std::move(name)), section_(config.document.Find(name_)) {}

  bool present() const { return section_ != nullptr; }
  const nlohmann::json* Get(const std::string& key) const {
    if (!section_) return nullptr;
    const ConfigValue* v = section_->Find(key);
    return v ? &v->value : nullptr;
  }
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const {
    config_.Fail(name_, key, message);
  }
  const nlohmann::json& Required(const std::string& key) const {
    const nlohmann::json* v = Get(key);
    if (!v) {
      if (!section_) {
        throw InputError(SourceLocation{config_.path},
                         "missing section [" + name_ + "] (it must set " + key + ")");
      }
      Fail(key, "missing (required)");
    }
    return *v;
  }

  std::string String(const std::string& key, const std::string& fallback) const {
    const nlohmann::json* v = Get(key);
    if (!v) return fallback;
    if (!v->is_string()) Fail(key, "expected a string, found " + v->dump());
    return v->get<std::string>();
  }
  int64_t Integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
    const nlohmann::json* v = Get(key);
    if (!v) return fallback;
    if (!v->is_number_integer()) Fail(key, "expected an integer, found " + v->dump());
    int64_t value = v->get<int64_t>();
    if (value < min || value > max) {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", found " + std::to_string(value));
    }
    return value;
  }
  double Number(const std::string& key, double fallback) const {
    const nlohmann::json* v = Get(key);
    if (!v) return fallback;
    if (!v->is_number()) Fail(key, "expected a number, found " + v->dump());
    return v->get<double>();
  }
  bool Bool(const std::string& key, bool fallback) const {
    const nlohmann::json* v = Get(key);
    if (!v) return fallback;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) {  // aMLLibrary files write normalization = True or 'True'
      std::string s = v->get<std::string>();
      if (s == "True" || s == "true") return true;
      if (s == "False" || s == "false") return false;
    }
    Fail(key, "expected True or False, found " + v->dump());
  }
  // A list of strings; a single string counts as a list of one. "[*]" stays as the one element.
  std::vector<std::string> Strings(const std::string& key) const {
    const nlohmann::json* v = Get(key);
    if (!v) return {};
    if (v->is_string()) return {v->get<std::string>()};
    if (!v->is_array()) Fail(key, "expected a list of strings, found " + v->dump());
    std::vector<std::string> out;
    for (const nlohmann::json& item : *v) {
      if (!item.is_string()) Fail(key, "expected a list of strings, found " + item.dump());
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  // A dict of column -> number.
  std::vector<std::pair<std::string, double>> NumberDict(const std::string& key) const {
    const nlohmann::json* v = Get(key);
    if (!v) return {};
    if (!v->is_object()) Fail(key, "expected a dictionary {'column': number}, found " + v->dump());
    std::vector<std::pair<std::string, double>> out;
    for (const auto& [column, bound] : v->items()) {
      if (!bound.is_number()) {
        Fail(key, "the value for '" + column + "' must be a number, found " + bound.dump());
      }
      out.emplace_back(column, bound.get<double>());
    }
    return out;
  }
  // Complains about keys outside `known` (and ignores aMLLibrary's run-time keys).
  void CheckKeys(const std::set<std::string>& known) const {
    static const std::set<std::string> kIgnored = {
        "hyperopt_save_interval", "details",       "generate_plots", "debug", "j", "output",
        "configuration_file",     "keras_backend", "keras_use_cpu"};
    if (!section_) return;
    for (const ConfigValue& v : section_->values) {
      if (known.count(v.key) || kIgnored.count(v.key)) continue;
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      Fail(v.key, "unknown key (known: " + list + ")");
    }
  }

 private:
  const TrainConfig& config_;
  std::string name_;
  const ConfigSection* section_;
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// aMLLibrary techniques twinprof does not implement: their sections in aMLLibrary's files are
// ignored unless listed in [General] techniques (which says they are unknown).
const std::set<std::string> kAmlLibraryOnlyTechniques = {"NeuralNetwork"};

// A technique is known when KnownTechniques() lists it or the factory makes it (the factory is
// the authority: it may know techniques before the list is updated).
bool IsKnownTechnique(const std::string& technique) {
  const std::vector<std::string>& known = KnownTechniques();
  if (std::find(known.begin(), known.end(), technique) != known.end()) return true;
  try {
    MakeRegressor(technique, nlohmann::json::object(), 0);
    return true;
  } catch (const InputError& e) {
    return e.message().find("unknown technique") == std::string::npos;
  }
}

SplitMethod ParseSplit(const SectionReader& general, const std::string& key, bool validation) {
  std::string name = general.String(key, "All");
  if (name == "All") return SplitMethod::kAll;
  if (name == "HoldOut") return SplitMethod::kHoldOut;
  if (name == "KFold") return SplitMethod::kKFold;
  if (validation && name == "Extrapolation") return SplitMethod::kExtrapolation;
  if (validation && name == "Interpolation") return SplitMethod::kInterpolation;
  general.Fail(key, "unknown method '" + name + "' (expected All, HoldOut, KFold" +
                        std::string(validation ? ", Extrapolation or Interpolation)" : ")"));
}

void ReadGeneral(TrainConfig& config) {
  SectionReader general(config, "General");
  if (!general.present()) {
    throw InputError(SourceLocation{config.path, 1}, "missing section [General]");
  }
  general.CheckKeys({"techniques", "y", "validation", "hp_selection", "folds", "hold_out_ratio",
                     "extrapolation_columns", "interpolation_columns", "run_num", "seed",
                     "hyperparameter_tuning", "max_evals", "hyperopt_max_evals"});
  const nlohmann::json& y = general.Required("y");
  if (!y.is_string() || y.get<std::string>().empty()) {
    general.Fail("y", "expected the target column's name, found " + y.dump());
  }
  config.y = y.get<std::string>();
  general.Required("techniques");
  config.techniques = general.Strings("techniques");
  if (config.techniques.empty()) general.Fail("techniques", "the list is empty");
  const std::vector<std::string>& known = KnownTechniques();
  std::set<std::string> seen;
  for (const std::string& t : config.techniques) {
    if (!IsKnownTechnique(t)) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      general.Fail("techniques", "unknown technique '" + t + "' (known: " + list + ")");
    }
    if (!seen.insert(t).second) general.Fail("techniques", "'" + t + "' is listed twice");
  }
  config.validation = ParseSplit(general, "validation", true);
  config.hp_selection = ParseSplit(general, "hp_selection", false);
  bool uses_kfold =
      config.validation == SplitMethod::kKFold || config.hp_selection == SplitMethod::kKFold;
  if (uses_kfold && !general.Get("folds")) general.Fail("folds", "missing (KFold needs it)");
  config.folds = static_cast<int>(general.Integer("folds", 5, 2, 1000));
  bool uses_holdout =
      config.validation == SplitMethod::kHoldOut || config.hp_selection == SplitMethod::kHoldOut;
  if (uses_holdout && !general.Get("hold_out_ratio")) {
    general.Fail("hold_out_ratio", "missing (HoldOut needs it)");
  }
  config.hold_out_ratio = general.Number("hold_out_ratio", 0.2);
  if (!(config.hold_out_ratio > 0 && config.hold_out_ratio < 1)) {
    general.Fail("hold_out_ratio", "must be between 0 and 1 (exclusive)");
  }
  if (config.validation == SplitMethod::kExtrapolation) {
    general.Required("extrapolation_columns");
    config.extrapolation_columns = general.NumberDict("extrapolation_columns");
    if (config.extrapolation_columns.empty()) general.Fail("extrapolation_columns", "is empty");
  }
  if (config.validation == SplitMethod::kInterpolation) {
    const nlohmann::json& columns = general.Required("interpolation_columns");
    if (!columns.is_object() || columns.empty()) {
      general.Fail("interpolation_columns",
                   "expected {'column': step} or {'column': [values]}, found " + columns.dump());
    }
    for (const auto& [column, spec] : columns.items()) {
      InterpolationColumn c{column, 0, {}};
      if (spec.is_number_integer() && spec.get<int64_t>() >= 1) {
        c.step = static_cast<int>(spec.get<int64_t>());
      } else if (spec.is_array() && !spec.empty()) {
        for (const nlohmann::json& v : spec) {
          if (!v.is_number()) {
            general.Fail("interpolation_columns", "values for '" + column + "' must be numbers");
          }
          c.values.push_back(v.get<double>());
        }
      } else {
        general.Fail("interpolation_columns", "'" + column +
                                                  "' needs a step (integer >= 1) or a list of "
                                                  "values, found " +
                                                  spec.dump());
      }
      config.interpolation_columns.push_back(std::move(c));
    }
  }
  config.run_num = static_cast<int>(general.Integer("run_num", 1, 1, 1000));
  config.seed = static_cast<uint64_t>(general.Integer("seed", 0, 0, INT64_MAX));
  std::string tuning = general.String("hyperparameter_tuning", "Grid");
  if (tuning == "Grid" || tuning == "grid") {
    config.random_search = false;
  } else if (tuning == "Random" || tuning == "random") {
    config.random_search = true;
  } else if (tuning == "Hyperopt" || tuning == "hyperopt") {
    config.bayesian_search = true;
  } else {
    general.Fail("hyperparameter_tuning",
                 "expected 'Grid', 'Random' or 'Hyperopt', found '" + tuning + "'");
  }
  std::string budget_key = general.Get("max_evals") ? "max_evals" : "hyperopt_max_evals";
  config.max_evals = static_cast<int>(general.Integer(budget_key, 0, 1, 1000000));
  if (config.random_search && config.max_evals == 0) {
    general.Fail("max_evals", "missing (random search needs a budget of grid points)");
  }
  if (config.bayesian_search && config.max_evals == 0) {
    general.Fail("hyperopt_max_evals",
                 "missing (Hyperopt needs a budget of evaluations per technique)");
  }
}

void ReadDataPreparation(TrainConfig& config) {
  SectionReader prep(config, "DataPreparation");
  prep.CheckKeys({"input_path", "rename_columns", "skip_rows", "use_columns", "skip_columns",
                  "inverse", "log", "product_max_degree", "product_interactions_only",
                  "normalization", "ernest", "selected_products"});
  const nlohmann::json& input = prep.Required("input_path");
  if (!input.is_string() || input.get<std::string>().empty()) {
    prep.Fail("input_path", "expected a file name, found " + input.dump());
  }
  fs::path input_path = input.get<std::string>();
  if (input_path.is_relative()) input_path = fs::path(config.path).parent_path() / input_path;
  config.input_path = input_path.lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(config.input_path, ec)) {
    prep.Fail("input_path", "cannot read '" + config.input_path + "' (no such file)");
  }
  if (const nlohmann::json* v = prep.Get("rename_columns")) {
    if (!v->is_object()) prep.Fail("rename_columns", "expected {'old': 'new'}, found " + v->dump());
    std::set<std::string> targets;
    for (const auto& [from, to] : v->items()) {
      if (!to.is_string() || to.get<std::string>().empty()) {
        prep.Fail("rename_columns", "the new name for '" + from + "' must be a string");
      }
      if (!targets.insert(to.get<std::string>()).second) {
        prep.Fail("rename_columns", "two columns renamed to '" + to.get<std::string>() + "'");
      }
      config.rename_columns.emplace_back(from, to.get<std::string>());
    }
  }
  config.skip_rows = prep.NumberDict("skip_rows");
  config.use_columns = prep.Strings("use_columns");
  config.skip_columns = prep.Strings("skip_columns");
  if (!config.use_columns.empty() && !config.skip_columns.empty()) {
    prep.Fail("skip_columns", "use_columns and skip_columns exclude each other");
  }
  config.inverse = prep.Strings("inverse");
  config.log = prep.Strings("log");
  if (const nlohmann::json* v = prep.Get("product_max_degree")) {
    if (v->is_string() && v->get<std::string>() == "inf") {
      config.product_max_degree = -1;
    } else {
      config.product_max_degree = static_cast<int>(prep.Integer("product_max_degree", 0, 0, 10));
    }
  }
  config.product_interactions_only = prep.Bool("product_interactions_only", false);
  config.normalization = prep.Bool("normalization", false);
  if (prep.Get("selected_products")) {
    config.use_selected_products = true;
    for (const std::string& product : prep.Strings("selected_products")) {
      std::vector<std::string> factors;
      std::string word;
      for (char c : product + " ") {
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!word.empty()) factors.push_back(word);
          word.clear();
        } else {
          word += c;
        }
      }
      if (factors.size() < 2) {
        prep.Fail("selected_products", "'" + product +
                                           "' is not a product: write two or more feature names "
                                           "separated by spaces, e.g. 'a b'");
      }
      config.selected_products.push_back(std::move(factors));
    }
  }
  // aMLLibrary refuses these alongside Ernest's features (sequence_data_processing.py).
  config.ernest = prep.Bool("ernest", false);
  if (config.ernest) {
    const std::string why =
        "cannot be used with ernest = True (aMLLibrary refuses it: Ernest's four features, made "
        "from datasize and cores, are the only features)";
    for (const char* key : {"use_columns", "skip_columns"}) {
      if (prep.Get(key)) prep.Fail(key, why);
    }
    if (!config.inverse.empty()) prep.Fail("inverse", why);
    if (config.product_max_degree != 0) prep.Fail("product_max_degree", why);
    if (config.normalization) prep.Fail("normalization", why);
  }
}

void ReadTechniques(TrainConfig& config);

void ReadFeatureSelection(TrainConfig& config) {
  SectionReader selection(config, "FeatureSelection");
  if (!selection.present()) return;
  selection.CheckKeys({"method", "max_features", "min_features", "folds", "XGBoost_tolerance"});
  std::string method = selection.String("method", "SFS");
  if (method == "SFS") {
    selection.Required("max_features");
    config.feature_selection = true;
    config.max_features = static_cast<int>(selection.Integer("max_features", 1, 1, 100000));
    // aMLLibrary hands (min_features, max_features) to mlxtend's SFS as k_features: the chosen
    // set is the best of every size in that range.
    config.min_features = static_cast<int>(selection.Integer("min_features", 1, 1, 100000));
    if (config.min_features > config.max_features) {
      selection.Fail("min_features",
                     "must not exceed max_features (" + std::to_string(config.max_features) + ")");
    }
  } else if (method == "XGBoost") {
    selection.Required("XGBoost_tolerance");
    config.xgboost_selection = true;
    config.xgboost_tolerance = selection.Number("XGBoost_tolerance", 1.0);
    if (!(config.xgboost_tolerance > 0 && config.xgboost_tolerance <= 1)) {
      selection.Fail("XGBoost_tolerance",
                     "must be a fraction in (0, 1] of XGBoost's total feature importance");
    }
    // max_features and min_features are SFS's; aMLLibrary's files often keep them beside
    // method = 'XGBoost', where they mean nothing.
    selection.Integer("max_features", 0, 1, 100000);
    selection.Integer("min_features", 0, 1, 100000);
  } else {
    selection.Fail("method", "expected 'SFS' (sequential forward selection) or 'XGBoost', found '" +
                                 method + "'");
  }
}

// The XGBoost points of XGBoost feature selection: [XGBoost] read as a technique's section
// (shared with the technique when it is listed), else aMLLibrary's defaults
// (xgboost_feature_selection.py).
void ReadXgboostSelectionSpace(TrainConfig& config) {
  if (!config.xgboost_selection) return;
  for (const TechniqueSpace& space : config.spaces) {
    if (space.technique == "XGBoost") {
      config.xgboost_selection_space = space;
      return;
    }
  }
  if (config.document.Find("XGBoost")) {
    TrainConfig scratch = config;
    scratch.techniques = {"XGBoost"};
    scratch.spaces.clear();
    ReadTechniques(scratch);
    config.xgboost_selection_space = scratch.spaces.at(0);
    return;
  }
  SourceLocation where = config.Where("FeatureSelection", "method");
  TechniqueSpace space{"XGBoost", {}, where};
  auto add = [&](const std::string& name, std::vector<nlohmann::json> values) {
    space.hyperparameters.push_back(
        HyperparameterValues{name, std::move(values), where, std::nullopt});
  };
  add("min_child_weight", {1});
  add("gamma", {0, 1});
  add("n_estimators", {50});
  add("learning_rate", {0.01, 0.1});
  add("max_depth", {3});
  add("lambda", {1});
  add("alpha", {0});
  config.xgboost_selection_space = std::move(space);
}

// The first value of every hyperparameter, with `override_index`'s value replaced.
nlohmann::json PointWith(const TechniqueSpace& space, size_t override_index, size_t value_index) {
  nlohmann::json point = nlohmann::json::object();
  for (size_t i = 0; i < space.hyperparameters.size(); ++i) {
    const HyperparameterValues& h = space.hyperparameters[i];
    point[h.name] = i == override_index ? h.values[value_index] : h.values[0];
  }
  return point;
}

void ReadTechniques(TrainConfig& config) {
  const SectionReader general(config, "General");
  // Sections of techniques that are not listed are ignored, as aMLLibrary does (its files often
  // keep sections of techniques they do not use). Any other section is a typo (`[LRRidgee]`
  // would leave LRRidge with its defaults): an error, with the nearest name when one is close.
  std::vector<std::string> names = {"General", "DataPreparation", "FeatureSelection"};
  const size_t reserved = names.size();
  for (const std::string& technique : KnownTechniques()) names.push_back(technique);
  for (const ConfigSection& section : config.document.sections()) {
    if (std::find(names.begin(), names.end(), section.name) != names.end()) continue;
    if (section.name.empty() || IsKnownTechnique(section.name)) continue;
    if (kAmlLibraryOnlyTechniques.count(section.name)) continue;
    std::string nearest;
    size_t best = 3;  // at most 2 edits (case aside) make a suggestion
    for (const std::string& name : names) {
      size_t distance = EditDistance(Lower(section.name), Lower(name));
      if (distance < best) best = distance, nearest = name;
    }
    std::string message = "[" + section.name + "]: unknown section";
    if (!nearest.empty()) {
      message += " (did you mean [" + nearest + "]?)";
    } else {
      std::string list;
      for (size_t i = reserved; i < names.size(); ++i)
        list += (list.empty() ? "" : ", ") + names[i];
      message += ": not General, DataPreparation, FeatureSelection or a technique (" + list + ")";
    }
    throw InputError(section.where, message);
  }
  for (const std::string& technique : config.techniques) {
    TechniqueSpace space{technique, {}, config.Where("General", "techniques")};
    if (const ConfigSection* section = config.document.Find(technique)) {
      space.where = section->where;
      for (const ConfigValue& v : section->values) {
        HyperparameterValues h;
        h.name = v.key;
        h.where = v.where;
        auto check_scalar = [&](const nlohmann::json& value) {
          if (value.is_array() || value.is_object()) {
            config.Fail(technique, v.key,
                        "expected a value or a list of values, found " + v.value.dump());
          }
        };
        if (v.value.is_array()) {
          if (v.value.empty()) config.Fail(technique, v.key, "the list of values is empty");
          for (const nlohmann::json& item : v.value) {
            check_scalar(item);
            h.values.push_back(item);
          }
        } else {
          check_scalar(v.value);
          h.values.push_back(v.value);
        }
        // Prior strings (aMLLibrary's Hyperopt mode): alone, or the one element of a list.
        for (const nlohmann::json& value : h.values) {
          if (!value.is_string()) continue;
          std::optional<Prior> prior;
          try {
            prior = ParsePrior(value.get<std::string>());
          } catch (const std::invalid_argument& e) {
            config.Fail(technique, v.key, e.what());
          }
          if (!prior) continue;
          if (!config.bayesian_search) {
            config.Fail(technique, v.key,
                        "'" + value.get<std::string>() +
                            "' is a prior: it needs hyperparameter_tuning = 'Hyperopt'");
          }
          if (h.values.size() > 1) {
            config.Fail(technique, v.key,
                        "a prior must be the only value of its list, found " + v.value.dump());
          }
          h.prior = prior;
        }
        if (h.prior) h.values = PriorCheckValues(*h.prior);
        space.hyperparameters.push_back(std::move(h));
      }
    }
    // Let the technique check every value once (each against the others' first values).
    auto check = [&](const nlohmann::json& point, const SourceLocation& fallback) {
      try {
        MakeRegressor(technique, point, config.seed);
      } catch (const InputError& e) {
        SourceLocation where = fallback;
        for (const HyperparameterValues& h : space.hyperparameters) {
          if (e.message().find("'" + h.name + "'") != std::string::npos ||
              e.message().find(" " + h.name + " ") != std::string::npos ||
              e.message().find(h.name + ":") != std::string::npos) {
            where = h.where;
            throw InputError(where, "[" + technique + "] " + h.name + ": " + e.message());
          }
        }
        throw InputError(where, "[" + technique + "]: " + e.message());
      }
    };
    if (space.hyperparameters.empty()) check(nlohmann::json::object(), space.where);
    for (size_t i = 0; i < space.hyperparameters.size(); ++i) {
      for (size_t k = 0; k < space.hyperparameters[i].values.size(); ++k) {
        check(PointWith(space, i, k), space.hyperparameters[i].where);
      }
    }
    config.spaces.push_back(std::move(space));
  }
}

}  // namespace

TrainConfig LoadTrainConfig(const std::string& path) {
  TrainConfig config;
  config.path = path;
  config.document = ConfigDocument::Load(path);
  ReadGeneral(config);
  ReadDataPreparation(config);
  ReadFeatureSelection(config);
  ReadTechniques(config);
  ReadXgboostSelectionSpace(config);
  return config;
}

PredictConfig LoadPredictConfig(const std::string& path) {
  TrainConfig config;
  config.path = path;
  config.document = ConfigDocument::Load(path);
  PredictConfig out;
  out.path = path;
  SectionReader general(config, "General");
  const nlohmann::json* y = general.Get("y");
  if (y) {
    if (!y->is_string()) general.Fail("y", "expected the target column's name, found " + y->dump());
    out.y = y->get<std::string>();
  }
  SectionReader prep(config, "DataPreparation");
  const nlohmann::json& input = prep.Required("input_path");
  if (!input.is_string() || input.get<std::string>().empty()) {
    prep.Fail("input_path", "expected a file name, found " + input.dump());
  }
  fs::path input_path = input.get<std::string>();
  if (input_path.is_relative()) input_path = fs::path(path).parent_path() / input_path;
  out.input_path = input_path.lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(out.input_path, ec)) {
    prep.Fail("input_path", "cannot read '" + out.input_path + "' (no such file)");
  }
  return out;
}

}  // namespace twinprof::model
