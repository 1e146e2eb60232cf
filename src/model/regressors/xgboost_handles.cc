#include "model/regressors/xgboost_handles.h"

#include <omp.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace twinprof::model::regressors {

namespace {

void Check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("XGBoost: ") + what + ": " + XGBGetLastError());
}

DMatrixHandle MakeMatrix(const Eigen::MatrixXd& x) {
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> data = x.cast<float>();
  DMatrixHandle handle = nullptr;
  Check(XGDMatrixCreateFromMat(data.data(), static_cast<bst_ulong>(data.rows()),
                               static_cast<bst_ulong>(data.cols()),
                               std::numeric_limits<float>::quiet_NaN(), &handle),
        "creating a data matrix");
  return handle;
}

// Every booster trains with nthread = 1, but XGBoost loads a model's trees (Unserialize,
// LoadModel) with the calling thread's OpenMP default team (all cores). Its idle member then spins
// after each load, taking a core from the trainer's other threads. twinprof parallelises across
// fits instead, so XGBoost's calls run with a team of one: this sets the calling thread's OpenMP
// default (a per-thread setting; twinprof makes no other use of OpenMP).
void OneOpenMpThread() { omp_set_num_threads(1); }

}  // namespace

XgbDMatrix::XgbDMatrix(const Eigen::MatrixXd& x) : handle_(MakeMatrix(x)) {}

XgbDMatrix::XgbDMatrix(const Eigen::MatrixXd& x, const Eigen::VectorXd& y)
    : handle_(MakeMatrix(x)) {
  Eigen::VectorXf labels = y.cast<float>();
  int rc =
      XGDMatrixSetFloatInfo(handle_, "label", labels.data(), static_cast<bst_ulong>(labels.size()));
  if (rc != 0) {
    XGDMatrixFree(handle_);
    Check(rc, "setting labels");
  }
}

XgbDMatrix::XgbDMatrix(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                       const Eigen::VectorXd& weights)
    : XgbDMatrix(x, y) {
  Eigen::VectorXf w = weights.cast<float>();
  Check(XGDMatrixSetFloatInfo(handle_, "weight", w.data(), static_cast<bst_ulong>(w.size())),
        "setting weights");
}

XgbDMatrix::XgbDMatrix(XgbDMatrix&& other) noexcept : handle_(other.handle_) {
  other.handle_ = nullptr;
}

XgbDMatrix XgbDMatrix::Slice(const std::vector<int>& rows) const {
  DMatrixHandle out = nullptr;
  Check(XGDMatrixSliceDMatrix(handle_, rows.data(), static_cast<bst_ulong>(rows.size()), &out),
        "slicing a data matrix");
  return XgbDMatrix(out);
}

XgbDMatrix::~XgbDMatrix() {
  if (handle_) XGDMatrixFree(handle_);
}

XgbBooster::XgbBooster() {
  OneOpenMpThread();
  Check(XGBoosterCreate(nullptr, 0, &handle_), "creating a booster");
}

XgbBooster::XgbBooster(const XgbDMatrix& train) {
  OneOpenMpThread();
  DMatrixHandle cache[] = {train.handle()};
  Check(XGBoosterCreate(cache, 1, &handle_), "creating a booster");
}

XgbBooster::~XgbBooster() {
  if (handle_) XGBoosterFree(handle_);
}

void XgbBooster::SetParam(const std::string& name, const std::string& value) {
  Check(XGBoosterSetParam(handle_, name.c_str(), value.c_str()),
        ("setting " + name + " = " + value).c_str());
}

void XgbBooster::UpdateOneIter(int iteration, const XgbDMatrix& train) {
  Check(XGBoosterUpdateOneIter(handle_, iteration, train.handle()), "training");
}

void XgbBooster::BoostOneIter(const XgbDMatrix& train, std::vector<float>& gradients,
                              std::vector<float>& hessians) {
  if (gradients.size() != hessians.size()) {
    throw std::invalid_argument("XGBoost: as many gradients as hessians are needed");
  }
  Check(XGBoosterBoostOneIter(handle_, train.handle(), gradients.data(), hessians.data(),
                              static_cast<bst_ulong>(gradients.size())),
        "training on given gradients");
}

Eigen::VectorXd XgbBooster::Predict(const XgbDMatrix& data) const {
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
                       R"( "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  Check(XGBoosterPredictFromDMatrix(handle_, data.handle(), config, &shape, &dim, &result),
        "predicting");
  bst_ulong n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  Eigen::VectorXd out(static_cast<Eigen::Index>(n));
  for (bst_ulong i = 0; i < n; ++i) out(static_cast<Eigen::Index>(i)) = result[i];
  return out;
}

std::string XgbBooster::SaveModel(const std::string& format) const {
  std::string config = R"({"format": ")" + format + R"("})";
  bst_ulong len = 0;
  const char* bytes = nullptr;
  Check(XGBoosterSaveModelToBuffer(handle_, config.c_str(), &len, &bytes), "saving the model");
  return std::string(bytes, len);
}

void XgbBooster::LoadModel(const std::string& bytes) {
  OneOpenMpThread();
  Check(XGBoosterLoadModelFromBuffer(handle_, bytes.data(), static_cast<bst_ulong>(bytes.size())),
        "loading the model");
}

std::string XgbBooster::Serialize() const {
  bst_ulong len = 0;
  const char* bytes = nullptr;
  Check(XGBoosterSerializeToBuffer(handle_, &len, &bytes), "serialising the booster");
  return std::string(bytes, len);
}

void XgbBooster::Unserialize(const std::string& bytes) {
  OneOpenMpThread();
  Check(XGBoosterUnserializeFromBuffer(handle_, bytes.data(), static_cast<bst_ulong>(bytes.size())),
        "restoring the booster");
}

std::vector<double> XgbBooster::FeatureScore(const std::string& importance_type,
                                             size_t features) const {
  std::string config = R"({"importance_type": ")" + importance_type + R"("})";
  bst_ulong n = 0;
  const char** names = nullptr;
  bst_ulong dim = 0;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  Check(XGBoosterFeatureScore(handle_, config.c_str(), &n, &names, &dim, &shape, &scores),
        "computing feature scores");
  // Without feature names XGBoost names column i "f<i>"; only used columns are listed.
  std::vector<double> out(features, 0.0);
  for (bst_ulong i = 0; i < n; ++i) {
    std::string name = names[i];
    size_t column = 0;
    size_t used = 0;
    try {
      if (name.size() < 2 || name[0] != 'f') throw std::invalid_argument(name);
      column = std::stoul(name.substr(1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != name.size() - 1 || column >= features) {
      throw std::runtime_error("XGBoost: unexpected feature name '" + name +
                               "' in the feature scores");
    }
    out[column] = scores[i];
  }
  return out;
}

}  // namespace twinprof::model::regressors
