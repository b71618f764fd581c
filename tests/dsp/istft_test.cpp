// The inverse STFT undoes the STFT: librosa.istft's window-sum-square normalisation, its lengths.
#include "mirkit/dsp/istft.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "mirkit/core/error.hpp"
#include "support/signals.hpp"

namespace mirkit::dsp {
namespace {

std::vector<float> noise(std::size_t samples) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<float> x(samples);
  for (float& s : x)
    s = normal(rng);
  return x;
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

// 2e-6 absolute on signals of peak ≈ 1: two float FFTs of up to 2048 points round to about
// ε·log2(n) of the frame's RMS each (ε = 6e-8), and the float overlap-add sums at most four
// frames; 4.8e-7 was the worst measured.
constexpr double kRoundTripTolerance = 2e-6;

TEST(Istft, InvertsTheStftOfNoiseAndAChirp) {
  const std::vector<std::vector<float>> signals = {
      noise(22050), test::log_sweep(50.0, 10000.0, 22050, 22050, 0.9)};
  const std::vector<std::pair<int, int>> sizes = {
      {2048, 512}, {1024, 256}, {512, 128}, {2048, 1024}, {400, 160}};
  for (const auto& x : signals) {
    for (const auto& [n_fft, hop] : sizes) {
      const StftOptions options{.n_fft = n_fft, .hop_length = hop};
      const std::vector<float> y = istft(Stft(options).complex(x), options, x.size());
      ASSERT_EQ(y.size(), x.size());
      EXPECT_LT(max_difference(x, y), kRoundTripTolerance) << n_fft << "/" << hop;
    }
  }
}

TEST(Istft, InvertsUncentredFramesWhereTheyOverlap) {
  const std::vector<float> x = noise(8192);
  const StftOptions options{.n_fft = 1024, .hop_length = 256, .center = false};
  const std::vector<float> y = istft(Stft(options).complex(x), options);
  // n_fft + (frames − 1)·hop samples. The first and last hop are covered by one window alone,
  // which falls to zero at the ends: dividing by its square there magnifies rounding without
  // bound, so the comparison starts where a second window comes in.
  ASSERT_EQ(y.size(), 1024u + 28u * 256u);
  const std::vector<float> inner_x(x.begin() + 256, x.begin() + 8192 - 256);
  const std::vector<float> inner_y(y.begin() + 256, y.begin() + 8192 - 256);
  EXPECT_LT(max_difference(inner_x, inner_y), kRoundTripTolerance);
}

TEST(Istft, LengthFollowsLibrosa) {
  const std::vector<float> x = noise(5000);
  const ComplexMatrix spectrum = Stft().complex(x);  // 1 + 5000/512 = 10 frames
  EXPECT_EQ(istft(spectrum).size(), 9u * 512u);      // natural: (frames − 1)·hop
  EXPECT_EQ(istft(spectrum, {}, 5000).size(), 5000u);
  // Longer than the frames reach: zeros after the last frame's end.
  const std::vector<float> padded = istft(spectrum, {}, 20000);
  ASSERT_EQ(padded.size(), 20000u);
  EXPECT_EQ(padded.back(), 0.0f);
}

TEST(Istft, RejectsABinCountThatDoesNotMatchNfft) {
  const ComplexMatrix spectrum = ComplexMatrix::Zero(4, 513);
  try {
    istft(spectrum, {.n_fft = 2048});
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
  }
}

}  // namespace
}  // namespace mirkit::dsp
