#include "mirkit/features/rhythm.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "../core/fftw_planner.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/dsp/window.hpp"

namespace mirkit::features {

dsp::Vector onset_strength(const dsp::Matrix& mel_db, int n_fft, int hop) {
  const Eigen::Index frames = mel_db.rows();
  const auto bands = static_cast<std::size_t>(mel_db.cols());
  const Eigen::Index delay = 1 + n_fft / (2 * hop);
  dsp::Vector envelope = dsp::Vector::Zero(frames);
  for (Eigen::Index t = delay; t < frames; ++t) {
    const float* now = mel_db.row(t - delay + 1).data();
    const float* before = mel_db.row(t - delay).data();
    // Eight partial sums in double (lane j takes the bands m ≡ j mod 8): one running sum
    // would make each band wait for the last.
    typedef float Floats __attribute__((vector_size(16)));
    typedef double Doubles __attribute__((vector_size(32)));
    Doubles partial[2] = {};
    std::size_t m = 0;
    for (; m + 8 <= bands; m += 8) {
      for (std::size_t h = 0; h < 2; ++h) {
        Floats a, b;
        std::memcpy(&a, now + m + 4 * h, sizeof(a));
        std::memcpy(&b, before + m + 4 * h, sizeof(b));
        const Floats rise = a - b;
        const Floats positive = rise > 0.0f ? rise : Floats{};  // std::max(0, rise)
        partial[h] += __builtin_convertvector(positive, Doubles);
      }
    }
    for (; m < bands; ++m)
      partial[0][0] += std::max(0.0f, now[m] - before[m]);
    const double sum = ((partial[0][0] + partial[0][1]) + (partial[0][2] + partial[0][3])) +
                       ((partial[1][0] + partial[1][1]) + (partial[1][2] + partial[1][3]));
    envelope(t) = static_cast<float>(sum / static_cast<double>(bands));
  }
  return envelope;
}

namespace {

// The mean over frames of each frame's autocorrelation normalised by its lag-0 value (librosa's
// tempogram, averaged). The autocorrelation is linear in the power spectrum, so instead of one
// inverse FFT per frame the frames' power spectra are summed, each divided by its frame's energy
// (= its lag-0 autocorrelation, the largest by Cauchy–Schwarz), and inverted once.
class MeanAutocorrelation {
 public:
  explicit MeanAutocorrelation(int n) : n_(n), size_(transform_size(2 * n - 1)) {
    std::lock_guard lock(fftw_planner_mutex());
    time_ = fftw_alloc_real(static_cast<std::size_t>(size_));
    spectrum_ = fftw_alloc_complex(static_cast<std::size_t>(size_ / 2 + 1));
    forward_ = fftw_plan_dft_r2c_1d(size_, time_, spectrum_, FFTW_ESTIMATE);
    inverse_ = fftw_plan_dft_c2r_1d(size_, spectrum_, time_, FFTW_ESTIMATE);
    // The zeros past the frame stay: an out-of-place r2c transform leaves its input alone.
    std::fill(time_, time_ + size_, 0.0);
    sum_.assign(static_cast<std::size_t>(size_ / 2 + 1), 0.0);
  }
  ~MeanAutocorrelation() {
    std::lock_guard lock(fftw_planner_mutex());
    fftw_destroy_plan(forward_);
    fftw_destroy_plan(inverse_);
    fftw_free(time_);
    fftw_free(spectrum_);
  }
  MeanAutocorrelation(const MeanAutocorrelation&) = delete;
  MeanAutocorrelation& operator=(const MeanAutocorrelation&) = delete;

  // Adds the frame x[i]·window[i], i < n. An all-zero frame adds nothing, as in librosa
  // (0/0 → 0).
  void add(const double* x, const double* window) {
    // Four partial sums of the energy: a single running sum would make every frame wait n
    // additions' latency.
    double partial[4] = {0.0, 0.0, 0.0, 0.0};
    int i = 0;
    for (; i + 4 <= n_; i += 4) {
      for (int j = 0; j < 4; ++j) {
        const double v = x[i + j] * window[i + j];
        time_[i + j] = v;
        partial[j] += v * v;
      }
    }
    for (; i < n_; ++i) {
      const double v = x[i] * window[i];
      time_[i] = v;
      partial[0] += v * v;
    }
    const double energy = (partial[0] + partial[1]) + (partial[2] + partial[3]);
    ++frames_;
    if (energy < std::numeric_limits<double>::min()) return;
    fftw_execute_dft_r2c(forward_, time_, spectrum_);
    const double scale = 1.0 / energy;
    const double* pairs = reinterpret_cast<const double*>(spectrum_);
    for (int k = 0; k <= size_ / 2; ++k) {
      sum_[static_cast<std::size_t>(k)] +=
          (pairs[2 * k] * pairs[2 * k] + pairs[2 * k + 1] * pairs[2 * k + 1]) * scale;
    }
  }

  // Lags 0 … n − 1 of the mean normalised autocorrelation.
  std::vector<double> mean() {
    for (int k = 0; k <= size_ / 2; ++k) {
      spectrum_[k][0] = sum_[static_cast<std::size_t>(k)];
      spectrum_[k][1] = 0.0;
    }
    fftw_execute(inverse_);
    std::vector<double> lags(static_cast<std::size_t>(n_), 0.0);
    if (frames_ == 0) return lags;
    // FFTW's inverse is unnormalised (× size); the energies were Σ x², so lag 0 is
    // size · (frames that were not silent) before this division, up to rounding.
    for (int i = 0; i < n_; ++i)
      lags[static_cast<std::size_t>(i)] = time_[i] / size_ / frames_;
    return lags;
  }

 private:
  // The smallest 2^k or 3·2^k ≥ n: no lag wraps around, and FFTW is fast at either (768
  // points for librosa's 344-frame window, against 1024 for the next power of two).
  static int transform_size(int n) {
    int size = 1;
    while (size < n)
      size *= 2;
    return size / 4 * 3 >= n && size >= 4 ? size / 4 * 3 : size;
  }

  int n_;
  int size_;
  int frames_ = 0;
  double* time_;
  fftw_complex* spectrum_;
  fftw_plan forward_;
  fftw_plan inverse_;
  std::vector<double> sum_;
};

}  // namespace

double tempo(const dsp::Vector& onset_envelope, int sample_rate, int hop,
             const TempoOptions& options) {
  if (!(options.start_bpm > 0 && options.std_bpm > 0 && options.ac_size > 0 &&
        options.max_tempo > 0)) {
    throw usage_error("tempo options must be > 0");
  }
  // librosa.time_to_frames(ac_size): floor(ac_size · sr / hop).
  const int window_length = static_cast<int>(std::floor(options.ac_size * sample_rate / hop));
  const auto n = static_cast<int>(onset_envelope.size());
  const int half = window_length / 2;

  // The envelope padded by half a window on each side with linear ramps to zero (numpy
  // "linear_ramp"), so that frame t is centred on envelope sample t; and with zeros past that
  // (one more when the window is odd), so that every frame lies inside it.
  std::vector<double> padded(static_cast<std::size_t>(n + window_length + 1), 0.0);
  if (n > 0) {
    const double first = onset_envelope(0), last = onset_envelope(n - 1);
    for (int i = 0; i < half; ++i) {
      padded[static_cast<std::size_t>(i)] = first * i / half;
      padded[static_cast<std::size_t>(n + 2 * half - 1 - i)] = last * i / half;
    }
    for (int i = 0; i < n; ++i)
      padded[static_cast<std::size_t>(half + i)] = onset_envelope(i);
  }

  const std::vector<double> window = dsp::make_window(dsp::WindowKind::hann, window_length);
  MeanAutocorrelation autocorrelation(window_length);
  for (int t = 0; t < n; ++t)
    autocorrelation.add(padded.data() + t, window.data());
  const std::vector<double> mean = autocorrelation.mean();

  // Lag i is 60·sr / (hop·i) BPM; lag 0 (infinite tempo) and anything above max_tempo are out.
  double best_score = -std::numeric_limits<double>::infinity();
  int best_lag = 1;
  for (int i = 1; i < window_length; ++i) {
    const double bpm = 60.0 * sample_rate / (static_cast<double>(hop) * i);
    if (bpm >= options.max_tempo) continue;
    const double z = (std::log2(bpm) - std::log2(options.start_bpm)) / options.std_bpm;
    const double score = std::log1p(1e6 * mean[static_cast<std::size_t>(i)]) - 0.5 * z * z;
    if (score > best_score) {
      best_score = score;
      best_lag = i;
    }
  }
  return 60.0 * sample_rate / (static_cast<double>(hop) * best_lag);
}

}  // namespace mirkit::features
