#include "mirkit/models/preprocessing.hpp"

#include <gtest/gtest.h>

#include <random>

#include "mirkit/core/error.hpp"

namespace mirkit::models {
namespace {

TEST(StandardScaler, GivesZeroMeanUnitVarianceAndMapsAConstantColumnToZero) {
  dsp::Matrix x(4, 2);
  x << 1, 5, 2, 5, 3, 5, 4, 5;
  StandardScaler scaler;
  scaler.fit(x);
  const dsp::Matrix y = scaler.transform(x);
  // Mean 2.5, population std sqrt(1.25); float outputs: 1e-6.
  EXPECT_NEAR(y(0, 0), -1.5 / std::sqrt(1.25), 1e-6);
  EXPECT_NEAR(y.col(0).mean(), 0.0, 1e-6);
  EXPECT_NEAR(y.col(0).squaredNorm() / 4, 1.0, 1e-6);
  EXPECT_EQ(y.col(1), Eigen::VectorXf::Zero(4));
  EXPECT_THROW(scaler.transform(dsp::Matrix::Zero(1, 3)), Error);
}

TEST(Pca, FindsTheStretchedDirectionWithAFixedSign) {
  // Points along (3, 4)/5 with small noise across it.
  std::mt19937 rng(5);
  std::normal_distribution<float> along(0, 10), across(0, 0.1f);
  dsp::Matrix x(500, 2);
  for (int i = 0; i < 500; ++i) {
    const float a = along(rng), b = across(rng);
    x(i, 0) = 0.6f * a - 0.8f * b + 7;
    x(i, 1) = 0.8f * a + 0.6f * b - 2;
  }
  Pca pca(1);
  pca.fit(x);
  // The largest loading (0.8) is positive by our convention. 1e-3: the noise across tilts the
  // estimated axis by about 0.1/10 × (sampling error), far below this.
  EXPECT_NEAR(pca.components()(0, 0), 0.6, 1e-3);
  EXPECT_NEAR(pca.components()(0, 1), 0.8, 1e-3);
  EXPECT_NEAR(pca.explained_variance()[0], 100, 15);  // sample variance of N(0, 10²), n = 500
  const dsp::Matrix y = pca.transform(x);
  EXPECT_EQ(y.cols(), 1);
  EXPECT_NEAR(y.col(0).mean(), 0.0, 1e-3);
}

TEST(Preprocessor, SaveLoadGivesTheSameTransform) {
  dsp::Matrix x = dsp::Matrix::Random(50, 4);
  Preprocessor pre({true, 2, true});
  pre.fit(x);
  ModelState state;
  pre.save(state);
  Preprocessor back;
  back.load(state);
  EXPECT_EQ(back.transform(x), pre.transform(x));
  state.tensors.erase("pca.components");
  EXPECT_THROW(back.load(state), Error);
}

}  // namespace
}  // namespace mirkit::models
