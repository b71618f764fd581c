#include "mirkit/features/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/decibel.hpp"
#include "mirkit/dsp/extremes.hpp"

namespace mirkit::features {
namespace {

double bin_hz(Eigen::Index k, int sample_rate, int n_fft) {
  return static_cast<double>(k) * sample_rate / n_fft;
}

// Frame sums in float with Eigen's vectorised reductions (several partial sums: ~1e-7
// relative), returned in double for the arithmetic that follows.
double frame_sum(const dsp::Matrix& s, Eigen::Index f) {
  return s.row(f).sum();
}

// Bin centre frequencies as a row, for vectorised weighted sums.
Eigen::RowVectorXf bin_frequencies(Eigen::Index bins, int sample_rate, int n_fft) {
  Eigen::RowVectorXf hz(bins);
  for (Eigen::Index k = 0; k < bins; ++k)
    hz(k) = static_cast<float>(bin_hz(k, sample_rate, n_fft));
  return hz;
}

double centroid_of(const dsp::Matrix& s, Eigen::Index f, const Eigen::RowVectorXf& hz,
                   double total) {
  return s.row(f).dot(hz) / total;
}

}  // namespace

dsp::Vector spectral_centroid(const dsp::Matrix& magnitude, int sample_rate, int n_fft) {
  const Eigen::RowVectorXf hz = bin_frequencies(magnitude.cols(), sample_rate, n_fft);
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const double total = frame_sum(magnitude, f);
    out(f) = total > 0.0 ? static_cast<float>(centroid_of(magnitude, f, hz, total)) : 0.0f;
  }
  return out;
}

dsp::Vector spectral_bandwidth(const dsp::Matrix& magnitude, int sample_rate, int n_fft, double p) {
  const Eigen::RowVectorXf hz = bin_frequencies(magnitude.cols(), sample_rate, n_fft);
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const double total = frame_sum(magnitude, f);
    if (total <= 0.0) {
      out(f) = 0.0f;
      continue;
    }
    // librosa rounds the centroid to the spectrogram's precision before using it.
    const auto centroid = static_cast<float>(centroid_of(magnitude, f, hz, total));
    const auto deviation = (hz.array() - centroid).abs();
    const double sum =
        p == 2.0 ? (magnitude.row(f).array() * deviation.square()).sum()
                 : (magnitude.row(f).array() * deviation.pow(static_cast<float>(p))).sum();
    out(f) = static_cast<float>(std::pow(sum / total, 1.0 / p));
  }
  return out;
}

dsp::Vector spectral_rolloff(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                             double roll_percent) {
  if (!(roll_percent > 0.0 && roll_percent < 1.0))
    throw usage_error("roll_percent must be in (0, 1)");
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const double threshold = roll_percent * frame_sum(magnitude, f);
    double cumulative = 0.0;
    Eigen::Index k = 0;
    for (; k < magnitude.cols(); ++k) {
      cumulative += magnitude(f, k);
      if (cumulative >= threshold) break;
    }
    out(f) = static_cast<float>(bin_hz(std::min(k, magnitude.cols() - 1), sample_rate, n_fft));
  }
  return out;
}

dsp::Vector spectral_flatness(const dsp::Matrix& magnitude, double power, double amin) {
  dsp::Vector out(magnitude.rows());
  const auto n = static_cast<double>(magnitude.cols());
  constexpr Eigen::Index kBlock = 16;
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const float* row = magnitude.row(f).data();
    // Σ log x as the logarithm of products of 16 values: one log per block instead of one per
    // bin (the values lie in [amin, ~1e8], so a product of 16 stays inside double's range).
    double log_sum = 0.0, sum = 0.0;
    for (Eigen::Index start = 0; start < magnitude.cols(); start += kBlock) {
      const Eigen::Index end = std::min(start + kBlock, magnitude.cols());
      double product = 1.0;
      for (Eigen::Index k = start; k < end; ++k) {
        const double m = row[k];
        const double v = std::max(amin, power == 2.0 ? m * m : std::pow(m, power));
        product *= v;
        sum += v;
      }
      log_sum += std::log(product);
    }
    out(f) = static_cast<float>(std::exp(log_sum / n) / (sum / n));
  }
  return out;
}

dsp::Matrix spectral_contrast(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                              const ContrastOptions& options) {
  const int bands = options.n_bands + 1;
  if (options.n_bands < 1) throw usage_error("contrast n_bands must be ≥ 1");
  if (options.fmin <= 0.0) throw usage_error("contrast fmin must be > 0");
  if (options.fmin * std::pow(2.0, options.n_bands - 1) >= sample_rate / 2.0) {
    throw usage_error("contrast bands reach above the Nyquist rate: lower fmin or n_bands");
  }
  const Eigen::Index bins = magnitude.cols();
  // Band k covers [edge_k, edge_k+1] with edges 0, fmin, 2·fmin, …; every band but the first also
  // takes the bin just below it, the last takes everything up to Nyquist, and every band but the
  // last drops its top bin (librosa's exact rule).
  struct Band {
    Eigen::Index first, count, quantile_count;
  };
  std::vector<Band> layout;
  for (int k = 0; k < bands; ++k) {
    const double lo = k == 0 ? 0.0 : options.fmin * std::pow(2.0, k - 1);
    const double hi = options.fmin * std::pow(2.0, k);
    Eigen::Index first = bins, last = -1;
    for (Eigen::Index b = 0; b < bins; ++b) {
      const double hz = bin_hz(b, sample_rate, n_fft);
      if (hz >= lo && hz <= hi) {
        first = std::min(first, b);
        last = std::max(last, b);
      }
    }
    if (last < first) throw usage_error("contrast band " + std::to_string(k) + " holds no FFT bin");
    if (k > 0) first -= 1;
    if (k == options.n_bands) last = bins - 1;
    const Eigen::Index members = last - first + 1;
    const auto q = static_cast<Eigen::Index>(std::nearbyint(options.quantile * members));
    layout.push_back(
        {first, k < options.n_bands ? members - 1 : members, std::max<Eigen::Index>(q, 1)});
  }

  dsp::Matrix peak(magnitude.rows(), bands), valley(magnitude.rows(), bands);
  std::vector<double> low(static_cast<std::size_t>(magnitude.rows())), high(low.size());
  for (int k = 0; k < bands; ++k) {
    const Band& band = layout[static_cast<std::size_t>(k)];
    // The means of the sorted band's q lowest and q highest values, every frame at once.
    dsp::extreme_means(magnitude.data() + band.first, static_cast<std::size_t>(bins),
                       static_cast<std::size_t>(band.count),
                       static_cast<std::size_t>(std::min(band.quantile_count, band.count)), low,
                       high);
    for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
      valley(f, k) = static_cast<float>(low[static_cast<std::size_t>(f)]);
      peak(f, k) = static_cast<float>(high[static_cast<std::size_t>(f)]);
    }
  }
  // librosa takes power_to_db of these magnitudes (ref 1, amin 1e-10, top_db 80 over the whole
  // matrix): kept as it is, for the same numbers.
  return dsp::power_to_db(peak) - dsp::power_to_db(valley);
}

}  // namespace mirkit::features
