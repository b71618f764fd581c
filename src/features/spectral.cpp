#include "mirkit/features/spectral.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "mirkit/core/cpu_dispatch.hpp"
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

// Bins summed at a time by the roll-off scan before it steps bin by bin.
constexpr Eigen::Index kRolloffBlock = 16;

struct LogAndSum {
  double log = 0.0;  // Σ log v
  double sum = 0.0;  // Σ v
};

// Σ log v and Σ v for v = max(amin, x²) (x² is exact in double) without a logarithm per value:
// the values are multiplied into 8 running products and added into 8 running sums, lane j
// taking x[8i + j], so that consecutive values do not wait for each other's result. After
// every 8 values a lane's product is brought back to [1, 2) and its power of two set aside,
// which keeps it inside double's range for values in [amin, 1e30]; one logarithm of the
// remaining mantissas ends the frame. The same operations in the same order in both clones.
MIRKIT_TARGET_CLONES
LogAndSum squares_log_and_sum(const float* x, std::size_t n, double amin) {
  // Lane j of the 8 is element j % 4 of half j / 4.
  typedef float Floats __attribute__((vector_size(16)));
  typedef double Doubles __attribute__((vector_size(32)));
  typedef long long Bits __attribute__((vector_size(32)));
  constexpr std::size_t kLanes = 8, kRounds = 8;
  const Doubles floor = Doubles{} + amin;
  Doubles product[2] = {Doubles{} + 1.0, Doubles{} + 1.0}, sum[2] = {};
  Bits exponent[2] = {};
  std::size_t i = 0;
  while (i + kLanes <= n) {
    const std::size_t rounds = std::min(kRounds, (n - i) / kLanes);
    for (std::size_t r = 0; r < rounds; ++r, i += kLanes) {
      for (std::size_t h = 0; h < 2; ++h) {
        Floats m;
        std::memcpy(&m, x + i + 4 * h, sizeof(m));
        const Doubles wide = __builtin_convertvector(m, Doubles);
        const Doubles square = wide * wide;
        const Doubles v = floor < square ? square : floor;  // std::max(amin, x²)
        product[h] *= v;
        sum[h] += v;
      }
    }
    for (std::size_t h = 0; h < 2; ++h) {
      // m · 2^e → m in [1, 2), e set aside: exact, only the exponent field changes (the
      // product is positive and normal).
      Bits bits;
      std::memcpy(&bits, &product[h], sizeof(bits));
      exponent[h] += ((bits >> 52) & 0x7ff) - 1023;
      bits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
      std::memcpy(&product[h], &bits, sizeof(bits));
    }
  }
  double mantissa = 1.0, tail = 0.0;
  for (; i < n; ++i) {  // fewer than 8 values
    const double m = x[i];
    const double v = std::max(amin, m * m);
    mantissa *= v;
    tail += v;
  }
  long long exponents = 0;
  for (std::size_t j = 0; j < kLanes; ++j) {
    mantissa *= product[j / 4][j % 4];
    exponents += exponent[j / 4][j % 4];
  }
  LogAndSum out;
  out.log = std::log(mantissa) + std::numbers::ln2 * static_cast<double>(exponents);
  out.sum = (((sum[0][0] + sum[0][1]) + (sum[0][2] + sum[0][3])) +
             ((sum[1][0] + sum[1][1]) + (sum[1][2] + sum[1][3]))) +
            tail;
  return out;
}

// The same for v = max(amin, x^power), any power: a logarithm per value, this path being rare.
LogAndSum powers_log_and_sum(const float* x, std::size_t n, double power, double amin) {
  LogAndSum out;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = std::max(amin, std::pow(static_cast<double>(x[i]), power));
    out.log += std::log(v);
    out.sum += v;
  }
  return out;
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
  const Eigen::Index bins = magnitude.cols();
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const float* row = magnitude.row(f).data();
    const double threshold = roll_percent * frame_sum(magnitude, f);
    // The cumulative sum in double, 16 bins at a time while a block's total (four partial
    // sums) leaves it below the threshold, then bin by bin: one running sum would make every
    // bin wait for the previous addition.
    double cumulative = 0.0;
    Eigen::Index k = 0;
    for (; k < bins; ++k) {
      if (k + kRolloffBlock <= bins) {
        double partial[4] = {0.0, 0.0, 0.0, 0.0};
        for (Eigen::Index j = 0; j < kRolloffBlock; j += 4) {
          for (Eigen::Index lane = 0; lane < 4; ++lane)
            partial[lane] += row[k + j + lane];
        }
        const double block = (partial[0] + partial[1]) + (partial[2] + partial[3]);
        if (cumulative + block < threshold) {
          cumulative += block;
          k += kRolloffBlock - 1;
          continue;
        }
      }
      cumulative += row[k];
      if (cumulative >= threshold) break;
    }
    out(f) = static_cast<float>(bin_hz(std::min(k, bins - 1), sample_rate, n_fft));
  }
  return out;
}

dsp::Vector spectral_flatness(const dsp::Matrix& magnitude, double power, double amin) {
  dsp::Vector out(magnitude.rows());
  const auto n = static_cast<double>(magnitude.cols());
  const auto bins = static_cast<std::size_t>(magnitude.cols());
  for (Eigen::Index f = 0; f < magnitude.rows(); ++f) {
    const float* row = magnitude.row(f).data();
    const LogAndSum sums = power == 2.0 ? squares_log_and_sum(row, bins, amin)
                                        : powers_log_and_sum(row, bins, power, amin);
    out(f) = static_cast<float>(std::exp(sums.log / n) / (sums.sum / n));
  }
  return out;
}

ContrastBands spectral_contrast_bands(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
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
  return {std::move(peak), std::move(valley)};
}

dsp::Matrix spectral_contrast(const dsp::Matrix& magnitude, int sample_rate, int n_fft,
                              const ContrastOptions& options) {
  const ContrastBands bands = spectral_contrast_bands(magnitude, sample_rate, n_fft, options);
  return dsp::power_to_db(bands.peak) - dsp::power_to_db(bands.valley);
}

}  // namespace mirkit::features
