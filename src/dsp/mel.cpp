#include "mirkit/dsp/mel.hpp"

#include <algorithm>
#include <cmath>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {
namespace {

// Slaney's scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per
// factor 6.4).
constexpr double kLinearStep = 200.0 / 3.0;
constexpr double kLogStartHz = 1000.0;
constexpr double kLogStartMel = kLogStartHz / kLinearStep;
const double kLogStep = std::log(6.4) / 27.0;

}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz >= kLogStartHz) return kLogStartMel + std::log(hz / kLogStartHz) / kLogStep;
  return hz / kLinearStep;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel >= kLogStartMel) return kLogStartHz * std::exp(kLogStep * (mel - kLogStartMel));
  return kLinearStep * mel;
}

std::vector<double> mel_frequencies(int count, double fmin, double fmax, MelScale scale) {
  const double lo = hz_to_mel(fmin, scale);
  const double hi = hz_to_mel(fmax, scale);
  std::vector<double> hz(static_cast<std::size_t>(count));
  // As numpy.linspace: i·step + lo, and the last point exactly hi.
  const double step = count > 1 ? (hi - lo) / (count - 1) : 0.0;
  for (int i = 0; i < count; ++i) {
    const double mel = i == count - 1 && count > 1 ? hi : i * step + lo;
    hz[static_cast<std::size_t>(i)] = mel_to_hz(mel, scale);
  }
  return hz;
}

std::vector<double> fft_frequencies(int sample_rate, int n_fft) {
  std::vector<double> f(static_cast<std::size_t>(n_fft / 2 + 1));
  for (std::size_t k = 0; k < f.size(); ++k) {
    f[k] = static_cast<double>(k) * sample_rate / n_fft;
  }
  return f;
}

MatrixD mel_filterbank(int sample_rate, int n_fft, const MelOptions& options) {
  const double fmax = options.fmax > 0.0 ? options.fmax : sample_rate / 2.0;
  if (options.n_mels < 1) throw usage_error("n_mels must be ≥ 1");
  if (!(options.fmin >= 0.0 && options.fmin < fmax)) {
    throw usage_error("mel fmin must be ≥ 0 and below fmax");
  }
  const std::vector<double> bins = fft_frequencies(sample_rate, n_fft);
  const std::vector<double> edges =
      mel_frequencies(options.n_mels + 2, options.fmin, fmax, options.scale);

  MatrixD weights = MatrixD::Zero(options.n_mels, static_cast<Eigen::Index>(bins.size()));
  for (int m = 0; m < options.n_mels; ++m) {
    const double left = edges[static_cast<std::size_t>(m)];
    const double centre = edges[static_cast<std::size_t>(m) + 1];
    const double right = edges[static_cast<std::size_t>(m) + 2];
    // Slaney normalisation: 2 / (right − left), so every triangle has the same area.
    const double norm = options.slaney_norm ? 2.0 / (right - left) : 1.0;
    for (std::size_t k = 0; k < bins.size(); ++k) {
      const double rising = (bins[k] - left) / (centre - left);
      const double falling = (right - bins[k]) / (right - centre);
      weights(m, static_cast<Eigen::Index>(k)) = std::max(0.0, std::min(rising, falling)) * norm;
    }
  }
  return weights;
}

}  // namespace mirkit::dsp
