#include "mirkit/dsp/istft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "../core/fftw_planner.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::dsp {
namespace {

// One complex-to-real plan with its own buffers, made and destroyed under the planner lock.
struct InversePlan {
  fftwf_complex* in = nullptr;
  float* out = nullptr;
  fftwf_plan plan = nullptr;

  explicit InversePlan(int n) {
    std::lock_guard lock(fftw_planner_mutex());
    in = fftwf_alloc_complex(static_cast<std::size_t>(n / 2 + 1));
    out = fftwf_alloc_real(static_cast<std::size_t>(n));
    plan = fftwf_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE);
  }
  ~InversePlan() {
    std::lock_guard lock(fftw_planner_mutex());
    fftwf_destroy_plan(plan);
    fftwf_free(in);
    fftwf_free(out);
  }
  InversePlan(const InversePlan&) = delete;
  InversePlan& operator=(const InversePlan&) = delete;
};

// The synthesis window: the analysis window, a shorter one centred in n_fft with zeros around
// it (librosa's util.pad_center), as Stft uses.
std::vector<double> padded_window(const StftOptions& options) {
  const int win_length = options.win_length == 0 ? options.n_fft : options.win_length;
  const std::vector<double> w = make_window(options.window, win_length);
  std::vector<double> padded(static_cast<std::size_t>(options.n_fft), 0.0);
  std::copy(w.begin(), w.end(), padded.begin() + (options.n_fft - win_length) / 2);
  return padded;
}

}  // namespace

std::vector<float> istft(const ComplexMatrix& spectrum, const StftOptions& options,
                         std::size_t length) {
  const int n_fft = options.n_fft;
  const int hop = options.hop_length;
  if (n_fft < 2 || hop < 1 || options.win_length < 0 || options.win_length > n_fft) {
    throw usage_error("istft: n_fft must be ≥ 2, hop_length ≥ 1, win_length in 0…n_fft");
  }
  if (spectrum.cols() != n_fft / 2 + 1) {
    throw usage_error("istft: " + std::to_string(spectrum.cols()) + " bins do not make n_fft " +
                      std::to_string(n_fft) + " (n_fft/2 + 1 expected)");
  }
  const long long half = options.center ? n_fft / 2 : 0;
  long long frames = spectrum.rows();
  if (length > 0) {
    // librosa skips the frames that start after the last sample asked for.
    const auto padded = static_cast<long long>(length) + 2 * half;
    frames = std::min(frames, (padded + hop - 1) / hop);
  }
  if (frames == 0) return std::vector<float>(length, 0.0f);
  const std::size_t size =
      length > 0 ? length
                 : static_cast<std::size_t>(std::max(0LL, n_fft + hop * (frames - 1) - 2 * half));

  // Overlap-add in float, as librosa: a sample sums at most n_fft / hop frames.
  const std::vector<double> window = padded_window(options);
  std::vector<float> result(size, 0.0f);
  std::vector<float> window_power(size, 0.0f);
  InversePlan plan(n_fft);
  const double scale = 1.0 / n_fft;  // FFTW's inverse is unnormalised
  for (long long t = 0; t < frames; ++t) {
    const long long start = t * hop - half;
    const long long begin = std::max(0LL, -start);
    const long long end = std::min<long long>(n_fft, static_cast<long long>(size) - start);
    if (begin >= end) continue;
    // The transform overwrites its input, so each frame is copied in.
    std::copy_n(spectrum.row(t).data(), spectrum.cols(),
                reinterpret_cast<std::complex<float>*>(plan.in));
    fftwf_execute_dft_c2r(plan.plan, plan.in, plan.out);
    for (long long j = begin; j < end; ++j) {
      const double w = window[static_cast<std::size_t>(j)];
      const auto i = static_cast<std::size_t>(start + j);
      result[i] += static_cast<float>(w * scale * plan.out[j]);
      window_power[i] += static_cast<float>(w * w);
    }
  }
  // Where the windows' squares sum to (next to) nothing there is nothing to undo: librosa
  // divides only where the sum exceeds the smallest normal float.
  for (std::size_t i = 0; i < size; ++i) {
    if (window_power[i] > FLT_MIN) result[i] /= window_power[i];
  }
  return result;
}

}  // namespace mirkit::dsp
