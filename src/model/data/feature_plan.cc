#include "model/data/feature_plan.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace twinprof::model {

namespace {

std::string ColumnList(const CsvTable& table) {
  std::string list;
  for (const CsvColumn& c : table.columns) list += (list.empty() ? "" : ", ") + c.name;
  return list;
}

// The numeric column `name` of `table`, or an error at [section] key.
int RequireColumn(const TrainConfig& config, const CsvTable& table, const std::string& section,
                  const std::string& key, const std::string& name, bool numeric) {
  int index = table.Find(name);
  if (index < 0) {
    config.Fail(
        section, key,
        "column '" + name + "' is not in " + table.path + " (columns: " + ColumnList(table) + ")");
  }
  if (numeric && !table.columns[index].numeric) {
    config.Fail(section, key, "column '" + name + "' holds text, not numbers");
  }
  return index;
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace

void FeaturePlan::RenameColumns(const std::vector<std::pair<std::string, std::string>>& renames,
                                CsvTable* table, const TrainConfig* config) {
  for (const auto& [from, to] : renames) {
    int index = table->Find(from);
    if (index < 0) {
      std::string message = "column '" + from + "' is not in " + table->path +
                            " (columns: " + ColumnList(*table) + ")";
      if (config) config->Fail("DataPreparation", "rename_columns", message);
      throw InputError(SourceLocation{table->path, 1}, "cannot rename: " + message);
    }
    int clash = table->Find(to);
    if (clash >= 0 && clash != index) {
      std::string message = "renaming '" + from + "' to '" + to + "' clashes with a column";
      if (config) config->Fail("DataPreparation", "rename_columns", message);
      throw InputError(SourceLocation{table->path, 1}, message);
    }
    table->columns[index].name = to;
  }
}

void SkipRows(const TrainConfig& config, CsvTable* table) {
  if (config.skip_rows.empty()) return;
  std::vector<int> bound_columns;
  for (const auto& [column, bound] : config.skip_rows) {
    bound_columns.push_back(
        RequireColumn(config, *table, "DataPreparation", "skip_rows", column, true));
  }
  std::vector<size_t> keep;
  for (size_t r = 0; r < table->rows(); ++r) {
    bool drop = false;
    for (size_t k = 0; k < bound_columns.size(); ++k) {
      if (table->columns[bound_columns[k]].numbers[r] > config.skip_rows[k].second) drop = true;
    }
    if (!drop) keep.push_back(r);
  }
  if (keep.empty()) config.Fail("DataPreparation", "skip_rows", "the bounds drop every row");
  for (CsvColumn& column : table->columns) {
    for (size_t i = 0; i < keep.size(); ++i) {
      if (column.numeric) {
        column.numbers[i] = column.numbers[keep[i]];
      } else {
        column.strings[i] = column.strings[keep[i]];
      }
    }
    if (column.numeric)
      column.numbers.resize(keep.size());
    else
      column.strings.resize(keep.size());
  }
  for (size_t i = 0; i < keep.size(); ++i) table->lines[i] = table->lines[keep[i]];
  table->lines.resize(keep.size());
}

// One call of FeaturePlan::Fit(): the plan grows phase by phase (aMLLibrary's order), one method
// per phase; `index_of_` finds each feature named so far.
class FeaturePlan::Fitter {
 public:
  Fitter(const TrainConfig& config, const CsvTable& table) : config_(config), table_(table) {
    plan_.renames_ = config.rename_columns;
  }

  FeaturePlan Fit() {
    ChooseColumns();
    AddBaseFeatures();
    AddInverses();
    AddLogs();
    if (config_.use_selected_products) {
      AddSelectedProducts();
    } else {
      AddProducts();
    }
    return std::move(plan_);
  }

 private:
  // The x columns: use_columns, or every column but y and skip_columns.
  void ChooseColumns() {
    if (!config_.use_columns.empty()) {
      for (const std::string& name : config_.use_columns) {
        RequireColumn(config_, table_, "DataPreparation", "use_columns", name, false);
        if (name == config_.y) {
          config_.Fail("DataPreparation", "use_columns", "'" + name + "' is the target y");
        }
        x_.push_back(name);
      }
    } else {
      std::set<std::string> skip;
      for (const std::string& name : config_.skip_columns) {
        RequireColumn(config_, table_, "DataPreparation", "skip_columns", name, false);
        skip.insert(name);
      }
      for (const CsvColumn& column : table_.columns) {
        if (column.name != config_.y && !skip.count(column.name)) x_.push_back(column.name);
      }
    }
    if (x_.empty()) config_.Fail("DataPreparation", "use_columns", "no feature column is left");
  }

  // Base features, with one-hot columns in place of text columns.
  void AddBaseFeatures() {
    for (const std::string& name : x_) {
      const CsvColumn& column = table_.columns[table_.Find(name)];
      if (column.numeric) {
        plan_.base_.push_back(Base{name, false, {}});
        plan_.names_.push_back(name);
        continue;
      }
      categorical_columns_.insert(name);
      std::set<std::string> values(column.strings.begin(), column.strings.end());
      for (const std::string& value : values) {
        plan_.base_.push_back(Base{name, true, value});
        plan_.names_.push_back(name + "_class_" + value);
      }
    }
    for (size_t i = 0; i < plan_.names_.size(); ++i) {
      index_of_[plan_.names_[i]] = static_cast<int>(i);
    }
  }

  // The features `listed` under `key` ("[*]": all) among the first `available`, as indices;
  // one-hot features are skipped, as aMLLibrary skips booleans.
  std::vector<int> Expand(const std::vector<std::string>& listed, const std::string& key,
                          size_t available) const {
    std::vector<int> out;
    std::set<int> seen;
    if (listed.size() == 1 && listed[0] == "[*]") {
      for (size_t i = 0; i < available; ++i) {
        if (i < plan_.base_.size() && plan_.base_[i].categorical) continue;
        out.push_back(static_cast<int>(i));
      }
      return out;
    }
    for (const std::string& name : listed) {
      auto it = index_of_.find(name);
      if (it == index_of_.end() || it->second >= static_cast<int>(available)) {
        if (categorical_columns_.count(name)) {
          config_.Fail("DataPreparation", key, "column '" + name + "' holds text, not numbers");
        }
        config_.Fail("DataPreparation", key,
                     "'" + name + "' is not a feature (features: " +
                         Join(std::vector<std::string>(plan_.names_.begin(),
                                                       plan_.names_.begin() + available),
                              ", ") +
                         ")");
      }
      if (it->second < static_cast<int>(plan_.base_.size()) &&
          plan_.base_[it->second].categorical) {
        continue;
      }
      if (seen.insert(it->second).second) out.push_back(it->second);
    }
    return out;
  }

  // Adds the feature `prefix` + the name of each of `features`.
  void AddNamed(const std::vector<int>& features, const std::string& prefix,
                const std::string& key) {
    for (int i : features) {
      std::string name = prefix + plan_.names_[i];
      if (index_of_.count(name)) {
        config_.Fail("DataPreparation", key, "feature '" + name + "' already exists");
      }
      index_of_[name] = static_cast<int>(plan_.names_.size());
      plan_.names_.push_back(name);
    }
  }

  // inverse: of numeric base features.
  void AddInverses() {
    plan_.inverse_ = Expand(config_.inverse, "inverse", plan_.base_.size());
    AddNamed(plan_.inverse_, "inverse_", "inverse");
  }

  // log: of base and inverse features.
  void AddLogs() {
    plan_.log_ = Expand(config_.log, "log", plan_.names_.size());
    AddNamed(plan_.log_, "log_", "log");
  }

  // The selected products, exactly as listed (aMLLibrary's Product step with selected_products).
  void AddSelectedProducts() {
    std::vector<std::string> known(plan_.names_);
    for (const std::vector<std::string>& factors : config_.selected_products) {
      std::string name = Join(factors, "__");
      std::string product = "'" + Join(factors, " ") + "'";
      std::vector<int> indices;
      std::set<std::string> classes;
      for (const std::string& factor : factors) {
        auto it = index_of_.find(factor);
        if (it == index_of_.end() || it->second >= static_cast<int>(known.size())) {
          if (categorical_columns_.count(factor)) {
            config_.Fail("DataPreparation", "selected_products",
                         "in " + product + ": column '" + factor +
                             "' holds text; multiply its one-hot features " + factor +
                             "_class_<value> instead");
          }
          config_.Fail("DataPreparation", "selected_products",
                       "in " + product + ": '" + factor +
                           "' is not a feature (features: " + Join(known, ", ") + ")");
        }
        indices.push_back(it->second);
        if (factor.rfind("inverse_", 0) == 0 &&
            std::find(factors.begin(), factors.end(), factor.substr(8)) != factors.end()) {
          config_.Fail("DataPreparation", "selected_products",
                       product + " multiplies a feature by its own inverse (always 1)");
        }
        const Base* base =
            it->second < static_cast<int>(plan_.base_.size()) ? &plan_.base_[it->second] : nullptr;
        if (base && base->categorical && !classes.insert(base->column).second) {
          config_.Fail("DataPreparation", "selected_products",
                       product + " multiplies two one-hot features of column '" + base->column +
                           "' (always 0, or the feature itself)");
        }
      }
      if (index_of_.count(name)) {
        config_.Fail("DataPreparation", "selected_products",
                     "feature '" + name + "' already exists (is " + product + " listed twice?)");
      }
      index_of_[name] = static_cast<int>(plan_.names_.size());
      plan_.products_.push_back(indices);
      plan_.names_.push_back(name);
    }
  }

  // Products of up to product_max_degree features, by degree, each combination of the sorted
  // names once.
  void AddProducts() {
    int degree_max = config_.product_max_degree;
    if (degree_max < 0) degree_max = static_cast<int>(plan_.names_.size());
    if (degree_max < 2) return;
    sorted_ = plan_.names_;
    std::sort(sorted_.begin(), sorted_.end());
    for (int degree = 2; degree <= degree_max; ++degree) AddProductsFrom(0, degree);
    for (size_t i = 0; i < plan_.names_.size(); ++i) {
      index_of_[plan_.names_[i]] = static_cast<int>(i);
    }
  }

  // Extends combination_ by `remaining` more indices into sorted_, from `from` on.
  void AddProductsFrom(size_t from, int remaining) {
    if (remaining == 0) {
      AddProduct();
      return;
    }
    for (size_t i = from; i < sorted_.size(); ++i) {
      combination_.push_back(static_cast<int>(i));
      AddProductsFrom(i, remaining - 1);
      combination_.pop_back();
    }
  }

  // Adds the product of combination_ unless it is useless.
  void AddProduct() {
    std::vector<std::string> parts;
    for (int i : combination_) parts.push_back(sorted_[i]);
    for (const std::string& p : parts) {  // never x * inverse_x
      if (p.rfind("inverse_", 0) == 0 &&
          std::find(parts.begin(), parts.end(), p.substr(8)) != parts.end()) {
        return;
      }
    }
    std::set<std::string> classes;  // never two classes of one one-hot column
    for (int i : combination_) {
      int idx = index_of_[sorted_[i]];
      if (idx < static_cast<int>(plan_.base_.size()) && plan_.base_[idx].categorical &&
          !classes.insert(plan_.base_[idx].column).second) {
        return;
      }
    }
    if (config_.product_interactions_only) {
      std::set<int> distinct(combination_.begin(), combination_.end());
      if (distinct.size() != combination_.size()) return;
    }
    std::string name = Join(parts, "__");
    if (index_of_.count(name)) return;
    std::vector<int> factors;
    for (const std::string& p : parts) factors.push_back(index_of_[p]);
    plan_.products_.push_back(factors);
    plan_.names_.push_back(name);
  }

  const TrainConfig& config_;
  const CsvTable& table_;
  FeaturePlan plan_;
  std::vector<std::string> x_;                 // the x columns
  std::set<std::string> categorical_columns_;  // those holding text
  std::map<std::string, int> index_of_;        // feature name -> index in plan_.names_
  std::vector<std::string> sorted_;            // AddProducts: the names, sorted
  std::vector<int> combination_;               // AddProducts: indices into sorted_
};

FeaturePlan FeaturePlan::Fit(const TrainConfig& config, const CsvTable& table) {
  RequireColumn(config, table, "General", "y", config.y, true);
  if (config.ernest) return FitErnest(config, table);
  return Fitter(config, table).Fit();
}

FeaturePlan FeaturePlan::FitErnest(const TrainConfig& config, const CsvTable& table) {
  FeaturePlan plan;
  plan.renames_ = config.rename_columns;
  plan.ernest_ = true;
  for (const char* name : {"datasize", "cores"}) {
    if (table.Find(name) < 0) {
      config.Fail("DataPreparation", "ernest",
                  std::string("Ernest's features need a column '") + name +
                      "' (rename one with "
                      "rename_columns); " +
                      table.path + " has " + ColumnList(table));
    }
    RequireColumn(config, table, "DataPreparation", "ernest", name, true);
    if (config.y == name) {
      config.Fail("DataPreparation", "ernest",
                  std::string("'") + name + "' is the target y, not a feature");
    }
    plan.base_.push_back(Base{name, false, {}});
  }
  plan.names_ = {"datasize_over_cores", "log_cores", "square_datasize_over_cores",
                 "squared_datasize_over_cores"};
  return plan;
}

Eigen::MatrixXd FeaturePlan::BuildErnest(const CsvTable& table) const {
  const size_t rows = table.rows();
  std::vector<const CsvColumn*> columns;
  for (const Base& base : base_) {
    int index = table.Find(base.column);
    if (index < 0 || !table.columns[index].numeric) {
      throw InputError(SourceLocation{table.path, 1},
                       "column '" + base.column + "' (" +
                           (index < 0 ? "needed for Ernest's features) is not in the file"
                                      : "needed for Ernest's features) must hold numbers"));
    }
    columns.push_back(&table.columns[index]);
  }
  Eigen::MatrixXd x(rows, 4);
  for (size_t r = 0; r < rows; ++r) {
    double datasize = columns[0]->numbers[r];
    double cores = columns[1]->numbers[r];
    if (!(cores > 0) || !(datasize >= 0)) {
      throw InputError(table.RowWhere(r),
                       "Ernest's features need cores > 0 and datasize >= 0, "
                       "found cores = " +
                           std::to_string(cores) + ", datasize = " + std::to_string(datasize));
    }
    // As numpy computes them in data_preparation/ernest.py.
    double over = datasize / cores;
    x(r, 0) = over;
    x(r, 1) = std::log(cores);
    x(r, 2) = std::sqrt(over);
    x(r, 3) = std::sqrt(datasize) / cores;
  }
  return x;
}

Eigen::MatrixXd FeaturePlan::Build(const CsvTable& table) const {
  if (ernest_) return BuildErnest(table);
  const size_t rows = table.rows();
  Eigen::MatrixXd x(rows, names_.size());
  // Base features.
  for (size_t f = 0; f < base_.size(); ++f) {
    const Base& base = base_[f];
    int index = table.Find(base.column);
    if (index < 0) {
      throw InputError(SourceLocation{table.path, 1},
                       "column '" + base.column + "' (a feature of the model) is not in the file");
    }
    const CsvColumn& column = table.columns[index];
    if (base.categorical) {
      if (column.numeric) {
        throw InputError(
            SourceLocation{table.path, 1},
            "column '" + base.column + "' must hold text (the model one-hot encodes it)");
      }
      for (size_t r = 0; r < rows; ++r) x(r, f) = column.strings[r] == base.category ? 1.0 : 0.0;
    } else {
      if (!column.numeric) {
        throw InputError(SourceLocation{table.path, 1},
                         "column '" + base.column + "' must hold numbers");
      }
      for (size_t r = 0; r < rows; ++r) x(r, f) = column.numbers[r];
    }
  }
  // A text value never seen when fitting fits no one-hot feature.
  std::map<std::string, std::set<std::string>> categories;
  for (const Base& base : base_) {
    if (base.categorical) categories[base.column].insert(base.category);
  }
  for (const auto& [name, known] : categories) {
    const CsvColumn& column = table.columns[table.Find(name)];
    for (size_t r = 0; r < rows; ++r) {
      if (!known.count(column.strings[r])) {
        throw InputError(table.RowWhere(r), "value '" + column.strings[r] + "' of column '" + name +
                                                "' was not seen when the model was trained");
      }
    }
  }
  size_t f = base_.size();
  for (int i : inverse_) {
    x.col(f++) = x.col(i).cwiseInverse();
  }
  for (int i : log_) {
    for (size_t r = 0; r < rows; ++r) {
      if (!(x(r, i) > 0)) {
        throw InputError(table.RowWhere(r), "cannot take log of " + names_[i] + " = " +
                                                std::to_string(x(r, i)) + " (must be > 0)");
      }
    }
    x.col(f++) = x.col(i).array().log();
  }
  for (const std::vector<int>& factors : products_) {
    Eigen::VectorXd product = x.col(factors[0]);
    for (size_t k = 1; k < factors.size(); ++k) product.array() *= x.col(factors[k]).array();
    x.col(f++) = product;
  }
  // aMLLibrary's data check: no NaN or infinity anywhere.
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < names_.size(); ++c) {
      if (!std::isfinite(x(r, c))) {
        throw InputError(table.RowWhere(r), "feature " + names_[c] + " is " +
                                                std::to_string(x(r, c)) +
                                                " (empty field, or 1/0): every feature must be "
                                                "finite");
      }
    }
  }
  return x;
}

Eigen::VectorXd TargetColumn(const CsvTable& table, const std::string& y,
                             const TrainConfig* config) {
  int index = table.Find(y);
  if (index < 0) {
    std::string message = "column '" + y + "' is not in " + table.path;
    if (config) config->Fail("General", "y", message + " (columns: " + ColumnList(table) + ")");
    throw InputError(SourceLocation{table.path, 1}, message);
  }
  const CsvColumn& column = table.columns[index];
  if (!column.numeric) {
    std::string message = "the target column '" + y + "' must hold numbers";
    if (config) config->Fail("General", "y", message);
    throw InputError(SourceLocation{table.path, 1}, message);
  }
  Eigen::VectorXd out(table.rows());
  for (size_t r = 0; r < table.rows(); ++r) {
    if (!std::isfinite(column.numbers[r])) {
      throw InputError(table.RowWhere(r), "the target " + y + " is missing or not finite");
    }
    out(r) = column.numbers[r];
  }
  return out;
}

std::vector<std::string> FeaturePlan::InputColumns() const {
  std::vector<std::string> columns;
  for (const Base& base : base_) {
    std::string name = base.column;
    for (const auto& [from, to] : renames_) {
      if (to == base.column) name = from;
    }
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  }
  return columns;
}

std::map<std::string, std::pair<double, double>> FeaturePlan::InputRanges(
    const CsvTable& table) const {
  std::map<std::string, std::pair<double, double>> ranges;
  for (const std::string& name : InputColumns()) {
    std::string renamed = name;
    for (const auto& [from, to] : renames_) {
      if (from == name) renamed = to;
    }
    int index = table.Find(renamed);
    if (index < 0 || !table.columns[index].numeric || table.rows() == 0) continue;
    const std::vector<double>& numbers = table.columns[index].numbers;
    auto [low, high] = std::minmax_element(numbers.begin(), numbers.end());
    ranges[name] = {*low, *high};
  }
  return ranges;
}

nlohmann::json FeaturePlan::ToJson() const {
  nlohmann::json json;
  json["renames"] = nlohmann::json::array();
  for (const auto& [from, to] : renames_) json["renames"].push_back({from, to});
  json["base"] = nlohmann::json::array();
  for (const Base& base : base_) {
    nlohmann::json b = {{"column", base.column}};
    if (base.categorical) b["category"] = base.category;
    json["base"].push_back(b);
  }
  json["inverse"] = inverse_;
  json["log"] = log_;
  json["products"] = products_;
  if (ernest_) json["ernest"] = true;
  json["names"] = names_;
  return json;
}

FeaturePlan FeaturePlan::FromJson(const nlohmann::json& json, const SourceLocation& where) {
  FeaturePlan plan;
  try {
    for (const auto& pair : json.at("renames")) {
      plan.renames_.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    for (const auto& b : json.at("base")) {
      Base base{b.at("column").get<std::string>(), b.contains("category"), {}};
      if (base.categorical) base.category = b.at("category").get<std::string>();
      plan.base_.push_back(base);
    }
    plan.inverse_ = json.at("inverse").get<std::vector<int>>();
    plan.log_ = json.at("log").get<std::vector<int>>();
    plan.products_ = json.at("products").get<std::vector<std::vector<int>>>();
    plan.ernest_ = json.value("ernest", false);
    plan.names_ = json.at("names").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("not a feature plan: ") + e.what());
  }
  if (plan.ernest_) {
    bool ok = plan.base_.size() == 2 && !plan.base_[0].categorical && !plan.base_[1].categorical &&
              plan.inverse_.empty() && plan.log_.empty() && plan.products_.empty() &&
              plan.names_.size() == 4;
    if (!ok) throw InputError(where, "not a feature plan: inconsistent Ernest features");
    return plan;
  }
  // Every index must point at an earlier feature.
  int n = static_cast<int>(plan.names_.size());
  size_t expected =
      plan.base_.size() + plan.inverse_.size() + plan.log_.size() + plan.products_.size();
  bool ok = expected == plan.names_.size();
  int limit = static_cast<int>(plan.base_.size());
  for (int i : plan.inverse_) ok = ok && i >= 0 && i < limit;
  limit += static_cast<int>(plan.inverse_.size());
  for (int i : plan.log_) ok = ok && i >= 0 && i < limit;
  limit += static_cast<int>(plan.log_.size());
  for (const auto& factors : plan.products_) {
    ok = ok && !factors.empty();
    for (int i : factors) ok = ok && i >= 0 && i < limit && i < n;
  }
  if (!ok) throw InputError(where, "not a feature plan: inconsistent feature indices");
  return plan;
}

}  // namespace twinprof::model
