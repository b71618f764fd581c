#include "mirkit/dsp/cqt.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>

#include "../core/fftw_planner.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::dsp {
namespace {

// Equivalent noise bandwidth of the Hann window in bins (librosa's WINDOW_BANDWIDTHS).
double window_bandwidth(WindowKind window) {
  switch (window) {
    case WindowKind::hann:
      return 1.50018310546875;
    case WindowKind::hamming:
      return 1.3629455320350348;
    case WindowKind::blackman:
      return 1.7269681554262326;
    case WindowKind::rectangular:
      return 1.0;
  }
  return 1.50018310546875;
}

// Relative bandwidth of a bin for `bpo` bins per octave: (r² − 1)/(r² + 1), r = 2^(1/bpo).
double relative_bandwidth(int bins_per_octave) {
  const double r2 = std::pow(2.0, 2.0 / bins_per_octave);
  return (r2 - 1.0) / (r2 + 1.0);
}

// One sparse row of the frequency-domain kernel: the bins kept and their weights.
struct SparseRow {
  std::vector<int> bins;
  std::vector<std::complex<double>> weights;
};

}  // namespace

struct Cqt::Octave {
  int n_fft = 0;
  int hop = 0;
  std::vector<SparseRow> rows;  // this octave's filters, lowest first
  int first_bin = 0;            // index of rows[0] in the full CQT
};

std::vector<double> cqt_frequencies(const CqtOptions& options) {
  const double fmin = options.fmin * std::pow(2.0, options.tuning / options.bins_per_octave);
  std::vector<double> f(static_cast<std::size_t>(options.n_bins));
  for (int k = 0; k < options.n_bins; ++k) {
    f[static_cast<std::size_t>(k)] =
        fmin * std::pow(2.0, static_cast<double>(k) / options.bins_per_octave);
  }
  return f;
}

namespace {

// librosa.filters.wavelet for one filter, padded to n_fft and taken to the frequency domain
// (only the non-negative frequencies), re-normalised by length / n_fft, then sparsified.
SparseRow make_kernel_row(double frequency, double length, int sample_rate, int n_fft,
                          WindowKind window, double sparsity, double gain) {
  // Samples at t = ⌊−L/2⌋ … ⌈L/2⌉ − 1 (numpy arange(-L//2, L//2) for a float L).
  const auto start = static_cast<long>(std::floor(-length / 2.0));
  const auto stop = static_cast<long>(std::floor(length / 2.0));
  const long count = stop - start;
  const std::vector<double> w = make_window(window, static_cast<int>(count));
  std::vector<std::complex<double>> wavelet(static_cast<std::size_t>(count));
  double l1 = 0.0;
  for (long i = 0; i < count; ++i) {
    const double phase =
        2.0 * std::numbers::pi * frequency * static_cast<double>(start + i) / sample_rate;
    const double win = w[static_cast<std::size_t>(i)];
    wavelet[static_cast<std::size_t>(i)] = std::polar(win, phase);
    l1 += win;
  }
  // Centred in n_fft (util.pad_center), L1-normalised, scaled by length / n_fft.
  std::vector<std::complex<double>> padded(static_cast<std::size_t>(n_fft));
  const long offset = (n_fft - count) / 2;
  const double scale = gain * length / n_fft / l1;
  for (long i = 0; i < count; ++i)
    padded[static_cast<std::size_t>(offset + i)] = wavelet[static_cast<std::size_t>(i)] * scale;

  std::vector<std::complex<double>> spectrum(static_cast<std::size_t>(n_fft));
  {
    std::lock_guard lock(fftw_planner_mutex());
    fftw_plan plan = fftw_plan_dft_1d(n_fft, reinterpret_cast<fftw_complex*>(padded.data()),
                                      reinterpret_cast<fftw_complex*>(spectrum.data()),
                                      FFTW_FORWARD, FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
  }
  const int bins = n_fft / 2 + 1;

  // util.sparsify_rows: drop the smallest bins whose magnitudes add up to less than `sparsity`
  // of the row's total.
  std::vector<double> magnitude(static_cast<std::size_t>(bins));
  for (int k = 0; k < bins; ++k)
    magnitude[static_cast<std::size_t>(k)] = std::abs(spectrum[static_cast<std::size_t>(k)]);
  std::vector<double> sorted = magnitude;
  std::sort(sorted.begin(), sorted.end());
  const double total = std::accumulate(magnitude.begin(), magnitude.end(), 0.0);
  double cumulative = 0.0;
  std::size_t threshold_index = 0;
  for (; threshold_index < sorted.size(); ++threshold_index) {
    cumulative += sorted[threshold_index] / total;
    if (!(cumulative < sparsity)) break;
  }
  const double threshold = sorted[std::min(threshold_index, sorted.size() - 1)];
  SparseRow row;
  for (int k = 0; k < bins; ++k) {
    if (magnitude[static_cast<std::size_t>(k)] >= threshold) {
      row.bins.push_back(k);
      row.weights.push_back(spectrum[static_cast<std::size_t>(k)]);
    }
  }
  return row;
}

}  // namespace

Cqt::Cqt(int sample_rate, int hop_length, const CqtOptions& options)
    : sample_rate_(sample_rate), options_(options) {
  if (options.n_bins < 1 || options.bins_per_octave < 1)
    throw usage_error("CQT n_bins and bins_per_octave must be ≥ 1");
  if (!(options.fmin > 0.0)) throw usage_error("CQT fmin must be > 0");
  frequencies_ = cqt_frequencies(options);
  const double alpha = relative_bandwidth(options.bins_per_octave);
  const double q = options.filter_scale / alpha;
  const double cutoff = frequencies_.back() * (1.0 + 0.5 * window_bandwidth(options.window) / q);
  if (cutoff > sample_rate / 2.0) {
    throw usage_error("CQT: the top bin's filter reaches " + std::to_string(cutoff) +
                      " Hz, above the Nyquist rate; lower fmin or n_bins");
  }
  const int n_octaves = (options.n_bins + options.bins_per_octave - 1) / options.bins_per_octave;
  const int per_octave = std::min(options.bins_per_octave, options.n_bins);
  // librosa downsamples "early" only when the filters sit far below Nyquist; with the default
  // ranges it does not, and mirkit does not either (see docs/parity.md).
  double rate = sample_rate;
  int hop = hop_length;
  int top = options.n_bins;
  for (int i = 0; i < n_octaves; ++i) {
    Octave octave;
    octave.hop = hop;
    const int first = std::max(0, top - per_octave);
    octave.first_bin = first;
    // Filter lengths at this octave's rate; the FFT size is the next power of two of the longest.
    double longest = 0.0;
    for (int k = first; k < top; ++k)
      longest = std::max(longest, q * rate / frequencies_[static_cast<std::size_t>(k)]);
    octave.n_fft = static_cast<int>(std::pow(2.0, std::ceil(std::log2(longest))));
    const double gain = std::sqrt(sample_rate / rate);  // compensates the downsampling
    for (int k = first; k < top; ++k) {
      const double f = frequencies_[static_cast<std::size_t>(k)];
      octave.rows.push_back(make_kernel_row(f, q * rate / f, static_cast<int>(rate), octave.n_fft,
                                            options.window, options.sparsity, gain));
    }
    octaves_.push_back(std::move(octave));
    top = first;
    if (i + 1 < n_octaves) {
      if (hop % 2 != 0) {
        throw usage_error("CQT: hop length " + std::to_string(hop_length) +
                          " cannot be halved once per octave for " + std::to_string(n_octaves) +
                          " octaves");
      }
      hop /= 2;
      rate /= 2.0;
    }
  }
}

Cqt::~Cqt() = default;
Cqt::Cqt(Cqt&&) noexcept = default;
Cqt& Cqt::operator=(Cqt&&) noexcept = default;

Matrix Cqt::magnitude(std::span<const float> signal) const {
  std::vector<float> current(signal.begin(), signal.end());
  std::vector<Matrix> responses;
  Eigen::Index frames = std::numeric_limits<Eigen::Index>::max();
  for (std::size_t i = 0; i < octaves_.size(); ++i) {
    const Octave& octave = octaves_[i];
    Stft stft({.n_fft = octave.n_fft,
               .hop_length = octave.hop,
               .window = WindowKind::rectangular,
               .center = true,
               .pad_mode = options_.pad_mode});
    Matrix response(stft_frames(current.size(), stft.options()),
                    static_cast<Eigen::Index>(octave.rows.size()));
    stft.for_each_frame(current, [&](int f, std::span<const std::complex<float>> spectrum) {
      for (std::size_t r = 0; r < octave.rows.size(); ++r) {
        const SparseRow& row = octave.rows[r];
        std::complex<double> sum = 0.0;
        for (std::size_t j = 0; j < row.bins.size(); ++j) {
          sum += row.weights[j] *
                 std::complex<double>(spectrum[static_cast<std::size_t>(row.bins[j])]);
        }
        // |sum| as √(re² + im²): std::abs calls hypot, which guards against an overflow that
        // these sums (bounded by the signal's) cannot reach, at several times the cost.
        response(f, static_cast<Eigen::Index>(r)) = static_cast<float>(std::sqrt(std::norm(sum)));
      }
    });
    frames = std::min(frames, response.rows());
    responses.push_back(std::move(response));
    if (i + 1 < octaves_.size()) {
      // Half the rate for the next octave down; ×√2 keeps the energy (librosa's scale=True).
      current = io::resample(current, 2000, 1000, options_.resampling);
      for (float& s : current)
        s *= std::numbers::sqrt2_v<float>;
    }
  }

  Matrix out(frames, options_.n_bins);
  for (std::size_t i = 0; i < octaves_.size(); ++i) {
    out.middleCols(octaves_[i].first_bin, responses[i].cols()) = responses[i].topRows(frames);
  }
  if (options_.scale) {
    const double q = options_.filter_scale / relative_bandwidth(options_.bins_per_octave);
    for (int k = 0; k < options_.n_bins; ++k) {
      out.col(k) /= static_cast<float>(
          std::sqrt(q * sample_rate_ / frequencies_[static_cast<std::size_t>(k)]));
    }
  }
  return out;
}

}  // namespace mirkit::dsp
