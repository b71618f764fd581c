#include "mirkit/models/gaussian_mixture.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "../core/random.hpp"
#include "mirkit/core/error.hpp"
#include "softmax.hpp"

namespace mirkit::models {
namespace {

// k-means++ seeds then Lloyd iterations: the hard assignment of each row.
std::vector<int> kmeans(const dsp::MatrixD& x, int k, int iterations, Random& random) {
  const Eigen::Index n = x.rows();
  dsp::MatrixD centres(k, x.cols());
  centres.row(0) = x.row(static_cast<Eigen::Index>(random.index(static_cast<std::size_t>(n))));
  Eigen::VectorXd nearest = (x.rowwise() - centres.row(0)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    // The next seed with probability proportional to the squared distance to the nearest one.
    const double total = nearest.sum();
    Eigen::Index pick = 0;
    if (total > 0) {
      double target = random.uniform() * total;
      for (pick = 0; pick + 1 < n; ++pick) {
        target -= nearest[pick];
        if (target < 0) break;
      }
    } else {
      pick = static_cast<Eigen::Index>(random.index(static_cast<std::size_t>(n)));
    }
    centres.row(c) = x.row(pick);
    nearest = nearest.cwiseMin((x.rowwise() - centres.row(c)).rowwise().squaredNorm());
  }
  std::vector<int> assignment(static_cast<std::size_t>(n), 0);
  for (int iteration = 0; iteration <= iterations; ++iteration) {
    bool changed = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      (centres.rowwise() - x.row(i)).rowwise().squaredNorm().minCoeff(&best);
      if (assignment[static_cast<std::size_t>(i)] != best || iteration == 0) changed = true;
      assignment[static_cast<std::size_t>(i)] = static_cast<int>(best);
    }
    if (!changed || iteration == iterations) break;
    dsp::MatrixD sums = dsp::MatrixD::Zero(k, x.cols());
    std::vector<int> counts(static_cast<std::size_t>(k), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(assignment[static_cast<std::size_t>(i)]) += x.row(i);
      ++counts[static_cast<std::size_t>(assignment[static_cast<std::size_t>(i)])];
    }
    for (int c = 0; c < k; ++c)
      if (counts[static_cast<std::size_t>(c)] > 0)
        centres.row(c) = sums.row(c) / counts[static_cast<std::size_t>(c)];
  }
  return assignment;
}

}  // namespace

GaussianMixture::GaussianMixture(GaussianMixtureOptions options) : options_(options) {
  if (options_.components < 1) throw usage_error("gaussian mixture: needs at least one component");
}

void GaussianMixture::initialise(const dsp::MatrixD& x, std::uint64_t seed) {
  if (x.rows() == 0) throw usage_error("gaussian mixture: no training samples");
  const int k = static_cast<int>(std::min<Eigen::Index>(options_.components, x.rows()));
  Random random(seed);
  const std::vector<int> assignment = kmeans(x, k, options_.kmeans_iterations, random);
  dsp::MatrixD responsibilities = dsp::MatrixD::Zero(x.rows(), k);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    responsibilities(i, assignment[static_cast<std::size_t>(i)]) = 1.0;
  maximise(x, responsibilities);
}

void GaussianMixture::maximise(const dsp::MatrixD& x, const dsp::MatrixD& resp) {
  const Eigen::Index k = resp.cols(), dims = x.cols();
  // scikit-learn's 10·eps keeps an emptied component's mean finite.
  const Eigen::VectorXd mass =
      resp.colwise().sum().transpose().array() + 10 * std::numeric_limits<double>::epsilon();
  weights_ = mass / mass.sum();
  means_ = (resp.transpose() * x).array().colwise() / mass.array();
  if (options_.covariance == Covariance::diagonal) {
    // E[x²] − μ², as scikit-learn's _estimate_gaussian_covariances_diag.
    const dsp::MatrixD second =
        (resp.transpose() * x.array().square().matrix()).array().colwise() / mass.array();
    variances_ = (second.array() - means_.array().square()).max(0.0) + options_.reg_covar;
    covariances_.clear();
  } else {
    covariances_.assign(static_cast<std::size_t>(k), Eigen::MatrixXd());
    for (Eigen::Index c = 0; c < k; ++c) {
      const dsp::MatrixD centred = x.rowwise() - means_.row(c);
      Eigen::MatrixXd cov = centred.transpose() *
                            (centred.array().colwise() * resp.col(c).array()).matrix() / mass[c];
      cov.diagonal().array() += options_.reg_covar;
      covariances_[static_cast<std::size_t>(c)] = cov;
    }
    variances_.resize(0, dims);
  }
  prepare();
}

void GaussianMixture::prepare() {
  const Eigen::Index k = weights_.size(), dims = means_.cols();
  const double log_2pi = std::log(2 * std::numbers::pi);
  log_norm_.resize(k);
  cholesky_.clear();
  for (Eigen::Index c = 0; c < k; ++c) {
    double log_det = 0;
    if (options_.covariance == Covariance::diagonal) {
      log_det = variances_.row(c).array().log().sum();
    } else {
      Eigen::LLT<Eigen::MatrixXd> llt(covariances_[static_cast<std::size_t>(c)]);
      if (llt.info() != Eigen::Success) {
        throw Error("gaussian mixture: covariance " + std::to_string(c) +
                    " is not positive definite (too few samples for its dimensions? raise "
                    "reg_covar or use diag)");
      }
      cholesky_.push_back(llt.matrixL());
      log_det = 2 * cholesky_.back().diagonal().array().log().sum();
    }
    log_norm_[c] = -0.5 * (static_cast<double>(dims) * log_2pi + log_det);
  }
}

dsp::MatrixD GaussianMixture::component_log_density(const dsp::MatrixD& x) const {
  const Eigen::Index k = weights_.size();
  dsp::MatrixD out(x.rows(), k);
  for (Eigen::Index c = 0; c < k; ++c) {
    const dsp::MatrixD centred = x.rowwise() - means_.row(c);
    Eigen::VectorXd mahalanobis;
    if (options_.covariance == Covariance::diagonal) {
      mahalanobis =
          (centred.array().square().rowwise() / variances_.row(c).array()).rowwise().sum();
    } else {
      const Eigen::MatrixXd solved =
          cholesky_[static_cast<std::size_t>(c)].triangularView<Eigen::Lower>().solve(
              centred.transpose());
      mahalanobis = solved.colwise().squaredNorm().transpose();
    }
    out.col(c) = (log_norm_[c] - 0.5 * mahalanobis.array()).matrix();
  }
  return out;
}

Eigen::VectorXd GaussianMixture::log_likelihood(const dsp::MatrixD& x) const {
  if (weights_.size() == 0) throw usage_error("gaussian mixture: not fitted");
  if (x.cols() != means_.cols()) throw usage_error("gaussian mixture: dimensions differ");
  const dsp::MatrixD weighted =
      component_log_density(x).rowwise() + weights_.array().log().matrix().transpose();
  Eigen::VectorXd out(x.rows());
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    out[i] = log_sum_exp(weighted.row(i));
  return out;
}

void GaussianMixture::fit(const dsp::MatrixD& x, std::uint64_t seed) {
  initialise(x, seed);
  double previous = -std::numeric_limits<double>::infinity();
  converged_ = false;
  iterations_ = 0;
  for (int iteration = 0; iteration < options_.max_iterations; ++iteration) {
    // E-step: responsibilities ∝ w_k N(x | k), normalised per row in log space.
    dsp::MatrixD log_resp =
        component_log_density(x).rowwise() + weights_.array().log().matrix().transpose();
    double total = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double lse = log_sum_exp(log_resp.row(i));
      log_resp.row(i).array() -= lse;
      total += lse;
    }
    const double mean = total / static_cast<double>(x.rows());
    iterations_ = iteration + 1;
    if (std::abs(mean - previous) < options_.tolerance) {
      converged_ = true;
      break;
    }
    previous = mean;
    maximise(x, log_resp.array().exp().matrix());
  }
}

void GaussianMixture::save(ModelState& state) const {
  put_vector(state, "weights",
             std::span<const double>(weights_.data(), static_cast<std::size_t>(weights_.size())));
  put_matrix(state, "means", means_);
  if (options_.covariance == Covariance::diagonal) {
    put_matrix(state, "variances", variances_);
  } else {
    dsp::MatrixD stacked(means_.rows() * means_.cols(), means_.cols());
    for (Eigen::Index c = 0; c < means_.rows(); ++c)
      stacked.middleRows(c * means_.cols(), means_.cols()) =
          covariances_[static_cast<std::size_t>(c)];
    put_matrix(state, "covariances", stacked);
  }
  for (const auto& [name, kind] : kCovarianceNames)
    if (kind == options_.covariance) state.values["covariance"] = std::string(name);
}

void GaussianMixture::load(const ModelState& state) {
  const auto covariance = read_value<std::string>(state, "covariance");
  const auto* known = std::find_if(kCovarianceNames.begin(), kCovarianceNames.end(),
                                   [&](const auto& entry) { return entry.first == covariance; });
  if (known == kCovarianceNames.end()) {
    throw state_error("'covariance' must be diag or full, got '" + covariance + "'");
  }
  options_.covariance = known->second;
  const std::vector<double> weights = get_vector(state, "weights");
  if (weights.empty()) throw state_error("tensor 'weights' is empty");
  weights_ =
      Eigen::Map<const Eigen::VectorXd>(weights.data(), static_cast<Eigen::Index>(weights.size()));
  const auto k = static_cast<std::int64_t>(weights.size());
  means_ = get_matrix(state, "means", k, -1);
  const std::int64_t dims = means_.cols();
  if (options_.covariance == Covariance::diagonal) {
    variances_ = get_matrix(state, "variances", k, dims);
    if (!(variances_.array() > 0).all()) throw state_error("tensor 'variances' is not positive");
    covariances_.clear();
  } else {
    const dsp::MatrixD stacked = get_matrix(state, "covariances", k * dims, dims);
    covariances_.clear();
    for (std::int64_t c = 0; c < k; ++c)
      covariances_.push_back(stacked.middleRows(c * dims, dims));
  }
  prepare();
}

}  // namespace mirkit::models
