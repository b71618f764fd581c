#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <random>

#include "mirkit/core/error.hpp"
#include "mirkit/models/gaussian_mixture.hpp"
#include "mirkit/models/gmm_classifier.hpp"
#include "synthetic.hpp"

namespace mirkit::models {
namespace {

struct Truth {
  std::vector<double> weights;
  dsp::MatrixD means;                 // components × dims
  std::vector<Eigen::Matrix2d> covs;  // 2-D
};

dsp::MatrixD sample(const Truth& truth, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::discrete_distribution<int> pick(truth.weights.begin(), truth.weights.end());
  std::normal_distribution<double> normal(0, 1);
  dsp::MatrixD x(n, 2);
  for (int i = 0; i < n; ++i) {
    const int k = pick(rng);
    const Eigen::Matrix2d l = truth.covs[static_cast<std::size_t>(k)].llt().matrixL();
    const Eigen::Vector2d z(normal(rng), normal(rng));
    x.row(i) = truth.means.row(k) + (l * z).transpose();
  }
  return x;
}

// The fitted component nearest to each true mean (component order is arbitrary).
std::vector<int> match(const GaussianMixture& gmm, const Truth& truth) {
  std::vector<int> out;
  for (Eigen::Index k = 0; k < truth.means.rows(); ++k) {
    Eigen::Index best = 0;
    (gmm.means().rowwise() - truth.means.row(k)).rowwise().squaredNorm().minCoeff(&best);
    out.push_back(static_cast<int>(best));
  }
  return out;
}

// Tolerances from the sampling error of maximum-likelihood estimates with n = 6000: a weight's
// standard error is √(w(1−w)/n) ≤ 0.007 (we allow 0.03), a mean's σ/√(n w) ≤ 0.05 (we allow
// 0.15), a variance's relative error √(2/(n w)) ≤ 0.04 (we allow 15 %): each about 4 standard
// errors, so the test fails only if EM does not find the mixture.
TEST(GaussianMixture, RecoversADiagonalMixture) {
  Truth truth;
  truth.weights = {0.5, 0.3, 0.2};
  truth.means.resize(3, 2);
  truth.means << -5, 0, 5, 5, 0, -6;
  truth.covs = {Eigen::Vector2d(1.0, 0.25).asDiagonal(), Eigen::Vector2d(0.5, 2.25).asDiagonal(),
                Eigen::Vector2d(1.44, 1.0).asDiagonal()};
  const dsp::MatrixD x = sample(truth, 6000, 1);
  GaussianMixtureOptions options;
  options.components = 3;
  GaussianMixture gmm(options);
  gmm.fit(x, 7);
  EXPECT_TRUE(gmm.converged());
  const std::vector<int> m = match(gmm, truth);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(gmm.weights()[m[k]], truth.weights[static_cast<std::size_t>(k)], 0.03);
    for (int d = 0; d < 2; ++d) {
      EXPECT_NEAR(gmm.means()(m[k], d), truth.means(k, d), 0.15);
      const double variance = truth.covs[static_cast<std::size_t>(k)](d, d);
      EXPECT_NEAR(gmm.variances()(m[k], d), variance, 0.15 * variance);
    }
  }
}

TEST(GaussianMixture, RecoversAFullCovarianceMixture) {
  Truth truth;
  truth.weights = {0.6, 0.4};
  truth.means.resize(2, 2);
  truth.means << 0, 0, 8, 3;
  Eigen::Matrix2d a, b;
  a << 2.0, 1.2, 1.2, 1.0;
  b << 1.0, -0.6, -0.6, 0.8;
  truth.covs = {a, b};
  const dsp::MatrixD x = sample(truth, 6000, 2);
  GaussianMixtureOptions options;
  options.components = 2;
  options.covariance = Covariance::full;
  GaussianMixture gmm(options);
  gmm.fit(x, 3);
  const std::vector<int> m = match(gmm, truth);
  for (int k = 0; k < 2; ++k) {
    EXPECT_NEAR(gmm.weights()[m[k]], truth.weights[static_cast<std::size_t>(k)], 0.03);
    const Eigen::MatrixXd& cov = gmm.covariances()[static_cast<std::size_t>(m[k])];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)  // covariance entries: 15 % of the variance scale
        EXPECT_NEAR(cov(i, j), truth.covs[static_cast<std::size_t>(k)](i, j),
                    0.15 * truth.covs[static_cast<std::size_t>(k)](i, i));
  }
}

TEST(GaussianMixture, SaveLoadGivesIdenticalLikelihoodsAndChecksShapes) {
  const test::Dataset data = test::make_blobs(300, 3, 3, 5.0, 5);
  const dsp::MatrixD x = data.x.cast<double>();
  for (const Covariance covariance : {Covariance::diagonal, Covariance::full}) {
    GaussianMixtureOptions options;
    options.covariance = covariance;
    options.components = 3;
    GaussianMixture gmm(options);
    gmm.fit(x, 1);
    ModelState state;
    gmm.save(state);
    GaussianMixture back;
    back.load(state);
    EXPECT_EQ(back.log_likelihood(x), gmm.log_likelihood(x));
    state.tensors["means"] = io::Tensor::from_doubles({2, 3}, std::vector<double>(6, 0.0));
    EXPECT_THROW(back.load(state), Error);
  }
}

TEST(GmmClassifier, ClassifiesBlobsAndFramesAndRoundTrips) {
  const test::Dataset data = test::make_blobs(400, 4, 3, 3.0, 8);
  GaussianMixtureOptions options;
  options.components = 2;
  GmmClassifier gmm(options);
  const test::Dataset train = test::slice(data, 0, 300), held = test::slice(data, 300, 400);
  gmm.fit(train.x, train.labels, 3, {});
  EXPECT_GE(test::accuracy(gmm.predict_proba(held.x), held.labels), 0.9);
  ModelState state;
  gmm.save(state);
  GmmClassifier back(options);
  back.load(state);
  EXPECT_EQ(back.predict_proba(held.x), gmm.predict_proba(held.x));

  // Frames: 10 frames per item drawn around the item's class centre.
  std::vector<std::int64_t> offsets;
  for (int i = 0; i <= 40; ++i)
    offsets.push_back(i * 10);
  std::vector<int> items;
  dsp::Matrix frames(400, 4);
  for (int i = 0; i < 40; ++i) {
    items.push_back(data.labels[static_cast<std::size_t>(i * 10)]);
    for (int f = 0; f < 10; ++f) {
      // Rows of class c are those with row % 3 == c (blobs deal classes in turn).
      frames.row(i * 10 + f) = data.x.row(3 * ((i * 10 + f) % 133) + items.back());
    }
  }
  const SequenceView sequences{frames, offsets};
  GmmSequenceClassifier frame_gmm(options);
  frame_gmm.fit(sequences, items, 3, {});
  EXPECT_GE(test::accuracy(frame_gmm.predict_proba(sequences), items), 0.95);
}

}  // namespace
}  // namespace mirkit::models
