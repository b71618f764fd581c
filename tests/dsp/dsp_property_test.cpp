// Properties that hold whatever librosa says: energy conservation, tones landing in their bins.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "mirkit/dsp/chroma.hpp"
#include "mirkit/dsp/cqt.hpp"
#include "mirkit/dsp/filterbank.hpp"
#include "mirkit/dsp/mel.hpp"
#include "mirkit/dsp/stft.hpp"
#include "mirkit/features/chroma.hpp"
#include "mirkit/features/tonal.hpp"
#include "support/signals.hpp"

namespace mirkit::dsp {
namespace {

template <class Row>
Eigen::Index argmax(const Row& row) {
  Eigen::Index best = 0;
  row.maxCoeff(&best);
  return best;
}

// Parseval: the energy of a windowed frame equals that of its one-sided spectrum
// ((|X0|² + 2 Σ|Xk|² + |X_N/2|²) / N). 1e-5 relative: float FFT rounding over 2048 points.
TEST(StftProperties, ParsevalHoldsFrameByFrame) {
  std::mt19937 rng(42);
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::vector<float> x(22050);
  for (float& s : x)
    s = noise(rng);
  for (WindowKind window : {WindowKind::hann, WindowKind::hamming, WindowKind::rectangular}) {
    Stft stft({.window = window});
    const Matrix power = stft.power(x);
    const std::vector<double> w = make_window(window, 2048);
    for (int f : {4, 10, 30}) {
      double time_energy = 0;
      for (int i = 0; i < 2048; ++i) {
        const double v =
            x[static_cast<std::size_t>(f * 512 - 1024 + i)] * w[static_cast<std::size_t>(i)];
        time_energy += v * v;
      }
      double spectral = power(f, 0) + power(f, 1024);
      for (int k = 1; k < 1024; ++k)
        spectral += 2.0 * power(f, k);
      EXPECT_NEAR(spectral / 2048.0, time_energy, 1e-5 * time_energy)
          << to_string(window) << " frame " << f;
    }
  }
}

TEST(StftProperties, FrameCountFollowsLibrosa) {
  EXPECT_EQ(stft_frames(0, {}), 1);
  EXPECT_EQ(stft_frames(1, {}), 1);
  EXPECT_EQ(stft_frames(512, {}), 2);
  EXPECT_EQ(stft_frames(66150, {}), 130);
  EXPECT_EQ(stft_frames(2047, {.center = false}), 0);
  EXPECT_EQ(stft_frames(2048 + 512, {.center = false}), 2);
}

// A pure tone lands in the mel band whose centre is nearest to it.
TEST(MelProperties, ToneLandsInItsBand) {
  const Filterbank mel(mel_filterbank(22050, 2048));
  const std::vector<double> edges = mel_frequencies(130, 0.0, 11025.0);
  Stft stft;
  for (double f : {300.0, 1000.0, 2500.0, 6000.0}) {
    const Matrix bands = mel.apply(stft.power(test::sine(f, 22050, 22050)));
    Eigen::Index nearest = 0;
    for (Eigen::Index m = 0; m < 128; ++m) {
      if (std::abs(edges[static_cast<std::size_t>(m) + 1] - f) <
          std::abs(edges[static_cast<std::size_t>(nearest) + 1] - f)) {
        nearest = m;
      }
    }
    EXPECT_LE(std::abs(argmax(bands.row(20)) - nearest), 1) << f << " Hz";
  }
}

// Filterbank::apply (banded for mel, a dense kernel for chroma) against the clear version: the
// double-precision product of the spectrogram and the filter matrix. 1e-6 relative to each
// frame's largest output: float sums of up to 1025 terms.
TEST(FilterbankProperties, MatchesTheMatrixProduct) {
  std::mt19937 rng(21);
  std::lognormal_distribution<float> value(0.0f, 2.0f);
  for (Eigen::Index frames : {1, 3, 40}) {
    Matrix spectrogram(frames, 1025);
    for (Eigen::Index i = 0; i < spectrogram.size(); ++i)
      spectrogram.data()[i] = value(rng);
    for (const MatrixD& weights : {mel_filterbank(22050, 2048), chroma_filterbank(22050, 2048),
                                   chroma_filterbank(22050, 2048, {.n_chroma = 7}),
                                   chroma_filterbank(22050, 2048, {.n_chroma = 24})}) {
      const Matrix ours = Filterbank(weights).apply(spectrogram);
      const MatrixD expected = spectrogram.cast<double>() * weights.transpose();
      ASSERT_EQ(ours.rows(), expected.rows());
      ASSERT_EQ(ours.cols(), expected.cols());
      for (Eigen::Index f = 0; f < frames; ++f) {
        const double scale = expected.row(f).cwiseAbs().maxCoeff();
        for (Eigen::Index r = 0; r < ours.cols(); ++r)
          EXPECT_NEAR(ours(f, r), expected(f, r), 1e-6 * scale) << "filter " << r;
      }
    }
  }
}

// A tone at a note's frequency lands in that note's CQT bin and pitch class.
TEST(CqtProperties, ToneLandsInItsNoteBinAndPitchClass) {
  const Cqt cqt(22050, 512);
  Stft stft;
  const Filterbank chroma_filters(chroma_filterbank(22050, 2048));
  for (int midi : {45, 57, 60, 69, 76, 88}) {  // A2, A3, C4, A4, E5, E6
    const double f = 440.0 * std::pow(2.0, (midi - 69) / 12.0);
    const auto tone = test::sine(f, 22050, 22050);
    const Matrix spectrum = cqt.magnitude(tone);
    EXPECT_EQ(argmax(spectrum.row(20)), midi - 24) << f << " Hz";  // bin 0 is C1 = MIDI 24
    const Matrix chroma = features::chroma_stft(stft.power(tone), chroma_filters);
    EXPECT_EQ(argmax(chroma.row(20)), midi % 12) << f << " Hz";
    const Matrix cq_chroma = features::chroma_cqt(spectrum, features::cq_to_chroma(84));
    EXPECT_EQ(argmax(cq_chroma.row(20)), midi % 12) << f << " Hz";
  }
}

}  // namespace
}  // namespace mirkit::dsp
