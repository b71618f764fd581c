#include "mirkit/dsp/time_stretch.hpp"

#include <cmath>
#include <numbers>
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

}  // namespace

ComplexMatrix phase_vocoder(const ComplexMatrix& spectrum, double rate, int hop_length) {
  check_rate(rate);
  if (hop_length < 1) throw usage_error("phase_vocoder: hop_length must be ≥ 1");
  const Eigen::Index frames = spectrum.rows();
  const Eigen::Index bins = spectrum.cols();
  // np.arange(0, frames, rate): ceil(frames / rate) steps at t·rate.
  const auto steps = static_cast<Eigen::Index>(std::ceil(static_cast<double>(frames) / rate));
  ComplexMatrix stretched(steps, bins);
  if (steps == 0 || bins == 0) return stretched;

  // Magnitudes and phases of the analysis frames, plus two silent frames past the end (librosa
  // pads two zero columns so that frame t·rate always has a successor).
  Matrix magnitude = Matrix::Zero(frames + 2, bins);
  Matrix phase = Matrix::Zero(frames + 2, bins);
  magnitude.topRows(frames) = spectrum.cwiseAbs();
  phase.topRows(frames) = spectrum.unaryExpr([](std::complex<float> z) { return std::arg(z); });

  // A bin-centred tone advances by 2π·k·hop/n_fft a hop: np.linspace(0, π·hop, bins).
  std::vector<double> expected_advance(static_cast<std::size_t>(bins), 0.0);
  for (Eigen::Index k = 1; k < bins; ++k) {
    expected_advance[static_cast<std::size_t>(k)] =
        std::numbers::pi * hop_length * static_cast<double>(k) / static_cast<double>(bins - 1);
  }
  // The running phase in double (librosa keeps it in float32, which drifts on long signals).
  std::vector<double> accumulated(phase.row(0).begin(), phase.row(0).end());

  for (Eigen::Index t = 0; t < steps; ++t) {
    const double step = static_cast<double>(t) * rate;
    const auto i = static_cast<Eigen::Index>(step);
    const double alpha = step - static_cast<double>(i);
    for (Eigen::Index k = 0; k < bins; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      const double mag = (1.0 - alpha) * magnitude(i, k) + alpha * magnitude(i + 1, k);
      stretched(t, k) = {static_cast<float>(mag * std::cos(accumulated[kk])),
                         static_cast<float>(mag * std::sin(accumulated[kk]))};
      // The measured advance's deviation from the bin's own, wrapped to [−π, π]
      // (np.round: halves to even, as nearbyint).
      double deviation = static_cast<double>(phase(i + 1, k)) - phase(i, k) - expected_advance[kk];
      deviation -= 2.0 * std::numbers::pi * std::nearbyint(deviation / (2.0 * std::numbers::pi));
      accumulated[kk] += expected_advance[kk] + deviation;
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
  const ComplexMatrix stretched = phase_vocoder(stft.complex(samples), rate, options.hop_length);
  return istft(stretched, options, static_cast<std::size_t>(length));
}

}  // namespace mirkit::dsp
