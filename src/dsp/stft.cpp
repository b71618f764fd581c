#include "mirkit/dsp/stft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <string>
#include <type_traits>

#include "../core/fftw_planner.hpp"
#include "mirkit/core/cpu_dispatch.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::dsp {

std::string_view to_string(PadMode mode) {
  for (const auto& [name, known] : kPadModeNames)
    if (known == mode) return name;
  return "constant";
}

int stft_frames(std::size_t samples, const StftOptions& options) {
  const auto n = static_cast<long long>(samples);
  if (options.center) return static_cast<int>(1 + n / options.hop_length);
  if (n < options.n_fft) return 0;
  return static_cast<int>(1 + (n - options.n_fft) / options.hop_length);
}

namespace {

// FFTW's single- and double-precision APIs side by side, for the one plan holder below.
template <class Real>
struct Fftw;
template <>
struct Fftw<float> {
  using Complex = fftwf_complex;
  using PlanHandle = fftwf_plan;
  static float* alloc_real(std::size_t n) { return fftwf_alloc_real(n); }
  static Complex* alloc_complex(std::size_t n) { return fftwf_alloc_complex(n); }
  static PlanHandle plan_r2c(int n, float* in, Complex* out) {
    return fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
  }
  static void execute(PlanHandle plan, float* in, Complex* out) {
    fftwf_execute_dft_r2c(plan, in, out);
  }
  static void destroy(PlanHandle plan) { fftwf_destroy_plan(plan); }
  static void free(void* p) { fftwf_free(p); }
};
template <>
struct Fftw<double> {
  using Complex = fftw_complex;
  using PlanHandle = fftw_plan;
  static double* alloc_real(std::size_t n) { return fftw_alloc_real(n); }
  static Complex* alloc_complex(std::size_t n) { return fftw_alloc_complex(n); }
  static PlanHandle plan_r2c(int n, double* in, Complex* out) {
    return fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
  }
  static void execute(PlanHandle plan, double* in, Complex* out) {
    fftw_execute_dft_r2c(plan, in, out);
  }
  static void destroy(PlanHandle plan) { fftw_destroy_plan(plan); }
  static void free(void* p) { fftw_free(p); }
};

// An r2c plan of n points with its own aligned buffers, made and destroyed under the planner lock.
template <class Real>
struct RealPlan {
  using Api = Fftw<Real>;
  Real* in = nullptr;
  typename Api::Complex* out = nullptr;
  typename Api::PlanHandle plan = nullptr;

  explicit RealPlan(int n) {
    std::lock_guard lock(fftw_planner_mutex());
    in = Api::alloc_real(static_cast<std::size_t>(n));
    out = Api::alloc_complex(static_cast<std::size_t>(n / 2 + 1));
    plan = Api::plan_r2c(n, in, out);
  }
  ~RealPlan() {
    std::lock_guard lock(fftw_planner_mutex());
    Api::destroy(plan);
    Api::free(in);
    Api::free(out);
  }
  RealPlan(const RealPlan&) = delete;
  RealPlan& operator=(const RealPlan&) = delete;

  void execute() { Api::execute(plan, in, out); }
};

}  // namespace

struct Stft::Plan : RealPlan<float> {
  using RealPlan::RealPlan;
};
struct Stft::DoublePlan : RealPlan<double> {
  using RealPlan::RealPlan;
};

namespace {

void check(const StftOptions& options) {
  if (options.n_fft < 2) throw usage_error("n_fft must be ≥ 2");
  if (options.hop_length < 1) throw usage_error("hop_length must be ≥ 1");
  if (options.win_length < 0 || options.win_length > options.n_fft) {
    throw usage_error("win_length must be between 1 and n_fft (0 means n_fft)");
  }
}

// The sample at index i of the padded signal (i may fall outside [0, n)).
float padded_sample(std::span<const float> x, long long i, PadMode mode) {
  const auto n = static_cast<long long>(x.size());
  if (i >= 0 && i < n) return x[static_cast<std::size_t>(i)];
  if (n == 0 || mode == PadMode::constant) return 0.0f;
  if (mode == PadMode::edge || n == 1) return x[i < 0 ? 0 : static_cast<std::size_t>(n - 1)];
  // numpy "reflect": the signal mirrored about its end samples, with period 2(n − 1).
  const long long period = 2 * (n - 1);
  long long j = i % period;
  if (j < 0) j += period;
  return x[static_cast<std::size_t>(j < n ? j : period - j)];
}

// The double transform's input: a frame times the window, in double.
MIRKIT_TARGET_CLONES
void window_frame_in_double(const float* x, const double* window, int n, double* out) {
  for (int j = 0; j < n; ++j)
    out[j] = static_cast<double>(x[j]) * window[j];
}

// Frame `frame` of the signal times the window, into `in` (n_fft values): straight from the
// signal where the frame lies inside it, through the padding rule at its edges.
template <class Real>
void fill_frame(std::span<const float> signal, int frame, const StftOptions& options,
                const std::vector<Real>& window, Real* in) {
  const int n_fft = options.n_fft;
  const long long start =
      static_cast<long long>(frame) * options.hop_length - (options.center ? n_fft / 2 : 0);
  if (start >= 0 && start + n_fft <= static_cast<long long>(signal.size())) {
    const float* x = signal.data() + start;
    if constexpr (std::is_same_v<Real, double>) {
      window_frame_in_double(x, window.data(), n_fft, in);
    } else {
      for (int j = 0; j < n_fft; ++j)
        in[j] = x[j] * window[static_cast<std::size_t>(j)];
    }
    return;
  }
  for (int j = 0; j < n_fft; ++j) {
    in[j] = static_cast<Real>(padded_sample(signal, start + j, options.pad_mode)) *
            window[static_cast<std::size_t>(j)];
  }
}

}  // namespace

Stft::Stft(const StftOptions& options) : options_(options) {
  check(options_);
  if (options_.win_length == 0) options_.win_length = options_.n_fft;
  // librosa pads a short window with zeros on both sides to n_fft (util.pad_center).
  const std::vector<double> w = make_window(options_.window, options_.win_length);
  window_in_double_.assign(static_cast<std::size_t>(options_.n_fft), 0.0);
  const int offset = (options_.n_fft - options_.win_length) / 2;
  for (int i = 0; i < options_.win_length; ++i)
    window_in_double_[static_cast<std::size_t>(offset + i)] = w[static_cast<std::size_t>(i)];
  window_.assign(window_in_double_.begin(), window_in_double_.end());
  plan_ = std::make_unique<Plan>(options_.n_fft);
}

Stft::~Stft() = default;
Stft::Stft(Stft&&) noexcept = default;
Stft& Stft::operator=(Stft&&) noexcept = default;

void Stft::transform_frame(std::span<const float> signal, int frame) {
  fill_frame(signal, frame, options_, window_, plan_->in);
  plan_->execute();
}

const std::complex<float>* Stft::spectrum() const {
  return reinterpret_cast<const std::complex<float>*>(plan_->out);
}

Matrix Stft::power(std::span<const float> signal) {
  Matrix result;
  power(signal, result);
  return result;
}

Matrix Stft::magnitude(std::span<const float> signal) {
  Matrix result;
  magnitude(signal, result);
  return result;
}

ComplexMatrix Stft::complex(std::span<const float> signal) {
  ComplexMatrix result(stft_frames(signal.size(), options_), bins());
  for_each_frame(signal, [&](int f, std::span<const std::complex<float>> spectrum) {
    std::copy(spectrum.begin(), spectrum.end(), result.row(f).data());
  });
  return result;
}

void Stft::power(std::span<const float> signal, Matrix& result) {
  result.resize(stft_frames(signal.size(), options_), bins());
  for_each_frame(signal, [&](int f, std::span<const std::complex<float>> spectrum) {
    const float* pairs = reinterpret_cast<const float*>(spectrum.data());
    float* out = result.row(f).data();
    for (int k = 0; k < bins(); ++k)
      out[k] = pairs[2 * k] * pairs[2 * k] + pairs[2 * k + 1] * pairs[2 * k + 1];
  });
}

void Stft::magnitude(std::span<const float> signal, Matrix& result) {
  result.resize(stft_frames(signal.size(), options_), bins());
  for_each_frame(signal, [&](int f, std::span<const std::complex<float>> spectrum) {
    // sqrt(re² + im²) in float while the frame is in cache: within an ulp or two of std::abs's
    // hypot, at a fraction of its cost (vectorised: this file is built without errno).
    const float* pairs = reinterpret_cast<const float*>(spectrum.data());
    float* out = result.row(f).data();
    for (int k = 0; k < bins(); ++k) {
      out[k] = std::sqrt(pairs[2 * k] * pairs[2 * k] + pairs[2 * k + 1] * pairs[2 * k + 1]);
    }
  });
}

namespace {

// |X| from the double spectrum: the power summed in double (where a float transform's rounding
// would swamp the quiet bins), rounded to float once, its square root taken in float — within
// an ulp of the double root, at a fraction of its cost.
MIRKIT_TARGET_CLONES
void magnitudes_from_double(const fftw_complex* spectrum, int bins, float* out) {
  for (int k = 0; k < bins; ++k) {
    out[k] = std::sqrt(
        static_cast<float>(spectrum[k][0] * spectrum[k][0] + spectrum[k][1] * spectrum[k][1]));
  }
}

}  // namespace

void Stft::magnitude_in_double(std::span<const float> signal, Matrix& result) {
  if (!double_plan_) double_plan_ = std::make_unique<DoublePlan>(options_.n_fft);
  result.resize(stft_frames(signal.size(), options_), bins());
  for (int f = 0; f < result.rows(); ++f) {
    fill_frame(signal, f, options_, window_in_double_, double_plan_->in);
    double_plan_->execute();
    magnitudes_from_double(double_plan_->out, bins(), result.row(f).data());
  }
}

}  // namespace mirkit::dsp
