// Each frame loop that was rewritten for speed against its clear version, kept here as the
// reference: the same framing and formula, one value at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <span>
#include <vector>

#include "mirkit/dsp/stft.hpp"
#include "mirkit/features/extractor.hpp"
#include "mirkit/features/rhythm.hpp"
#include "mirkit/features/spectral.hpp"
#include "mirkit/features/temporal.hpp"

namespace mirkit::features {
namespace {

// A magnitude-like spectrogram: log-normal values falling with frequency, some silent frames
// and some zero bins.
dsp::Matrix random_spectrogram(Eigen::Index frames, Eigen::Index bins, unsigned seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<float> value(0.0f, 2.0f);
  std::uniform_int_distribution<int> pick(0, 19);
  dsp::Matrix s(frames, bins);
  for (Eigen::Index f = 0; f < frames; ++f) {
    const bool silent = pick(rng) == 0;
    for (Eigen::Index k = 0; k < bins; ++k) {
      const float fall = 1.0f / (1.0f + 0.01f * static_cast<float>(k));
      s(f, k) = silent || pick(rng) == 0 ? 0.0f : value(rng) * fall;
    }
  }
  return s;
}

dsp::Vector reference_zcr(std::span<const float> y, int frame_length, int hop) {
  const int frames = static_cast<int>(1 + y.size() / static_cast<std::size_t>(hop));
  const auto n = static_cast<long long>(y.size());
  const long long half = frame_length / 2;
  dsp::Vector out = dsp::Vector::Zero(frames);
  for (int f = 0; f < frames; ++f) {
    int crossings = 0;
    for (long long j = static_cast<long long>(f) * hop - half + 1;
         j < static_cast<long long>(f) * hop - half + frame_length; ++j) {
      if (j >= 1 && j < n) {
        crossings += (y[static_cast<std::size_t>(j)] < -1e-10f) !=
                     (y[static_cast<std::size_t>(j - 1)] < -1e-10f);
      }
    }
    out(f) = static_cast<float>(static_cast<double>(crossings) / frame_length);
  }
  return out;
}

TEST(FastPaths, ZeroCrossingRateCountsLikeTheDirectLoop) {
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (std::size_t length : {0, 1, 2, 100, 511, 512, 2047, 2048, 2049, 10000, 22050}) {
    std::vector<float> y(length);
    for (float& v : y)
      v = noise(rng) > 1.0f ? 0.0f : noise(rng);  // zeros count as positive
    for (auto [frame_length, hop] : {std::pair{2048, 512}, {2047, 512}, {1000, 300}, {16, 32}}) {
      const dsp::Vector ours = zero_crossing_rate(y, frame_length, hop);
      const dsp::Vector expected = reference_zcr(y, frame_length, hop);
      ASSERT_EQ(ours.size(), expected.size());
      for (Eigen::Index f = 0; f < ours.size(); ++f)
        EXPECT_EQ(ours(f), expected(f)) << "length " << length << " frame " << f;  // exact
    }
  }
}

TEST(FastPaths, FlatnessMatchesTheSumOfLogarithms) {
  for (Eigen::Index bins : {1, 7, 8, 65, 1025}) {
    const dsp::Matrix s = random_spectrogram(40, bins, 11);
    for (double amin : {1e-10, 1e-30}) {
      const dsp::Vector ours = spectral_flatness(s, 2.0, amin);
      for (Eigen::Index f = 0; f < s.rows(); ++f) {
        double log_sum = 0.0, sum = 0.0;
        for (Eigen::Index k = 0; k < bins; ++k) {
          const double v = std::max(amin, static_cast<double>(s(f, k)) * s(f, k));
          log_sum += std::log(v);
          sum += v;
        }
        const double n = static_cast<double>(bins);
        const double expected = std::exp(log_sum / n) / (sum / n);
        // Rounding of the double sums only: a few float ulps.
        EXPECT_NEAR(ours(f), expected, 1e-6 * expected) << "bins " << bins << " frame " << f;
      }
    }
  }
}

TEST(FastPaths, RolloffFindsTheSameBinAsTheRunningSum) {
  for (Eigen::Index bins : {1, 15, 16, 17, 100, 1025}) {
    const dsp::Matrix s = random_spectrogram(60, bins, 13);
    for (double roll : {0.01, 0.5, 0.85, 0.99}) {
      const dsp::Vector ours = spectral_rolloff(s, 22050, 2048, roll);
      for (Eigen::Index f = 0; f < s.rows(); ++f) {
        const double threshold = roll * static_cast<double>(s.row(f).sum());
        double cumulative = 0.0;
        Eigen::Index k = 0;
        for (; k < bins; ++k) {
          cumulative += s(f, k);
          if (cumulative >= threshold) break;
        }
        const double expected = static_cast<double>(std::min(k, bins - 1)) * 22050 / 2048;
        EXPECT_EQ(ours(f), static_cast<float>(expected))
            << "bins " << bins << " roll " << roll << " frame " << f;
      }
    }
  }
}

TEST(FastPaths, OnsetStrengthMatchesTheRunningSum) {
  dsp::Matrix mel_db = random_spectrogram(50, 128, 17);
  mel_db = (mel_db.array() + 1e-3f).log() * 10.0f;
  const dsp::Vector ours = onset_strength(mel_db, 2048, 512);
  const Eigen::Index delay = 1 + 2048 / (2 * 512);
  for (Eigen::Index t = 0; t < mel_db.rows(); ++t) {
    double sum = 0.0;
    if (t >= delay) {
      for (Eigen::Index m = 0; m < mel_db.cols(); ++m)
        sum += std::max(0.0f, mel_db(t - delay + 1, m) - mel_db(t - delay, m));
    }
    const double expected = sum / static_cast<double>(mel_db.cols());
    EXPECT_NEAR(ours(t), expected, 1e-6 * std::max(expected, 1e-3)) << "frame " << t;
  }
}

// spectral_flux through a recipe against the plain per-bin sum over the same magnitudes.
// Tolerance: 1e-6 relative — both sum in double, in a different order, then round to float.
TEST(FastPaths, SpectralFluxMatchesTheDirectSum) {
  std::mt19937 rng(23);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  std::vector<float> y(3 * 22050);
  for (std::size_t n = 0; n < y.size(); ++n)
    y[n] = static_cast<float>(0.3 * std::sin(0.05 * static_cast<double>(n))) *
               static_cast<float>((n / 5000) % 2) +
           noise(rng);
  FeatureExtractor extractor(
      Json::parse(R"({"features": [{"name": "spectral_flux"}], "output": "frames"})"));
  const dsp::Matrix ours = extractor.frames(y);
  dsp::Stft stft(extractor.analysis().stft_options());
  const dsp::Matrix m = stft.magnitude(y);
  ASSERT_EQ(ours.rows(), m.rows());
  EXPECT_EQ(ours(0, 0), 0.0f);
  for (Eigen::Index f = 1; f < m.rows(); ++f) {
    double sum = 0.0;
    for (Eigen::Index k = 0; k < m.cols(); ++k) {
      const double rise = std::max(0.0f, m(f, k) - m(f - 1, k));
      sum += rise * rise;
    }
    EXPECT_NEAR(ours(f, 0), std::sqrt(sum), 1e-6 * std::sqrt(sum)) << "frame " << f;
  }
}

}  // namespace
}  // namespace mirkit::features
