// A Gaussian mixture fitted by expectation–maximisation (Dempster, Laird & Rubin 1977), started
// from k-means++ seeds (Arthur & Vassilvitskii 2007) refined by Lloyd iterations, with a
// regulariser added to every variance (scikit-learn's reg_covar) so that a component collapsing
// onto a few points stays invertible. Computed in double precision; rows are samples.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mirkit/dsp/matrix.hpp"
#include "mirkit/models/model_state.hpp"

namespace mirkit::models {

enum class Covariance { diagonal, full };

// As recipes name them.
inline constexpr std::array<std::pair<std::string_view, Covariance>, 2> kCovarianceNames = {
    {{"diag", Covariance::diagonal}, {"full", Covariance::full}}};

struct GaussianMixtureOptions {
  int components = 4;  // fewer when fitted on fewer distinct samples
  Covariance covariance = Covariance::diagonal;
  int max_iterations = 100;
  double tolerance = 1e-3;  // stop when the mean log-likelihood gains less than this
  double reg_covar = 1e-6;  // added to each variance (the diagonal of a full covariance)
  int kmeans_iterations = 10;
};

class GaussianMixture {
 public:
  explicit GaussianMixture(GaussianMixtureOptions options = {});

  void fit(const dsp::MatrixD& x, std::uint64_t seed);

  // log p(x) per row, and log N(x | component k) per row and component (weights not included).
  Eigen::VectorXd log_likelihood(const dsp::MatrixD& x) const;
  dsp::MatrixD component_log_density(const dsp::MatrixD& x) const;

  // Initialisation and the M-step, for models that embed mixtures (HMM emissions): k-means++
  // seeding with hard assignments, and the weighted re-estimate from responsibilities
  // (rows × components, not necessarily summing to 1 per row).
  void initialise(const dsp::MatrixD& x, std::uint64_t seed);
  void maximise(const dsp::MatrixD& x, const dsp::MatrixD& responsibilities);

  int components() const { return static_cast<int>(weights_.size()); }
  int dims() const { return static_cast<int>(means_.cols()); }
  const Eigen::VectorXd& weights() const { return weights_; }
  const dsp::MatrixD& means() const { return means_; }          // components × dims
  const dsp::MatrixD& variances() const { return variances_; }  // diagonal: components × dims
  const std::vector<Eigen::MatrixXd>& covariances() const { return covariances_; }  // full
  int iterations() const { return iterations_; }
  bool converged() const { return converged_; }

  // Tensors "weights", "means" and "variances" (diagonal) or "covariances" (components·dims ×
  // dims, full); load checks shapes and that each full covariance is positive definite.
  void save(ModelState& state) const;
  void load(const ModelState& state);

 private:
  void prepare();  // the log normalisers and Cholesky factors that scoring uses

  GaussianMixtureOptions options_;
  Eigen::VectorXd weights_;
  dsp::MatrixD means_, variances_;
  std::vector<Eigen::MatrixXd> covariances_;
  std::vector<Eigen::MatrixXd> cholesky_;  // lower factors of the full covariances
  Eigen::VectorXd log_norm_;               // −½ (d log 2π + log det Σ) per component
  int iterations_ = 0;
  bool converged_ = false;
};

}  // namespace mirkit::models
