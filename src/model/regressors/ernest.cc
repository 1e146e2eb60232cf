// Ernest: the performance model of Venkataraman et al., "Ernest: Efficient Performance Prediction
// for Large-Scale Advanced Analytics" (NSDI 2016):
//   time = θ0 + θ1 · scale / machines + θ2 · log(machines) + θ3 · machines,  every θ >= 0,
// fitted by non-negative least squares (nnls_solver.h) on those four terms, no separate
// intercept. `machines` and `scale` are two columns of x (the data size or input fraction as
// scale, the number of machines/cores/parallel workers as machines); the other columns are not
// used. Ernest's own data files list machines first, then scale, hence the defaults.
//
// Hyperparameters: machines_column (0), scale_column (1): column indices into x (the pipeline
// resolves column names to indices).
#include <cmath>

#include "core/error.h"
#include "model/regressors/linear_model.h"
#include "model/regressors/nnls_solver.h"
#include "model/regressors/techniques.h"

namespace twinprof::model::regressors {

namespace {

class Ernest : public TechniqueRegressor {
 public:
  Ernest(HyperparameterReader reader, uint64_t seed)
      : TechniqueRegressor(Read(reader), seed),
        machines_(hyperparameters().at("machines_column").get<Eigen::Index>()),
        scale_(hyperparameters().at("scale_column").get<Eigen::Index>()) {}

  void Fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) override {
    CheckFitInput(x, y);
    notes_.clear();
    NnlsResult solved = SolveNnls(Features(x), y);
    if (!solved.converged) {
      notes_.push_back("Ernest: NNLS stopped after " + std::to_string(solved.iterations) +
                       " Lawson-Hanson iterations before optimality");
    }
    theta_ = solved.x;
    columns_ = x.cols();
  }

  Eigen::VectorXd Predict(const Eigen::MatrixXd& x) const override {
    RequireFitted(theta_.size() == 4);
    CheckPredictInput(x, columns_);
    return Features(x) * theta_;
  }

  void LoadState(const nlohmann::json& state) override {
    try {
      theta_ = VectorFromJson(state.at("theta"));
      columns_ = state.at("columns").get<Eigen::Index>();
    } catch (const nlohmann::json::exception& e) {
      BadState(std::string("expected {\"theta\": [4 numbers], \"columns\": n}: ") + e.what());
    }
    if (theta_.size() != 4) BadState("\"theta\" must hold 4 numbers");
  }

 protected:
  nlohmann::json SaveState() const override {
    RequireFitted(theta_.size() == 4);
    return {{"theta", VectorToJson(theta_)}, {"columns", columns_}};
  }

 private:
  static HyperparameterReader& Read(HyperparameterReader& reader) {
    int64_t machines = reader.Integer("machines_column", 0, 0);
    int64_t scale = reader.Integer("scale_column", 1, 0);
    if (machines == scale) reader.Fail("scale_column", "must differ from machines_column");
    return reader;
  }

  // Rows of [1, scale/machines, log(machines), machines]. Throws InputError when a column is
  // missing or machines is not positive.
  Eigen::MatrixXd Features(const Eigen::MatrixXd& x) const {
    if (std::max(machines_, scale_) >= x.cols()) {
      throw InputError("Ernest: machines_column " + std::to_string(machines_) +
                       " and scale_column " + std::to_string(scale_) + " need " +
                       std::to_string(std::max(machines_, scale_) + 1) + " features, got " +
                       std::to_string(x.cols()));
    }
    Eigen::MatrixXd f(x.rows(), 4);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double m = x(i, machines_);
      if (!(m > 0.0)) {
        throw InputError("Ernest: machines (column " + std::to_string(machines_) +
                         ") must be positive, got " + std::to_string(m) + " in row " +
                         std::to_string(i + 1));
      }
      f(i, 0) = 1.0;
      f(i, 1) = x(i, scale_) / m;
      f(i, 2) = std::log(m);
      f(i, 3) = m;
    }
    return f;
  }

  Eigen::Index machines_;
  Eigen::Index scale_;
  Eigen::VectorXd theta_;
  Eigen::Index columns_ = -1;
};

}  // namespace

std::unique_ptr<TechniqueRegressor> MakeErnest(const nlohmann::json& hp, uint64_t seed) {
  return std::make_unique<Ernest>(HyperparameterReader("Ernest", hp), seed);
}

}  // namespace twinprof::model::regressors
