#include "mirkit/dsp/cqt.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <numeric>

#include "../core/fftw_planner.hpp"
#include "frame_lanes.hpp"
#include "mirkit/core/cpu_dispatch.hpp"
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

// An octave's filters as runs of complex weights over the band of bins they touch, in single
// precision as librosa's own (complex64) basis: each run covers its kept bins, first to last
// (the few dropped bins between them weigh zero).
struct Cqt::Octave {
  int n_fft = 0;
  int hop = 0;
  int first_bin = 0;                // index of this octave's lowest filter in the full CQT
  int band_first = 0;               // the lowest STFT bin any filter touches
  int band_width = 0;               // and how many, from there
  std::vector<int> firsts;          // per filter, its run's first bin, from band_first
  std::vector<int> lengths;         // per filter, its run's length
  std::vector<std::size_t> starts;  // per filter, where its run begins in the weights
  std::vector<float> real, imag;    // every run's weights, one after the other

  std::size_t filters() const { return firsts.size(); }
  void add(const SparseRow& row);
};

void Cqt::Octave::add(const SparseRow& row) {
  const int first = row.bins.empty() ? 0 : row.bins.front();
  const int last = row.bins.empty() ? 0 : row.bins.back() + 1;
  firsts.push_back(first);
  lengths.push_back(last - first);
  starts.push_back(real.size());
  real.resize(real.size() + static_cast<std::size_t>(last - first), 0.0f);
  imag.resize(real.size(), 0.0f);
  for (std::size_t j = 0; j < row.bins.size(); ++j) {
    real[starts.back() + static_cast<std::size_t>(row.bins[j] - first)] =
        static_cast<float>(row.weights[j].real());
    imag[starts.back() + static_cast<std::size_t>(row.bins[j] - first)] =
        static_cast<float>(row.weights[j].imag());
  }
}

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
      octave.add(make_kernel_row(f, q * rate / f, static_cast<int>(rate), octave.n_fft,
                                 options.window, options.sparsity, gain));
    }
    // The band the filters touch; runs are then counted from its first bin.
    int band_end = 0;
    octave.band_first = std::numeric_limits<int>::max();
    for (std::size_t r = 0; r < octave.filters(); ++r) {
      octave.band_first = std::min(octave.band_first, octave.firsts[r]);
      band_end = std::max(band_end, octave.firsts[r] + octave.lengths[r]);
    }
    octave.band_width = std::max(0, band_end - octave.band_first);
    for (int& run_first : octave.firsts)
      run_first -= octave.band_first;
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

namespace {

// The kernels of one octave, for a block of up to 8 frames at once (frame_lanes.hpp).
struct RunBlock {
  const float* rows_re;  // the band's bins of each frame: frame i's at i · width
  const float* rows_im;
  std::size_t width;
  std::size_t frames;  // 1 … 8
  float* columns_re;   // scratch, width · 8 each
  float* columns_im;
};

// |Σ w·x| of each filter's run for the block's frames: the rows are turned into columns (bin b
// of frame `lane` at b · 8 + lane), so each weight multiplies the same bin of 8 frames; the sums
// go in bin order, without fused multiply-adds, the same operations in both clones.
MIRKIT_TARGET_CLONES
void apply_runs(const RunBlock& block, const int* firsts, const int* lengths,
                const std::size_t* starts, const float* weights_real, const float* weights_imag,
                std::size_t filters, float* out, std::size_t out_stride) {
  using lanes::kLanes;
  using lanes::Lanes;
  const float* re[kLanes];
  const float* im[kLanes];
  for (std::size_t lane = 0; lane < kLanes; ++lane) {
    // A block of fewer than 8 frames repeats its last frame in the spare lanes.
    re[lane] = block.rows_re + std::min(lane, block.frames - 1) * block.width;
    im[lane] = block.rows_im + std::min(lane, block.frames - 1) * block.width;
  }
  lanes::gather_columns(re, block.width, block.columns_re);
  lanes::gather_columns(im, block.width, block.columns_im);
  for (std::size_t r = 0; r < filters; ++r) {
    const auto first = static_cast<std::size_t>(firsts[r]) * kLanes;
    const float* x_re = block.columns_re + first;
    const float* x_im = block.columns_im + first;
    const float* w_re = weights_real + starts[r];
    const float* w_im = weights_imag + starts[r];
    Lanes sum_re = {}, sum_im = {}, a, b;
    for (std::size_t k = 0; k < static_cast<std::size_t>(lengths[r]); ++k) {
      lanes::load(a, x_re + k * kLanes);
      lanes::load(b, x_im + k * kLanes);
      sum_re += a * w_re[k] - b * w_im[k];
      sum_im += b * w_re[k] + a * w_im[k];
    }
    const Lanes power = sum_re * sum_re + sum_im * sum_im;
    for (std::size_t lane = 0; lane < block.frames; ++lane)
      out[lane * out_stride + r] = std::sqrt(power[lane]);
  }
}

// One frame's band of bins, split into real and imaginary parts.
MIRKIT_TARGET_CLONES
void split_band(const std::complex<float>* band, std::size_t width, float* re, float* im) {
  const float* pairs = reinterpret_cast<const float*>(band);
  for (std::size_t k = 0; k < width; ++k) {
    re[k] = pairs[2 * k];
    im[k] = pairs[2 * k + 1];
  }
}

}  // namespace

Matrix Cqt::magnitude(std::span<const float> signal) const {
  std::span<const float> current = signal;  // this octave's signal
  std::vector<float> downsampled;
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
                    static_cast<Eigen::Index>(octave.filters()));
    // The band's bins of 8 frames, split into real and imaginary rows, then turned to columns.
    const auto width = static_cast<std::size_t>(octave.band_width);
    std::vector<float> rows_re(lanes::kLanes * width), rows_im(lanes::kLanes * width);
    std::vector<float> columns_re(lanes::kLanes * width), columns_im(lanes::kLanes * width);
    std::size_t pending = 0;
    stft.for_each_frame(current, [&](int f, std::span<const std::complex<float>> spectrum) {
      split_band(spectrum.data() + octave.band_first, width, rows_re.data() + pending * width,
                 rows_im.data() + pending * width);
      if (++pending == lanes::kLanes || f + 1 == response.rows()) {
        const RunBlock block{rows_re.data(), rows_im.data(),    width,
                             pending,        columns_re.data(), columns_im.data()};
        apply_runs(block, octave.firsts.data(), octave.lengths.data(), octave.starts.data(),
                   octave.real.data(), octave.imag.data(), octave.filters(),
                   response.row(f + 1 - static_cast<Eigen::Index>(pending)).data(),
                   static_cast<std::size_t>(response.cols()));
        pending = 0;
      }
    });
    frames = std::min(frames, response.rows());
    responses.push_back(std::move(response));
    if (i + 1 < octaves_.size()) {
      // Half the rate for the next octave down; ×√2 keeps the energy (librosa's scale=True).
      downsampled = io::resample(current, 2000, 1000, options_.resampling);
      for (float& s : downsampled)
        s *= std::numbers::sqrt2_v<float>;
      current = downsampled;
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
