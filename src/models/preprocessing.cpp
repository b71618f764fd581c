#include "mirkit/models/preprocessing.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::models {
namespace {

Eigen::VectorXd as_vector(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

std::span<const double> as_span(const Eigen::VectorXd& v) {
  return {v.data(), static_cast<std::size_t>(v.size())};
}

}  // namespace

void StandardScaler::fit(const dsp::Matrix& x) {
  if (x.rows() == 0) throw usage_error("standard scaler: no training items");
  const dsp::MatrixD xd = x.cast<double>();
  mean_ = xd.colwise().mean().transpose();
  scale_ =
      ((xd.rowwise() - mean_.transpose()).array().square().colwise().mean().sqrt()).transpose();
  for (Eigen::Index j = 0; j < scale_.size(); ++j)
    if (!(scale_[j] > 1e-12 * std::max(1.0, std::abs(mean_[j])))) scale_[j] = 1.0;
}

dsp::Matrix StandardScaler::transform(const dsp::Matrix& x) const {
  if (x.cols() != mean_.size()) {
    throw usage_error("standard scaler: " + std::to_string(x.cols()) + " dimensions, fitted on " +
                      std::to_string(mean_.size()));
  }
  return ((x.cast<double>().rowwise() - mean_.transpose()).array().rowwise() /
          scale_.transpose().array())
      .matrix()
      .cast<float>();
}

void StandardScaler::save(ModelState& state) const {
  put_vector(state, "mean", as_span(mean_));
  put_vector(state, "scale", as_span(scale_));
}

void StandardScaler::load(const ModelState& state) {
  mean_ = as_vector(get_vector(state, "mean"));
  scale_ = as_vector(get_vector(state, "scale", mean_.size()));
}

Pca::Pca(int components, bool whiten) : components_wanted_(components), whiten_(whiten) {}

void Pca::fit(const dsp::Matrix& x) {
  if (components_wanted_ < 1 || components_wanted_ > x.cols()) {
    throw usage_error("pca: " + std::to_string(components_wanted_) + " components of " +
                      std::to_string(x.cols()) + " dimensions");
  }
  if (x.rows() < 2) throw usage_error("pca: needs at least 2 training items");
  const dsp::MatrixD xd = x.cast<double>();
  mean_ = xd.colwise().mean().transpose();
  const dsp::MatrixD centred = xd.rowwise() - mean_.transpose();
  const Eigen::MatrixXd covariance =
      (centred.transpose() * centred) / static_cast<double>(x.rows() - 1);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  // Eigenvalues come in increasing order: take them from the end.
  const Eigen::Index dims = x.cols();
  components_.resize(components_wanted_, dims);
  variance_.resize(components_wanted_);
  for (int k = 0; k < components_wanted_; ++k) {
    Eigen::VectorXd v = solver.eigenvectors().col(dims - 1 - k);
    Eigen::Index largest = 0;
    for (Eigen::Index j = 1; j < dims; ++j)
      if (std::abs(v[j]) > std::abs(v[largest])) largest = j;
    if (v[largest] < 0) v = -v;
    components_.row(k) = v.transpose();
    variance_[k] = std::max(0.0, solver.eigenvalues()[dims - 1 - k]);
  }
}

dsp::Matrix Pca::transform(const dsp::Matrix& x) const {
  if (x.cols() != mean_.size()) {
    throw usage_error("pca: " + std::to_string(x.cols()) + " dimensions, fitted on " +
                      std::to_string(mean_.size()));
  }
  dsp::MatrixD projected =
      (x.cast<double>().rowwise() - mean_.transpose()) * components_.transpose();
  if (whiten_) {
    for (Eigen::Index k = 0; k < projected.cols(); ++k)
      projected.col(k) /= std::sqrt(std::max(variance_[k], 1e-12));
  }
  return projected.cast<float>();
}

void Pca::save(ModelState& state) const {
  put_vector(state, "mean", as_span(mean_));
  put_vector(state, "explained_variance", as_span(variance_));
  put_matrix(state, "components", components_);
  state.values["whiten"] = whiten_;
}

void Pca::load(const ModelState& state) {
  mean_ = as_vector(get_vector(state, "mean"));
  components_ = get_matrix(state, "components", -1, mean_.size());
  variance_ = as_vector(get_vector(state, "explained_variance", components_.rows()));
  components_wanted_ = static_cast<int>(components_.rows());
  whiten_ = read_value<bool>(state, "whiten");
}

const Schema<PreprocessOptions>& PreprocessOptions::schema() {
  using O = PreprocessOptions;
  static const Schema<O> schema =
      Schema<O>()
          .field(
              "standardize", &O::standardize,
              "scale each dimension to zero mean and unit variance (fitted on the training data)")
          .field("pca_components", &O::pca_components,
                 "project onto this many principal components after scaling (0: no PCA)",
                 {.min = 0, .max = 4096})
          .field("pca_whiten", &O::pca_whiten,
                 "divide each principal component by its standard deviation");
  return schema;
}

Preprocessor::Preprocessor(PreprocessOptions options)
    : options_(options), pca_(options.pca_components, options.pca_whiten) {}

void Preprocessor::fit(const dsp::Matrix& x) {
  if (options_.standardize) scaler_.fit(x);
  if (options_.pca_components > 0) pca_.fit(options_.standardize ? scaler_.transform(x) : x);
}

dsp::Matrix Preprocessor::transform(const dsp::Matrix& x) const {
  dsp::Matrix out = options_.standardize ? scaler_.transform(x) : x;
  if (options_.pca_components > 0) out = pca_.transform(out);
  return out;
}

void Preprocessor::save(ModelState& state) const {
  state.values["standardize"] = options_.standardize;
  state.values["pca_components"] = options_.pca_components;
  if (options_.standardize) {
    ModelState scaler;
    scaler_.save(scaler);
    put_child(state, "scaler", scaler);
  }
  if (options_.pca_components > 0) {
    ModelState pca;
    pca_.save(pca);
    put_child(state, "pca", pca);
  }
}

void Preprocessor::load(const ModelState& state) {
  options_.standardize = read_value<bool>(state, "standardize");
  options_.pca_components = read_value<int>(state, "pca_components");
  if (options_.standardize) scaler_.load(get_child(state, "scaler"));
  if (options_.pca_components > 0) {
    pca_.load(get_child(state, "pca"));
    options_.pca_whiten = read_value<bool>(get_child(state, "pca"), "whiten");
  }
}

}  // namespace mirkit::models
