#include "model/regressors/xgboost_model_check.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

namespace twinprof::model::regressors {

namespace {

[[noreturn]] void Bad(const std::string& what) {
  throw std::invalid_argument("XGBoost model: " + what);
}

// XGBoost writes its parameters as decimal strings ("num_feature": "2").
long IntegerParameter(const nlohmann::json& object, const char* key, const std::string& where) {
  const nlohmann::json& value = object.at(key);
  if (value.is_number_integer()) return value.get<long>();
  const std::string text = value.get<std::string>();
  size_t used = 0;
  long parsed = 0;
  try {
    parsed = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) Bad(where + " " + key + " is not an integer: " + text);
  return parsed;
}

// The node array `key` of a tree, which must have one entry per node.
std::vector<double> NodeArray(const nlohmann::json& tree, const char* key, size_t nodes,
                              const std::string& where) {
  std::vector<double> values = tree.at(key).get<std::vector<double>>();
  if (values.size() != nodes) {
    Bad(where + " has " + std::to_string(values.size()) + " " + key + " for " +
        std::to_string(nodes) + " nodes");
  }
  return values;
}

void CheckTree(const nlohmann::json& tree, long features, const std::string& where) {
  const long nodes = IntegerParameter(tree.at("tree_param"), "num_nodes", where);
  if (nodes < 1) Bad(where + " has no nodes");
  const size_t n = static_cast<size_t>(nodes);
  const std::vector<double> left = NodeArray(tree, "left_children", n, where);
  const std::vector<double> right = NodeArray(tree, "right_children", n, where);
  const std::vector<double> feature = NodeArray(tree, "split_indices", n, where);
  const std::vector<double> condition = NodeArray(tree, "split_conditions", n, where);
  NodeArray(tree, "default_left", n, where);
  NodeArray(tree, "parents", n, where);
  NodeArray(tree, "base_weights", n, where);
  std::vector<double> split_type(n, 0.0);
  if (tree.contains("split_type")) split_type = NodeArray(tree, "split_type", n, where);

  // A walk from the root that visits each node once: no cycle, no shared child, no index outside
  // the arrays, whatever order XGBoost numbered the nodes in.
  std::vector<char> seen(n, 0);
  std::vector<size_t> pending = {0};
  seen[0] = 1;
  while (!pending.empty()) {
    const size_t node = pending.back();
    pending.pop_back();
    const std::string at = where + " node " + std::to_string(node);
    if (!std::isfinite(condition[node])) Bad(at + " has a split condition that is not finite");
    if (left[node] == -1 && right[node] == -1) continue;  // a leaf
    if (split_type[node] != 0) Bad(at + " is a categorical split");
    if (feature[node] < 0 || feature[node] >= static_cast<double>(features) ||
        feature[node] != std::floor(feature[node])) {
      Bad(at + " splits on feature " + std::to_string(feature[node]) + " of " +
          std::to_string(features));
    }
    for (double child : {left[node], right[node]}) {
      if (child < 0 || child >= static_cast<double>(nodes) || child != std::floor(child)) {
        Bad(at + " has child " + std::to_string(child) + " outside its " + std::to_string(n) +
            " nodes");
      }
      const size_t c = static_cast<size_t>(child);
      if (seen[c]) Bad(at + " reaches node " + std::to_string(c) + " a second time");
      seen[c] = 1;
      pending.push_back(c);
    }
  }
}

}  // namespace

void CheckXgboostModel(const std::string& ubj, long features, long trees) {
  nlohmann::json model;
  try {
    // nlohmann's reader checks every length against the bytes that remain.
    model = nlohmann::json::from_ubjson(ubj);
  } catch (const nlohmann::json::exception& e) {
    Bad(std::string("not valid UBJSON: ") + e.what());
  }
  try {
    const nlohmann::json& learner = model.at("learner");
    const long num_feature =
        IntegerParameter(learner.at("learner_model_param"), "num_feature", "learner");
    if (num_feature != features) {
      Bad("fitted on " + std::to_string(num_feature) + " features, the model file says " +
          std::to_string(features));
    }
    const nlohmann::json& booster = learner.at("gradient_booster");
    if (booster.at("name").get<std::string>() != "gbtree") {
      Bad("booster " + booster.at("name").dump() + " is not gbtree");
    }
    const nlohmann::json& gbtree = booster.at("model");
    const nlohmann::json& all_trees = gbtree.at("trees");
    const long declared = IntegerParameter(gbtree.at("gbtree_model_param"), "num_trees", "model");
    if (!all_trees.is_array() || declared != static_cast<long>(all_trees.size()) ||
        gbtree.at("tree_info").size() != all_trees.size()) {
      Bad("num_trees, tree_info and trees disagree");
    }
    if (trees >= 0 && declared != trees) {
      Bad("holds " + std::to_string(declared) + " trees, the model file says " +
          std::to_string(trees));
    }
    for (size_t t = 0; t < all_trees.size(); ++t) {
      CheckTree(all_trees[t], features, "tree " + std::to_string(t));
    }
  } catch (const nlohmann::json::exception& e) {
    Bad(std::string("unexpected layout: ") + e.what());
  }
}

}  // namespace twinprof::model::regressors
