#include "mirkit/dsp/time_stretch.hpp"

#include <cmath>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/istft.hpp"

namespace mirkit::dsp {
namespace {

void check_rate(double rate) {
  if (!std::isfinite(rate) || rate <= 0.0) {
    throw usage_error("time-stretch rate must be a finite number > 0, not " + std::to_string(rate));
  }
}

// A spectrum value as its magnitude and unit phasor e^{i·angle}; angle(0) = 0, as numpy's.
struct Polar {
  double re = 1.0;
  double im = 0.0;
  double magnitude = 0.0;
};

Polar to_polar(std::complex<float> z) {
  const double re = z.real(), im = z.imag();
  const double magnitude = std::sqrt(re * re + im * im);  // float inputs cannot overflow: no hypot
  if (magnitude == 0.0) return {};
  return {re / magnitude, im / magnitude, magnitude};
}

}  // namespace

ComplexMatrix phase_vocoder(const ComplexMatrix& spectrum, double rate) {
  check_rate(rate);
  const Eigen::Index frames = spectrum.rows();
  const Eigen::Index bins = spectrum.cols();
  // np.arange(0, frames, rate): ceil(frames / rate) steps at t·rate.
  const auto steps = static_cast<Eigen::Index>(std::ceil(static_cast<double>(frames) / rate));
  ComplexMatrix stretched(steps, bins);
  if (steps == 0 || bins == 0) return stretched;

  // librosa advances each bin's phase by its expected advance plus the measured deviation from
  // it wrapped to ±π: that is the measured advance angle(b) − angle(a) plus a multiple of 2π,
  // so on unit phasors the running phase is a product, e^{i·φ} ← e^{i·φ}·b̂·conj(â) — no angle,
  // sine or cosine (and no hop length: the expected advance cancels). Kept in double, where
  // librosa's float32 phase drifts on long signals.
  std::vector<Polar> running(static_cast<std::size_t>(bins));
  for (Eigen::Index k = 0; k < bins; ++k)
    running[static_cast<std::size_t>(k)] = to_polar(spectrum(0, k));
  for (Eigen::Index t = 0; t < steps; ++t) {
    const double step = static_cast<double>(t) * rate;
    const auto i = static_cast<Eigen::Index>(step);
    const double alpha = step - static_cast<double>(i);
    std::complex<float>* out = stretched.row(t).data();
    for (Eigen::Index k = 0; k < bins; ++k) {
      // librosa pads two silent frames so that frame t·rate always has a successor.
      const Polar a = i < frames ? to_polar(spectrum(i, k)) : Polar{};
      const Polar b = i + 1 < frames ? to_polar(spectrum(i + 1, k)) : Polar{};
      Polar& phase = running[static_cast<std::size_t>(k)];
      const double magnitude = (1.0 - alpha) * a.magnitude + alpha * b.magnitude;
      out[k] = {static_cast<float>(magnitude * phase.re), static_cast<float>(magnitude * phase.im)};
      // phase · b̂ · conj(â), written out: std::complex's operator* checks for NaN and infinity
      // (C99 Annex G) through __muldc3, which keeps the loop scalar.
      const double turn_re = b.re * a.re + b.im * a.im;
      const double turn_im = b.im * a.re - b.re * a.im;
      phase = {phase.re * turn_re - phase.im * turn_im, phase.re * turn_im + phase.im * turn_re,
               0.0};
    }
  }
  return stretched;
}

std::vector<float> time_stretch(std::span<const float> samples, double rate,
                                const StftOptions& options) {
  if (samples.empty()) throw usage_error("time_stretch: the input has no samples");
  check_rate(rate);
  const double length = std::nearbyint(static_cast<double>(samples.size()) / rate);
  if (length > 2147483648.0) {
    throw usage_error("time_stretch: rate " + std::to_string(rate) + " would make " +
                      std::to_string(length) + " samples (more than 2^31)");
  }
  if (length == 0.0) return {};  // so fast that nothing is left
  Stft stft(options);
  const ComplexMatrix stretched = phase_vocoder(stft.complex(samples), rate);
  return istft(stretched, options, static_cast<std::size_t>(length));
}

}  // namespace mirkit::dsp
