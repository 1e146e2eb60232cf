// The Bayesian optimiser (TPE) on synthetic objectives, and aMLLibrary's prior strings.
#include "model/search/tpe_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "model/search/hyperparameter_grid.h"

namespace twinprof::test {
namespace {

model::Prior Uniform(double low, double high, double q = 0) {
  model::Prior p;
  p.a = low;
  p.b = high;
  p.q = q;
  return p;
}

model::Prior LogUniform(double low, double high, double q = 0) {
  model::Prior p = Uniform(std::log(low), std::log(high), q);
  p.log = true;
  return p;
}

model::Prior Choice(size_t options) {
  model::Prior p;
  p.shape = model::Prior::Shape::kChoice;
  p.options = options;
  return p;
}

TEST(TpeSearchTest, StartupDrawsComeFromThePriors) {
  model::Prior normal;
  normal.shape = model::Prior::Shape::kNormal;
  normal.a = 5;
  normal.b = 2;
  std::vector<model::Prior> space = {Uniform(-1, 1),         Uniform(3, 6, 1), LogUniform(0.01, 1),
                                     LogUniform(1, 1000, 5), normal,           Choice(3)};
  model::TpeSearch search(space, model::TpeOptions{});
  for (int i = 0; i < 20; ++i) {
    std::vector<double> p = search.Suggest();
    ASSERT_EQ(p.size(), space.size());
    EXPECT_GE(p[0], -1);
    EXPECT_LT(p[0], 1);
    EXPECT_EQ(p[1], std::round(p[1]));
    EXPECT_GE(p[1], 3);
    EXPECT_LE(p[1], 6);
    EXPECT_GE(p[2], 0.01);
    EXPECT_LT(p[2], 1);
    EXPECT_EQ(std::fmod(p[3], 5), 0);
    EXPECT_LE(p[3], 1000);
    EXPECT_TRUE(std::isfinite(p[4]));
    EXPECT_TRUE(p[5] == 0 || p[5] == 1 || p[5] == 2);
    search.Tell(p, p[0] * p[0]);
  }
}

double LogQuadratic(const std::vector<double>& p) {
  double d = std::log10(p[0]) - std::log10(0.03);
  return d * d;
}

TEST(TpeSearchTest, SameSeedSameTrials) {
  model::TpeOptions options;
  options.max_evals = 40;
  options.seed = 11;
  model::TpeSummary a = model::TpeMinimize({LogUniform(1e-4, 100)}, LogQuadratic, options);
  model::TpeSummary b = model::TpeMinimize({LogUniform(1e-4, 100)}, LogQuadratic, options);
  ASSERT_EQ(a.trials.size(), 40u);
  for (size_t i = 0; i < a.trials.size(); ++i) EXPECT_EQ(a.trials[i].point, b.trials[i].point);
  options.seed = 12;
  model::TpeSummary c = model::TpeMinimize({LogUniform(1e-4, 100)}, LogQuadratic, options);
  EXPECT_NE(a.trials[0].point, c.trials[0].point);
}

// A 1-D quadratic in log space over six decades: after the 20 random start-up trials, TPE must
// close in on the optimum (0.03) for every seed, and much more closely than random search.
TEST(TpeSearchTest, FindsTheOptimumOfALogQuadratic) {
  double tpe_total = 0, random_total = 0;
  const int kSeeds = 20;
  for (int seed = 0; seed < kSeeds; ++seed) {
    model::TpeOptions options;
    options.max_evals = 60;
    options.seed = static_cast<uint64_t>(seed);
    model::TpeSummary tpe = model::TpeMinimize({LogUniform(1e-4, 100)}, LogQuadratic, options);
    model::TpeSummary random =
        model::RandomMinimize({LogUniform(1e-4, 100)}, LogQuadratic, options);
    double x = tpe.trials[tpe.best].point[0];
    EXPECT_NEAR(std::log10(x), std::log10(0.03), 0.1) << "seed " << seed << ": best " << x;
    tpe_total += std::sqrt(tpe.trials[tpe.best].loss);
    random_total += std::sqrt(random.trials[random.best].loss);
  }
  // Mean distance (in decades) to the optimum.
  std::printf("mean distance to the optimum over %d seeds: TPE %.4f decades, random %.4f\n", kSeeds,
              tpe_total / kSeeds, random_total / kSeeds);
  EXPECT_LT(tpe_total / kSeeds, 0.5 * random_total / kSeeds);
}

// Five dimensions of every kind, with a narrow valley in two log dimensions.
double Synthetic(const std::vector<double>& p) {
  double a = std::log10(p[0]) - std::log10(0.002);  // loguniform(1e-5, 10)
  double b = std::log10(p[1]) - std::log10(300.0);  // loguniform(1, 1e4)
  double c = (p[2] - 7) / 4;                        // quniform(1, 20, 1)
  double d = p[3] == 2 ? 0 : 1;                     // choice of 4
  double e = p[4] - 0.3;                            // uniform(0, 1)
  return a * a + b * b + c * c + d + e * e;
}

TEST(TpeSearchTest, BeatsRandomSearchOnTheSameBudget) {
  std::vector<model::Prior> space = {LogUniform(1e-5, 10), LogUniform(1, 1e4), Uniform(1, 20, 1),
                                     Choice(4), Uniform(0, 1)};
  const int kSeeds = 30;
  double tpe_total = 0, random_total = 0;
  int tpe_wins = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    model::TpeOptions options;
    options.max_evals = 80;
    options.seed = 1000 + static_cast<uint64_t>(seed);
    model::TpeSummary tpe = model::TpeMinimize(space, Synthetic, options);
    model::TpeSummary random = model::RandomMinimize(space, Synthetic, options);
    double t = tpe.trials[tpe.best].loss, r = random.trials[random.best].loss;
    tpe_total += t;
    random_total += r;
    tpe_wins += t < r;
  }
  double tpe_mean = tpe_total / kSeeds, random_mean = random_total / kSeeds;
  std::printf("mean best loss over %d seeds: TPE %.4f, random %.4f; TPE better for %d seeds\n",
              kSeeds, tpe_mean, random_mean, tpe_wins);
  EXPECT_LT(tpe_mean, 0.7 * random_mean);
  EXPECT_GT(tpe_wins, kSeeds * 2 / 3);
}

TEST(TpeSearchTest, FailedEvaluationsCountAsTheWorst) {
  model::TpeOptions options;
  options.max_evals = 50;
  // Fails (NaN or infinity) above 1, else the log quadratic.
  auto objective = [](const std::vector<double>& p) {
    if (p[0] > 1) return p[0] > 10 ? std::nan("") : HUGE_VAL;
    return LogQuadratic(p);
  };
  model::TpeSummary s = model::TpeMinimize({LogUniform(1e-4, 100)}, objective, options);
  ASSERT_GE(s.best, 0);
  EXPECT_LT(s.trials[s.best].loss, 0.1);
  for (const model::TpeTrial& t : s.trials) EXPECT_FALSE(std::isnan(t.loss));
}

TEST(TpeSearchTest, RejectsMalformedPriors) {
  EXPECT_THROW(model::TpeSearch({Uniform(1, 1)}, model::TpeOptions{}), std::invalid_argument);
  EXPECT_THROW(model::TpeSearch({Choice(0)}, model::TpeOptions{}), std::invalid_argument);
}

TEST(PriorTest, ParsesAmlLibraryPriorStrings) {
  std::optional<model::Prior> p = model::ParsePrior("loguniform(0.01,1)");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Kind(), "loguniform");
  EXPECT_TRUE(p->log);
  EXPECT_DOUBLE_EQ(p->a, std::log(0.01));
  EXPECT_DOUBLE_EQ(p->b, 0);
  EXPECT_EQ(p->ToString(), "loguniform(0.01, 1)");
  p = model::ParsePrior(" quniform( 3, 6, 1 ) ");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Kind(), "quniform");
  EXPECT_EQ(p->q, 1);
  EXPECT_EQ(model::PriorValue(*p, 4.0), nlohmann::json(4));
  EXPECT_TRUE(model::PriorValue(*p, 4.0).is_number_integer());
  EXPECT_EQ(model::PriorCheckValues(*p), (std::vector<nlohmann::json>{3, 6}));
  p = model::ParsePrior("qloguniform(1,1000,10)");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->q, 10);  // the quantum stays a value (aMLLibrary would take its log too)
  EXPECT_EQ(model::PriorCheckValues(*p), (std::vector<nlohmann::json>{0, 1000}));
  p = model::ParsePrior("lognormal(100, 0.5)");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->shape, model::Prior::Shape::kNormal);
  EXPECT_DOUBLE_EQ(p->a, std::log(100.0));
  EXPECT_DOUBLE_EQ(p->b, 0.5);
  EXPECT_EQ(model::ParsePrior("normal(0,1)")->Kind(), "normal");
  EXPECT_EQ(model::ParsePrior("qnormal(10,2,1)")->Kind(), "qnormal");
  EXPECT_EQ(model::ParsePrior("qlognormal(10,2,1)")->Kind(), "qlognormal");
  EXPECT_EQ(model::ParsePrior("uniform(-1,1)")->Kind(), "uniform");
  // Fixed values.
  EXPECT_FALSE(model::ParsePrior("auto"));
  EXPECT_FALSE(model::ParsePrior("squared_error"));
  EXPECT_FALSE(model::ParsePrior("(1,2)"));
}

TEST(PriorTest, RejectsBadPriors) {
  auto message = [](const std::string& text) {
    try {
      model::ParsePrior(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("logunifrom(0.1,1)").find("unknown prior kind 'logunifrom'"),
            std::string::npos);
  EXPECT_NE(message("uniform(2,1)").find("low must be < high"), std::string::npos);
  EXPECT_NE(message("uniform(1,1)").find("low must be < high"), std::string::npos);
  EXPECT_NE(message("loguniform(0,1)").find("must be > 0"), std::string::npos);
  EXPECT_NE(message("quniform(1,5)").find("takes 3 numbers"), std::string::npos);
  EXPECT_NE(message("quniform(1,5,0)").find("q must be > 0"), std::string::npos);
  EXPECT_NE(message("normal(1,-1)").find("sigma must be > 0"), std::string::npos);
  EXPECT_NE(message("uniform(a,1)").find("'a' is not a number"), std::string::npos);
  EXPECT_NE(message("uniform(1;2)").find("is not a number"), std::string::npos);
}

}  // namespace
}  // namespace twinprof::test
