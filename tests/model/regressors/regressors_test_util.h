// Helpers shared by the regressors_*_test.cc suites.
#pragma once

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/error.h"
#include "model/regressor.h"

namespace twinprof::test {

// Saves `r`, writes the JSON as text, parses it back and loads it: what a model file goes through.
inline std::unique_ptr<model::Regressor> RoundTrip(const model::Regressor& r) {
  std::string text = r.Save().dump();
  return model::LoadRegressor(nlohmann::json::parse(text));
}

// Predictions of `r` and of its reloaded copy must be bit-identical.
inline void ExpectReloadIdentical(const model::Regressor& r, const Eigen::MatrixXd& x) {
  std::unique_ptr<model::Regressor> copy = RoundTrip(r);
  EXPECT_EQ(copy->technique(), r.technique());
  Eigen::VectorXd a = r.Predict(x);
  Eigen::VectorXd b = copy->Predict(x);
  ASSERT_EQ(a.size(), b.size());
  for (Eigen::Index i = 0; i < a.size(); ++i) EXPECT_EQ(a(i), b(i)) << "row " << i;
  EXPECT_EQ(copy->notes(), r.notes());
  EXPECT_EQ(copy->SelectedFeatures(), r.SelectedFeatures());
}

// Uniform random features in [lo, hi), reproducible.
inline Eigen::MatrixXd RandomMatrix(Eigen::Index rows, Eigen::Index cols, unsigned seed,
                                    double lo = 0.0, double hi = 1.0) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (Eigen::Index c = 0; c < cols; ++c) m(r, c) = dist(gen);
  }
  return m;
}

// Expects MakeRegressor to throw an InputError whose message contains every part of `parts`.
inline void ExpectBadHyperparameters(const std::string& technique, const nlohmann::json& hp,
                                     const std::vector<std::string>& parts) {
  try {
    model::MakeRegressor(technique, hp, 1);
    ADD_FAILURE() << technique << " accepted " << hp.dump();
  } catch (const InputError& e) {
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << e.what() << "' lacks '" << part << "'";
    }
  }
}

}  // namespace twinprof::test
