#include "mirkit/dsp/chroma.hpp"

#include <cmath>
#include <vector>

#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

MatrixD chroma_filterbank(int sample_rate, int n_fft, const ChromaOptions& options) {
  const int n = options.n_chroma;
  if (n < 1) throw usage_error("n_chroma must be ≥ 1");
  // Every FFT bin but DC, as a fractional pitch-class index: n · log2(f / (A440·2^(tuning/n)/16)).
  const double a440 = 440.0 * std::pow(2.0, options.tuning / n);
  std::vector<double> bin_pitch(static_cast<std::size_t>(n_fft));
  for (int k = 1; k < n_fft; ++k) {
    const double f = static_cast<double>(k) * sample_rate / n_fft;
    bin_pitch[static_cast<std::size_t>(k)] = n * std::log2(f / (a440 / 16.0));
  }
  bin_pitch[0] = bin_pitch[1] - 1.5 * n;  // DC: placed 1.5 octaves below the first bin

  std::vector<double> bin_width(static_cast<std::size_t>(n_fft), 1.0);
  for (int k = 0; k + 1 < n_fft; ++k) {
    bin_width[static_cast<std::size_t>(k)] = std::max(
        bin_pitch[static_cast<std::size_t>(k) + 1] - bin_pitch[static_cast<std::size_t>(k)], 1.0);
  }

  const double half = std::round(n / 2.0);
  MatrixD weights(n, n_fft);
  for (int k = 0; k < n_fft; ++k) {
    for (int c = 0; c < n; ++c) {
      // Distance in chroma bins from the bin's pitch to class c, wrapped to [−n/2, n/2).
      const double d =
          std::fmod(bin_pitch[static_cast<std::size_t>(k)] - c + half + 10.0 * n, n) - half;
      const double z = 2.0 * d / bin_width[static_cast<std::size_t>(k)];
      weights(c, k) = std::exp(-0.5 * z * z);
    }
    // Normalise each column (bin) to unit L-p norm.
    double norm = 0.0;
    for (int c = 0; c < n; ++c)
      norm += std::pow(std::abs(weights(c, k)), options.norm);
    norm = std::pow(norm, 1.0 / options.norm);
    if (norm > 0.0) weights.col(k) /= norm;
    if (options.octwidth) {
      const double octaves =
          (bin_pitch[static_cast<std::size_t>(k)] / n - options.ctroct) / *options.octwidth;
      weights.col(k) *= std::exp(-0.5 * octaves * octaves);
    }
  }
  // Rotate so that row 0 is C: A is 3 semitones below C, i.e. roll by −3·(n/12).
  MatrixD rolled(n, n_fft / 2 + 1);
  const int shift = options.base_c ? 3 * (n / 12) : 0;
  for (int c = 0; c < n; ++c) {
    rolled.row(c) = weights.row((c + shift) % n).leftCols(n_fft / 2 + 1);
  }
  return rolled;
}

}  // namespace mirkit::dsp
