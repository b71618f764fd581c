// Waveform augmentations: time_stretch and pitch_shift keep what they promise (lengths,
// pitch, tempo), reproduce the input when asked to change nothing, and stay finite on the
// inputs a batch meets (silence, a handful of samples).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/pitch_shift.hpp"
#include "mirkit/dsp/stft.hpp"
#include "mirkit/dsp/time_stretch.hpp"
#include "support/signals.hpp"

namespace mirkit::dsp {
namespace {

constexpr int kRate = 22050;
constexpr std::size_t kThreeSeconds = 3 * kRate;
constexpr int kPeakFft = 16384;  // bins of 1.35 Hz at 22.05 kHz

// The frequency of the strongest bin of one Hann-windowed 16384-point frame from the middle of
// x (away from the edges, where the phase vocoder's first and last frames are unlike the rest).
double peak_frequency(const std::vector<float>& x) {
  const auto begin = x.begin() + static_cast<std::ptrdiff_t>((x.size() - kPeakFft) / 2);
  const std::vector<float> middle(begin, begin + kPeakFft);
  const Matrix spectrum =
      Stft({.n_fft = kPeakFft, .hop_length = kPeakFft, .center = false}).magnitude(middle);
  Eigen::Index bin = 0;
  spectrum.row(0).maxCoeff(&bin);
  return static_cast<double>(bin) * kRate / kPeakFft;
}

// The argmax lands on the bin nearest the tone (half a bin of quantisation); the pitch itself is
// off by under 0.1 cent (the resampler's whole-Hz rate) and the phase vocoder's frame-to-frame
// modulation only widens the peak. One bin allows for a tone halfway between two bins.
constexpr double kOneBin = static_cast<double>(kRate) / kPeakFft;

// At rate 1 the running phasor is a telescoping product, â(0)·Π â(t+1)·conj(â(t)) = â(t), so
// the vocoder hands back each analysis frame up to double rounding and the float rounding of
// its output: what is left is istft's round trip. 1e-6 on a signal of peak 0.5; 2.1e-7 was
// measured on 3 s.
constexpr double kRateOneTolerance = 1e-6;

bool all_finite(const std::vector<float>& x) {
  return std::all_of(x.begin(), x.end(), [](float v) { return std::isfinite(v); });
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

template <class Call>
void expect_usage_error(Call&& call, const char* what) {
  try {
    call();
    ADD_FAILURE() << "no error for " << what;
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage) << what;
  }
}

// librosa.phase_vocoder line by line (its expected advance, the wrapped deviation, the running
// phase through cosine and sine), in double: the reference for the phasor products of
// phase_vocoder.
ComplexMatrix librosa_phase_vocoder(const ComplexMatrix& spectrum, double rate, int hop_length) {
  const Eigen::Index frames = spectrum.rows();
  const Eigen::Index bins = spectrum.cols();
  const auto steps = static_cast<Eigen::Index>(std::ceil(static_cast<double>(frames) / rate));
  auto column = [&](Eigen::Index i, Eigen::Index k) {
    return i < frames ? std::complex<double>(spectrum(i, k)) : std::complex<double>();
  };
  std::vector<double> phase(static_cast<std::size_t>(bins));
  for (Eigen::Index k = 0; k < bins; ++k)
    phase[static_cast<std::size_t>(k)] = std::arg(column(0, k));
  ComplexMatrix stretched(steps, bins);
  for (Eigen::Index t = 0; t < steps; ++t) {
    const double step = static_cast<double>(t) * rate;
    const auto i = static_cast<Eigen::Index>(step);
    const double alpha = step - static_cast<double>(i);
    for (Eigen::Index k = 0; k < bins; ++k) {
      double& acc = phase[static_cast<std::size_t>(k)];
      const double mag = (1 - alpha) * std::abs(column(i, k)) + alpha * std::abs(column(i + 1, k));
      stretched(t, k) = std::complex<float>(std::polar(mag, acc));
      const double advance =
          std::numbers::pi * hop_length * static_cast<double>(k) / static_cast<double>(bins - 1);
      double deviation = std::arg(column(i + 1, k)) - std::arg(column(i, k)) - advance;
      deviation -= 2 * std::numbers::pi * std::nearbyint(deviation / (2 * std::numbers::pi));
      acc += advance + deviation;
    }
  }
  return stretched;
}

TEST(PhaseVocoder, EqualsLibrosasFormulation) {
  std::vector<float> x = test::log_sweep(100.0, 8000.0, kRate, kThreeSeconds, 0.5);
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 0.1f);
  for (float& v : x)
    v += noise(rng);
  const ComplexMatrix spectrum = Stft().complex(x);
  for (const double rate : {0.8, 1.0, 1.25, 2.0}) {
    const ComplexMatrix ours = phase_vocoder(spectrum, rate);
    const ComplexMatrix reference = librosa_phase_vocoder(spectrum, rate, 512);
    ASSERT_EQ(ours.rows(), reference.rows());
    // 1e-6 of the largest bin: float magnitudes, and the reference's phases summed through
    // float-rounded angles (ε·π each) rather than exact phasor products; 1.2e-7 measured.
    const float largest = reference.cwiseAbs().maxCoeff();
    EXPECT_LT((ours - reference).cwiseAbs().maxCoeff(), 1e-6f * largest) << "rate " << rate;
  }
}

TEST(PitchShift, MovesASineByAnOctaveUpAndFiveSemitonesDown) {
  const std::vector<float> a440 = test::sine(440.0, kRate, kThreeSeconds);
  for (const double semitones : {12.0, -5.0}) {
    const std::vector<float> shifted = pitch_shift(a440, kRate, semitones);
    ASSERT_EQ(shifted.size(), a440.size());
    EXPECT_NEAR(peak_frequency(shifted), 440.0 * std::exp2(semitones / 12.0), kOneBin)
        << semitones << " semitones";
  }
}

TEST(PitchShift, ZeroSemitonesReproducesTheInput) {
  const std::vector<float> x = test::log_sweep(100.0, 8000.0, kRate, kThreeSeconds, 0.5);
  const std::vector<float> y = pitch_shift(x, kRate, 0.0);
  ASSERT_EQ(y.size(), x.size());
  // No resampling happens (the rates are equal): the bound is time_stretch's at rate 1.
  EXPECT_LT(max_difference(x, y), kRateOneTolerance);
}

TEST(TimeStretch, LengthIsTheInputsOverTheRate) {
  const std::vector<float> x = test::sine(440.0, kRate, kThreeSeconds);
  EXPECT_EQ(time_stretch(x, 0.8).size(), 82688u);  // round(66150 / 0.8 = 82687.5), half to even
  EXPECT_EQ(time_stretch(x, 1.25).size(), 52920u);
  EXPECT_EQ(time_stretch(x, 2.0).size(), 33075u);
}

TEST(TimeStretch, KeepsASinesFrequency) {
  const std::vector<float> x = test::sine(440.0, kRate, kThreeSeconds);
  for (const double rate : {0.8, 1.25}) {
    EXPECT_NEAR(peak_frequency(time_stretch(x, rate)), 440.0, kOneBin) << "rate " << rate;
  }
}

TEST(TimeStretch, RateOneReproducesTheInput) {
  const std::vector<float> x = test::log_sweep(100.0, 8000.0, kRate, kThreeSeconds, 0.5);
  const std::vector<float> y = time_stretch(x, 1.0);
  ASSERT_EQ(y.size(), x.size());
  EXPECT_LT(max_difference(x, y), kRateOneTolerance);
}

TEST(Augmentation, SilenceAndShortInputsStayFinite) {
  const std::vector<float> silence(kRate, 0.0f);
  const std::vector<float> short_tone = test::sine(440.0, kRate, 100);  // shorter than n_fft
  const std::vector<float> one_sample = {0.25f};
  for (const auto* x : {&silence, &short_tone, &one_sample}) {
    for (const double semitones : {-24.0, -5.0, 3.5, 12.0, 24.0}) {
      const std::vector<float> y = pitch_shift(*x, kRate, semitones);
      EXPECT_EQ(y.size(), x->size());
      EXPECT_TRUE(all_finite(y)) << x->size() << " samples, " << semitones << " semitones";
    }
    for (const double rate : {0.8, 1.25}) {
      const std::vector<float> y = time_stretch(*x, rate);
      EXPECT_EQ(y.size(), static_cast<std::size_t>(std::nearbyint(x->size() / rate)));
      EXPECT_TRUE(all_finite(y)) << x->size() << " samples, rate " << rate;
    }
  }
  const std::vector<float> quiet = pitch_shift(silence, kRate, 4.0);
  EXPECT_TRUE(std::all_of(quiet.begin(), quiet.end(), [](float v) { return v == 0.0f; }));
}

TEST(Augmentation, RejectsBadArguments) {
  const std::vector<float> x = test::sine(440.0, kRate, 4096);
  const std::vector<float> empty;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_usage_error([&] { time_stretch(x, 0.0); }, "rate 0");
  expect_usage_error([&] { time_stretch(x, -1.0); }, "rate -1");
  expect_usage_error([&] { time_stretch(x, nan); }, "rate NaN");
  expect_usage_error([&] { time_stretch(x, 1e-9); }, "rate 1e-9 (too long an output)");
  expect_usage_error([&] { time_stretch(empty, 1.0); }, "empty input to time_stretch");
  expect_usage_error([&] { pitch_shift(empty, kRate, 2.0); }, "empty input to pitch_shift");
  expect_usage_error([&] { pitch_shift(x, kRate, 25.0); }, "25 semitones");
  expect_usage_error([&] { pitch_shift(x, kRate, nan); }, "NaN semitones");
  expect_usage_error([&] { pitch_shift(x, 1200, -12.0); }, "600 Hz intermediate rate");
}

}  // namespace
}  // namespace mirkit::dsp
