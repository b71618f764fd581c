#include "mirkit/features/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mirkit/core/error.hpp"
#include "mirkit/dsp/decibel.hpp"

namespace mirkit::features {
namespace {

double bin_hz(Eigen::Index k, int sample_rate, int n_fft) {
  return static_cast<double>(k) * sample_rate / n_fft;
}

double frame_sum(const dsp::Matrix& s, Eigen::Index f) {
  double sum = 0.0;
  for (Eigen::Index k = 0; k < s.cols(); ++k)
    sum += s(f, k);
  return sum;
}

double centroid_of(const dsp::Matrix& s, Eigen::Index f, int sample_rate, int n_fft, double total) {
  double weighted = 0.0;
  for (Eigen::Index k = 0; k < s.cols(); ++k)
    weighted += bin_hz(k, sample_rate, n_fft) * s(f, k);
  return weighted / total;
}

}  // namespace

dsp::Vector spectral_centroid(const dsp::Matrix& magnitude, int sample_rate, int n_fft) {
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const double total = frame_sum(magnitude, f);
    out(f) = total > 0.0 ? static_cast<float>(centroid_of(magnitude, f, sample_rate, n_fft, total))
                         : 0.0f;
  }
  return out;
}

dsp::Vector spectral_bandwidth(const dsp::Matrix& magnitude, int sample_rate, int n_fft, double p) {
  dsp::Vector out(magnitude.rows());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const double total = frame_sum(magnitude, f);
    if (total <= 0.0) {
      out(f) = 0.0f;
      continue;
    }
    // librosa rounds the centroid to the spectrogram's precision before using it.
    const double centroid =
        static_cast<float>(centroid_of(magnitude, f, sample_rate, n_fft, total));
    double sum = 0.0;
    for (Eigen::Index k = 0; k < magnitude.cols(); ++k) {
      const double deviation = std::abs(bin_hz(k, sample_rate, n_fft) - centroid);
      sum += magnitude(f, k) * (p == 2.0 ? deviation * deviation : std::pow(deviation, p));
    }
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
  Eigen::ArrayXf thresholded(magnitude.cols());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const auto row = magnitude.row(f).array();
    if (power == 2.0) {
      thresholded = row.square().transpose();
    } else {
      thresholded = row.pow(static_cast<float>(power)).transpose();
    }
    thresholded = thresholded.max(static_cast<float>(amin));
    // Vectorised float logarithms, summed in double.
    const double log_mean = thresholded.log().cast<double>().sum() / n;
    const double mean = thresholded.cast<double>().sum() / n;
    out(f) = static_cast<float>(std::exp(log_mean) / mean);
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
  std::vector<float> sorted;
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    for (int k = 0; k < bands; ++k) {
      const Band& band = layout[static_cast<std::size_t>(k)];
      sorted.assign(magnitude.row(f).data() + band.first,
                    magnitude.row(f).data() + band.first + band.count);
      // Only the q smallest and q largest matter: two partial selections, not a full sort.
      const auto q = static_cast<std::ptrdiff_t>(std::min(band.quantile_count, band.count));
      const auto count = static_cast<std::ptrdiff_t>(sorted.size());
      std::nth_element(sorted.begin(), sorted.begin() + (q - 1), sorted.end());
      double low = 0.0, high = 0.0;
      for (std::ptrdiff_t i = 0; i < q; ++i)
        low += sorted[static_cast<std::size_t>(i)];
      std::nth_element(sorted.begin(), sorted.begin() + (count - q), sorted.end());
      for (std::ptrdiff_t i = count - q; i < count; ++i)
        high += sorted[static_cast<std::size_t>(i)];
      valley(f, k) = static_cast<float>(low / static_cast<double>(q));
      peak(f, k) = static_cast<float>(high / static_cast<double>(q));
    }
  }
  // librosa takes power_to_db of these magnitudes (ref 1, amin 1e-10, top_db 80 over the whole
  // matrix): kept as it is, for the same numbers.
  return dsp::power_to_db(peak) - dsp::power_to_db(valley);
}

}  // namespace mirkit::features
