// SVR: epsilon-support vector regression with libsvm (libsvm_model.h), as scikit-learn's SVR.
//
// Hyperparameters (scikit-learn's names and defaults): kernel ('rbf'; 'linear', 'poly',
// 'sigmoid'), C (1.0), epsilon (0.1), gamma ('scale' = 1 / (features * variance of x), 'auto' =
// 1 / features, or a number > 0), degree (3), coef0 (0.0), tol (1e-3), shrinking (True),
// cache_size (200 MB: memory for kernel values; the whole kernel matrix is computed up front
// when it fits, up to about 7200 training rows at 200 MB, 3600 without libsvm 3.24's direct
// solver, see libsvm_model.h), plus max_seconds
// (60; 0 = no limit): the wall-clock bound of one fit.
//
// Bounding a fit: libsvm 3.24 has no iteration or time limit (its solver only stops after
// max(10^7, 100 l) iterations, which on unscaled data can take many minutes). So, with
// max_seconds > 0, training runs in a forked child process (bounded_fork.h: one child per
// prepared problem, serving the fit and its reductions) that sends the model back; when the limit
// passes, the child is killed and the model falls back to predicting the mean of y, with a note
// saying so. Killing a process is the only sound way to stop libsvm mid-solve (a thread cannot be
// stopped safely). max_seconds = 0 trains in-process. The bound covers libsvm's solver: the
// training problem (the precomputed kernel matrix) is built in this process first, and the child
// reads it without copying it.
//
// Reductions (Regressor::CanReduceTo): a fit with the precomputed kernel keeps that matrix (about
// rows^2 x 4 bytes, until the regressor goes or is fitted again) and can become the fit at a
// point that differs only in C, epsilon, tol, shrinking or max_seconds (with gamma the same
// number once 'scale'/'auto' is resolved on the training data): ReduceTo() runs libsvm's solver
// again on the kept matrix, starting from the kept solution at the largest C no larger than the
// new one (libsvm_solver.h: a warm start, about 10-15% fewer iterations on the grid; from
// zero when there is none, which is then the fresh fit bit for bit). A warm-started reduction is
// a solution of the same problem to the same tolerance as the fresh fit, by another path: its
// predictions differ from the fresh fit's in the last digits the tolerance leaves open. A fit
// without the precomputed kernel (too many rows for cache_size) or a loaded model cannot be
// reduced.
#include <cmath>
#include <optional>
#include <stdexcept>

#include "core/error.h"
#include "model/regressors/bounded_fork.h"
#include "model/regressors/libsvm_model.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class Svr : public TechniqueRegressor {
 public:
  Svr(HyperparameterReader reader, uint64_t seed) : TechniqueRegressor(Read(reader), seed) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    worker_.reset();
    problem_.reset();
    const nlohmann::json& hp = hyperparameters();
    LibsvmParams params = Params(hp, ResolveGamma(hp.at("gamma"), x));
    if (std::string error = CheckLibsvmParams(params); !error.empty()) {
      throw InputError("SVR: libsvm rejects the hyperparameters: " + error);
    }
    // Built here, before any fork: a child trains on it without copying it.
    auto problem = std::make_unique<const LibsvmProblem>(params, x, y);
    y_mean_ = y.mean();
    model_ = Solve(*problem, params, hp, hp.at("max_seconds").get<double>());
    columns_ = x.cols();
    if (problem->precomputed()) {
      problem_ = std::move(problem);
    } else {
      worker_.reset();  // no reductions to serve
    }
  }

  bool CanReduceTo(const nlohmann::json& point) const override {
    if (model_ != nullptr && problem_ == nullptr) return false;
    std::optional<nlohmann::json> to = Filled(point);
    if (!to) return false;
    nlohmann::json from = hyperparameters();
    for (const char* key : {"C", "epsilon", "tol", "shrinking", "max_seconds"}) {
      from.erase(key);
      to->erase(key);
    }
    // Before a fit, 'scale' and 'auto' are not numbers yet: only the same gamma is sure to be.
    if (problem_ == nullptr) return from == *to;
    const double gamma = ResolveGamma(to->at("gamma"), problem_->x());
    from.erase("gamma");
    to->erase("gamma");
    return from == *to && gamma == model_->params().gamma;
  }

  void ReduceTo(const nlohmann::json& point) override {
    if (problem_ == nullptr || !CanReduceTo(point)) {
      throw std::logic_error("SVR: cannot be reduced to " + point.dump());
    }
    nlohmann::json to = *Filled(point);
    LibsvmParams params = Params(to, ResolveGamma(to.at("gamma"), problem_->x()));
    if (std::string error = CheckLibsvmParams(params); !error.empty()) {
      throw InputError("SVR: libsvm rejects the hyperparameters: " + error);
    }
    notes_.clear();
    model_ = Solve(*problem_, params, to, to.at("max_seconds").get<double>());
    set_hyperparameters(std::move(to));
  }

  void ReleaseFitData() override {
    worker_.reset();
    problem_.reset();
  }

  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const override {
    RequireFitted(model_ != nullptr);
    CheckPredictInput(x, columns_);
    return model_->Predict(x);
  }

  void LoadState(const nlohmann::json& state) override {
    try {
      columns_ = state.at("columns").get<Eigen::Index>();
      if (columns_ < 1) BadState("columns must be at least 1");
      Eigen::MatrixXd sv = MatrixFromJson(state.at("support_vectors"));
      if (sv.rows() == 0) sv.resize(0, columns_);
      if (sv.cols() != columns_) BadState("support vectors and columns disagree");
      const double gamma = state.at("gamma").get<double>();
      Eigen::VectorXd coef = VectorFromJson(state.at("coef"));
      const double rho = state.at("rho").get<double>();
      // A kernel with gamma <= 0 grows without bound (exp(+d²) for rbf): no fit gives one.
      if (!std::isfinite(gamma) || (hyperparameters().at("kernel") != "linear" && gamma <= 0)) {
        BadState("gamma must be finite, and positive for the " +
                 hyperparameters().at("kernel").get<std::string>() + " kernel");
      }
      if (!sv.allFinite() || !coef.allFinite() || !std::isfinite(rho)) {
        BadState("support vectors, coef and rho must be finite");
      }
      worker_.reset();
      problem_.reset();
      model_ = std::make_unique<LibsvmModel>(Params(hyperparameters(), gamma), std::move(sv),
                                             std::move(coef), rho);
    } catch (const nlohmann::json::exception& e) {
      BadState(std::string("expected {\"gamma\", \"columns\", \"support_vectors\", \"coef\", "
                           "\"rho\"}: ") +
               e.what());
    }
  }

 protected:
  nlohmann::json SaveState() const override {
    RequireFitted(model_ != nullptr);
    return {{"gamma", model_->params().gamma},
            {"columns", columns_},
            {"support_vectors", MatrixToJson(model_->support_vectors())},
            {"coef", VectorToJson(model_->coef())},
            {"rho", model_->rho()}};
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    reader.Choice("kernel", "rbf", {"linear", "rbf", "poly", "sigmoid"});
    if (reader.Number("C", 1.0, 0.0) == 0.0) reader.Fail("C", "must be a number > 0");
    reader.Number("epsilon", 0.1, 0.0);
    nlohmann::json gamma = reader.Raw("gamma", "scale");
    if (!(gamma == "scale" || gamma == "auto" ||
          (gamma.is_number() && gamma.get<double>() > 0.0 && std::isfinite(gamma.get<double>())))) {
      reader.Fail("gamma", "must be 'scale', 'auto' or a number > 0");
    }
    reader.Integer("degree", 3, 0, 1000);
    reader.Number("coef0", 0.0);
    if (reader.Number("tol", 1e-3, 0.0) == 0.0) reader.Fail("tol", "must be a number > 0");
    reader.Bool("shrinking", true);
    if (reader.Number("cache_size", 200.0, 0.0) == 0.0) {
      reader.Fail("cache_size", "must be a number > 0");
    }
    reader.Number("max_seconds", 60.0, 0.0);
    return reader;
  }

  // The hyperparameters a regressor made for `point` would use (defaults filled in), or
  // nullopt when `point` is not a valid SVR point.
  std::optional<nlohmann::json> Filled(const nlohmann::json& point) const {
    try {
      return Svr(HyperparameterReader("SVR", point), seed()).hyperparameters();
    } catch (const InputError&) {
      return std::nullopt;
    }
  }

  // Trains on `problem` at hyperparameters `hp` (libsvm's solver, with `params` = Params(hp,
  // gamma)): in this process when limit = 0, else in worker_'s child process, bounded by `limit`
  // seconds. The child, forked at the first training of a problem, serves its reductions too
  // (bounded_fork.h says why). A cut training gives the model that predicts the mean of y, with a
  // note.
  std::unique_ptr<LibsvmModel> Solve(const LibsvmProblem& problem, const LibsvmParams& params,
                                     const nlohmann::json& hp, double limit) {
    if (limit <= 0.0) return LibsvmModel::FromBytes(params, problem.Train(params));
    if (worker_ == nullptr) {
      // The child reads the problem as it was at the fork; requests name the point to train at.
      const LibsvmProblem* served = &problem;
      worker_ = std::make_unique<BoundedWorker>(
          [served](const std::string& request) {
            const nlohmann::json point = nlohmann::json::parse(request);
            return served->Train(Params(point.at("hp"), point.at("gamma").get<double>()));
          },
          "SVR");
    }
    const nlohmann::json request = {{"hp", hp}, {"gamma", params.gamma}};
    BoundedRun run = worker_->Run(request.dump(), limit);
    if (run.result) return LibsvmModel::FromBytes(params, *run.result);
    notes_.push_back("SVR: libsvm training cut after " + nlohmann::json(limit).dump() +
                     " s (max_seconds); the model predicts the mean of y");
    // No support vectors: f(x) = -rho = mean(y).
    return std::make_unique<LibsvmModel>(params, Eigen::MatrixXd(0, problem.x().cols()),
                                         Eigen::VectorXd(0), -y_mean_);
  }

  // gamma as a number for training data `x` (scikit-learn's rules for 'scale' and 'auto').
  static double ResolveGamma(const nlohmann::json& gamma, const Eigen::MatrixXd& x) {
    if (gamma.is_number()) return gamma.get<double>();
    const double features = static_cast<double>(std::max<Eigen::Index>(1, x.cols()));
    if (gamma == "auto") return 1.0 / features;
    const double mean = x.mean();
    const double variance = (x.array() - mean).square().mean();
    return variance != 0.0 ? 1.0 / (features * variance) : 1.0;
  }

  static LibsvmParams Params(const nlohmann::json& hp, double gamma) {
    LibsvmParams p;
    p.kernel = hp.at("kernel").get<std::string>();
    p.c = hp.at("C").get<double>();
    p.epsilon = hp.at("epsilon").get<double>();
    p.gamma = gamma;
    p.degree = hp.at("degree").get<int>();
    p.coef0 = hp.at("coef0").get<double>();
    p.tol = hp.at("tol").get<double>();
    p.shrinking = hp.at("shrinking").get<bool>();
    p.cache_mb = hp.at("cache_size").get<double>();
    return p;
  }

  std::unique_ptr<LibsvmModel> model_;
  Eigen::Index columns_ = -1;
  // Kept after a fit with a precomputed kernel, for ReduceTo(); released with the regressor.
  std::unique_ptr<const LibsvmProblem> problem_;
  // The child process that trains on problem_ (max_seconds > 0). Declared after problem_, so
  // it goes first.
  std::unique_ptr<BoundedWorker> worker_;
  double y_mean_ = 0.0;
};
}  // namespace

std::unique_ptr<TechniqueRegressor> MakeSvr(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Svr>(HyperparameterReader("SVR", hp), seed);
}

}  // namespace twinprof::model::regressors
