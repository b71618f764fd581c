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
  const auto n = static_cast<std::size_t>(bins);
  std::vector<double> phase_re(n), phase_im(n);
  for (std::size_t k = 0; k < n; ++k) {
    const Polar first = to_polar(spectrum(0, static_cast<Eigen::Index>(k)));
    phase_re[k] = first.re;
    phase_im[k] = first.im;
  }
  // What the output frames between analysis frames i and i + 1 read: both magnitudes and the
  // turn b̂·conj(â), made once per pair (at rate < 1 several output frames share a pair).
  // librosa pads two silent frames so that frame t·rate always has a successor.
  std::vector<double> magnitude_a(n), magnitude_b(n), turn_re(n), turn_im(n);
  Eigen::Index loaded = -1;
  auto load_pair = [&](Eigen::Index i) {
    for (std::size_t k = 0; k < n; ++k) {
      const auto column = static_cast<Eigen::Index>(k);
      const Polar a = i < frames ? to_polar(spectrum(i, column)) : Polar{};
      const Polar b = i + 1 < frames ? to_polar(spectrum(i + 1, column)) : Polar{};
      magnitude_a[k] = a.magnitude;
      magnitude_b[k] = b.magnitude;
      turn_re[k] = b.re * a.re + b.im * a.im;
      turn_im[k] = b.im * a.re - b.re * a.im;
    }
    loaded = i;
  };

  for (Eigen::Index t = 0; t < steps; ++t) {
    const double step = static_cast<double>(t) * rate;
    const auto i = static_cast<Eigen::Index>(step);
    const double alpha = step - static_cast<double>(i);
    if (i != loaded) load_pair(i);
    std::complex<float>* out = stretched.row(t).data();
    for (std::size_t k = 0; k < n; ++k) {
      const double magnitude = (1.0 - alpha) * magnitude_a[k] + alpha * magnitude_b[k];
      out[k] = {static_cast<float>(magnitude * phase_re[k]),
                static_cast<float>(magnitude * phase_im[k])};
      // The complex product written out: std::complex's operator* checks for NaN and infinity
      // (C99 Annex G) through __muldc3, which keeps the loop scalar.
      const double re = phase_re[k] * turn_re[k] - phase_im[k] * turn_im[k];
      phase_im[k] = phase_re[k] * turn_im[k] + phase_im[k] * turn_re[k];
      phase_re[k] = re;
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
