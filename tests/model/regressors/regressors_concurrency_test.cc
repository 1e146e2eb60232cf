// The pipeline fits many regressors at once on its own threads: every technique must give the same
// predictions on a thread, next to other fits, as alone (and SVR's forked training must work from
// several threads at once).
#include <gtest/gtest.h>

#include <thread>

#include "model/regressor.h"
#include "regressors_test_util.h"

namespace twinprof::test {
namespace {

// SVR trains in a forked child (max_seconds > 0). GCC 12's AddressSanitizer installs no fork
// handlers for its allocator: a child forked while another thread holds the allocator's lock
// waits on it forever, and the parent cuts the fit at max_seconds (seen in build-asan: a gdb
// backtrace of the child stuck in SizeClassAllocator64::GetFromAllocator). glibc's malloc is
// fork-safe, so only sanitizer builds train SVR in-process here.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSvrMaxSeconds = 0;
#else
constexpr double kSvrMaxSeconds = 60;
#endif

TEST(RegressorConcurrencyTest, ParallelFitsMatchSequentialFits) {
  Eigen::MatrixXd x = RandomMatrix(150, 3, 1);
  Eigen::VectorXd y = 10.0 + (x * Eigen::Vector3d(1, 2, 3)).array().square();
  const std::vector<std::pair<std::string, nlohmann::json>> points = {
      {"LRRidge", {{"alpha", 0.1}}},
      {"Lasso", {{"alpha", 0.01}}},
      {"NNLS", {}},
      {"Stepwise", {}},
      {"DecisionTree", {{"max_depth", 4}}},
      {"RandomForest", {{"n_estimators", 10}, {"max_features", "sqrt"}}},
      {"XGBoost", {{"n_estimators", 20}}},
      {"SVR", {{"C", 10}, {"max_seconds", kSvrMaxSeconds}}},
      {"SVR", {{"C", 1}, {"kernel", "poly"}, {"degree", 2}, {"max_seconds", kSvrMaxSeconds}}},
      {"XGBoost", {{"n_estimators", 20}, {"subsample", 0.5}}},
  };
  std::vector<Eigen::VectorXd> alone;
  for (const auto& [technique, hp] : points) {
    auto r = model::MakeRegressor(technique, hp, 11);
    r->Fit(x, y);
    alone.push_back(r->Predict(x));
  }
  std::vector<Eigen::VectorXd> together(points.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < points.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = model::MakeRegressor(points[i].first, points[i].second, 11);
      r->Fit(x, y);
      together[i] = r->Predict(x);
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(together[i], alone[i]) << points[i].first << " " << points[i].second.dump();
  }
}

}  // namespace
}  // namespace twinprof::test
