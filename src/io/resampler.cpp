#include "mirkit/io/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "../core/fftw_planner.hpp"
#include "fft_correlator.hpp"
#include "mirkit/core/error.hpp"
#include "simd_dot.hpp"

namespace mirkit::io {
namespace {

// Up to this many phases the bank holds one row per exact phase (all the usual rate pairs:
// 44100→22050 has 1, 48000→22050 has 147, 8000→22050 has 441). Beyond it, rows are taken at
// kInterpolatedPhases points and blended linearly; the blend's error, about (π/P)²/8 of the
// coefficients, is below −120 dB.
constexpr std::int64_t kMaxExactPhases = 2048;
constexpr int kInterpolatedPhases = 1024;

// Up to this many phases the bank also filters by FFT: each phase costs one inverse transform
// per segment, which pays while the phases are few (1 for 44.1 → 22.05 kHz: about 5× fewer
// operations than the direct inner products of its 288 taps).
constexpr std::int64_t kMaxFftPhases = 4;

// Modified Bessel function of the first kind, order 0, by its power series (converges fast for
// the β ≤ 15 a Kaiser window uses).
double bessel_i0(double x) {
  const double quarter_x2 = x * x / 4.0;
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k < 500 && term > 1e-17 * sum; ++k) {
    term *= quarter_x2 / (static_cast<double>(k) * k);
    sum += term;
  }
  return sum;
}

// The prototype low-pass: a sinc with cut-off `cutoff` (cycles per input sample) under a Kaiser
// window of half-width `half_width` input samples.
struct KaiserSinc {
  double cutoff;
  double half_width;
  double beta;
  double i0_beta;

  double operator()(double t) const {
    const double r = t / half_width;
    if (std::abs(r) >= 1.0) return 0.0;
    const double x = 2.0 * cutoff * t;
    const double sinc = x == 0.0 ? 1.0 : std::sin(std::numbers::pi * x) / (std::numbers::pi * x);
    return 2.0 * cutoff * sinc * bessel_i0(beta * std::sqrt(1.0 - r * r)) / i0_beta;
  }
};

}  // namespace

ResampleDesign resample_design(ResampleQuality quality) {
  switch (quality) {
    case ResampleQuality::fast:
      return {0.80, 1.0, 80.0};
    case ResampleQuality::high:
      return {0.90, 1.0, 110.0};
  }
  return {0.90, 1.0, 110.0};
}

ResampleQuality parse_resample_quality(std::string_view name) {
  for (const auto& [known, quality] : kResampleQualityNames)
    if (known == name) return quality;
  throw usage_error("unknown resampling quality '" + std::string(name) + "' (known: fast, high)");
}

std::string_view to_string(ResampleQuality quality) {
  for (const auto& [name, known] : kResampleQualityNames)
    if (known == quality) return name;
  return "high";
}

// The polyphase filter bank for one (rate pair, quality). Row p holds the taps for an output
// sample that falls p/phases of the way between two input samples; a row's taps are
// x[i − half + 1 … i − half + taps] for the input sample i just before the output time.
struct detail::PolyphaseBank {
  std::int64_t up = 1;    // output_rate / gcd
  std::int64_t down = 1;  // input_rate / gcd
  std::int64_t half = 0;
  std::size_t taps = 0;  // a multiple of kDotLanes; the padding taps are zero
  std::int64_t phases = 1;
  bool interpolated = false;
  std::vector<float> rows;  // (phases + interpolated) × taps
  // The FFT path, for few phases: outputs come in blocks of `block_outputs` (a multiple of up),
  // block k from output k · block_outputs, so each block reads the same input segment however
  // the stream was cut, and a stream gives the same samples as the whole signal.
  std::unique_ptr<FftCorrelator> fft;
  std::int64_t block_outputs = 0;

  bool identity() const { return up == down; }
  const float* row(std::int64_t phase) const {
    return rows.data() + static_cast<std::size_t>(phase) * taps;
  }
};

namespace {

using detail::FftCorrelator;
using detail::PolyphaseBank;

std::shared_ptr<const PolyphaseBank> design_bank(std::int64_t up, std::int64_t down,
                                                 ResampleQuality quality) {
  auto bank = std::make_shared<PolyphaseBank>();
  bank->up = up;
  bank->down = down;
  if (up == down) return bank;

  // Kaiser's design rule (Oppenheim & Schafer, eq. 7.62/7.63, as scipy.signal.kaiserord):
  // β from the attenuation, length from attenuation and transition width. Frequencies are in
  // cycles per input sample; the band edges are fractions of the lower Nyquist rate.
  const ResampleDesign design = resample_design(quality);
  const double lower_nyquist = 0.5 * std::min<double>(1.0, static_cast<double>(up) / down);
  const double pass = design.passband_end * lower_nyquist;
  const double stop = design.stopband_begin * lower_nyquist;
  const double a = design.attenuation_db;
  const double beta =
      a > 50.0 ? 0.1102 * (a - 8.7) : 0.5842 * std::pow(a - 21.0, 0.4) + 0.07886 * (a - 21.0);
  const double length = (a - 7.95) / (2.285 * 2.0 * std::numbers::pi * (stop - pass));
  const KaiserSinc prototype{0.5 * (pass + stop), 0.5 * length, beta, bessel_i0(beta)};

  bank->half = static_cast<std::int64_t>(std::ceil(prototype.half_width)) + 1;
  const auto span = static_cast<std::size_t>(2 * bank->half);
  bank->taps = (span + kDotLanes - 1) / kDotLanes * kDotLanes;
  bank->interpolated = up > kMaxExactPhases;
  bank->phases = bank->interpolated ? kInterpolatedPhases : up;

  const std::int64_t rows = bank->phases + (bank->interpolated ? 1 : 0);
  bank->rows.assign(static_cast<std::size_t>(rows) * bank->taps, 0.0f);
  std::vector<double> row(bank->taps);
  for (std::int64_t p = 0; p < rows; ++p) {
    const double frac = static_cast<double>(p) / static_cast<double>(bank->phases);
    for (std::size_t j = 0; j < bank->taps; ++j) {
      row[j] = prototype(frac + static_cast<double>(bank->half - 1) - static_cast<double>(j));
    }
    // Each phase sums to exactly one, so DC and the amplitude of low tones are kept exactly.
    const double sum = std::accumulate(row.begin(), row.end(), 0.0);
    float* out = bank->rows.data() + static_cast<std::size_t>(p) * bank->taps;
    for (std::size_t j = 0; j < bank->taps; ++j)
      out[j] = static_cast<float>(row[j] / sum);
  }

  if (up <= kMaxFftPhases) {
    bank->fft =
        std::make_unique<FftCorrelator>(bank->rows, static_cast<std::size_t>(up), bank->taps);
    // The most outputs whose taps fit one segment: output b of a block reads from segment
    // sample floor(b · down / up), which must stay below valid().
    const auto valid = static_cast<std::int64_t>(bank->fft->valid());
    const std::int64_t fit = (valid * up - 1) / down + 1;
    bank->block_outputs = fit / up * up;
    if (bank->block_outputs < up) throw std::logic_error("resampler: FFT segment too short");
  }
  return bank;
}

// Banks are cached: a batch converts thousands of files between the same two rates.
std::shared_ptr<const PolyphaseBank> cached_bank(int input_rate, int output_rate,
                                                 ResampleQuality quality) {
  // FFTW's planner lock is made first so that it outlives the cached plans at exit.
  [[maybe_unused]] static std::mutex& planner = fftw_planner_mutex();
  static std::mutex mutex;
  static std::map<std::tuple<int, int, ResampleQuality>, std::shared_ptr<const PolyphaseBank>>
      cache;
  const auto key = std::make_tuple(input_rate, output_rate, quality);
  std::lock_guard lock(mutex);
  auto& slot = cache[key];
  if (!slot) {
    const std::int64_t g = std::gcd(input_rate, output_rate);
    slot = design_bank(output_rate / g, input_rate / g, quality);
  }
  return slot;
}

void check_rate(int rate, const char* which) {
  if (rate < kMinResampleRate || rate > kMaxResampleRate) {
    throw usage_error(std::string(which) + " sample rate " + std::to_string(rate) +
                      " Hz is outside " + std::to_string(kMinResampleRate) + "…" +
                      std::to_string(kMaxResampleRate) + " Hz");
  }
}

}  // namespace

Resampler::Resampler(int input_rate, int output_rate, ResampleQuality quality)
    : input_rate_(input_rate), output_rate_(output_rate) {
  check_rate(input_rate, "input");
  check_rate(output_rate, "output");
  bank_ = cached_bank(input_rate, output_rate, quality);
  if (bank_->fft) workspace_ = bank_->fft->workspace();
  reset();
}

Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

std::size_t Resampler::taps() const {
  return bank_->identity() ? 1 : bank_->taps;
}

std::size_t Resampler::output_block() const {
  return bank_->fft ? static_cast<std::size_t>(bank_->block_outputs) : 1;
}

void Resampler::reset() {
  // The window of output 0 starts half − 1 samples before the signal: those are zeros.
  history_.assign(static_cast<std::size_t>(std::max<std::int64_t>(bank_->half - 1, 0)), 0.0f);
  history_start_ = -static_cast<std::int64_t>(history_.size());
  inputs_seen_ = 0;
  next_output_ = 0;
}

void Resampler::process(std::span<const float> input, std::vector<float>& output) {
  inputs_seen_ += static_cast<std::int64_t>(input.size());
  if (bank_->identity()) {
    output.insert(output.end(), input.begin(), input.end());
    next_output_ = inputs_seen_;
    return;
  }
  if (bank_->fft) {
    // The FFT path reads its segments from the history and the new input where they lie, so
    // a whole signal given at once is not copied.
    produce_blocks(output, -1, input);
    keep_history_from(first_input_of(next_output_), input);
    return;
  }
  history_.insert(history_.end(), input.begin(), input.end());
  // Output n needs input up to floor(n·down/up) − half + taps; find the last n that has it.
  const std::int64_t available_end = history_start_ + static_cast<std::int64_t>(history_.size());
  const std::int64_t last_start =
      available_end + bank_->half - 1 - static_cast<std::int64_t>(bank_->taps);
  if (last_start >= 0) {
    const std::int64_t end = ((last_start + 1) * bank_->up + bank_->down - 1) / bank_->down;
    produce(output, end);
  }
  // Drop the input that no later output reaches.
  keep_history_from(first_input_of(next_output_), {});
}

// Output n sits at input time n · down / up; its filter reads the taps input samples from
// floor(n · down / up) − half + 1 on.
std::int64_t Resampler::first_input_of(std::int64_t output) const {
  return output * bank_->down / bank_->up - bank_->half + 1;
}

void Resampler::keep_history_from(std::int64_t position, std::span<const float> input) {
  const auto held = static_cast<std::int64_t>(history_.size());
  const std::int64_t from = std::max(position, history_start_);
  if (from >= history_start_ + held) {
    const auto skip =
        std::min(static_cast<std::size_t>(from - history_start_ - held), input.size());
    history_.assign(input.begin() + static_cast<std::ptrdiff_t>(skip), input.end());
    history_start_ += held + static_cast<std::int64_t>(skip);
    return;
  }
  history_.erase(history_.begin(), history_.begin() + (from - history_start_));
  history_start_ = from;
  history_.insert(history_.end(), input.begin(), input.end());
}

void Resampler::copy_stream(std::int64_t from, std::size_t count, std::span<const float> input,
                            float* to) const {
  // history_ holds positions [history_start_, history_start_ + held), input the ones after.
  const auto held = static_cast<std::int64_t>(history_.size());
  std::size_t done = 0;
  if (from < history_start_ + held) {
    const auto n = std::min(count, static_cast<std::size_t>(history_start_ + held - from));
    std::copy_n(history_.data() + (from - history_start_), n, to);
    done = n;
  }
  const std::int64_t input_at = from + static_cast<std::int64_t>(done) - history_start_ - held;
  if (done < count && input_at < static_cast<std::int64_t>(input.size())) {
    const auto n = std::min(count - done, input.size() - static_cast<std::size_t>(input_at));
    std::copy_n(input.data() + input_at, n, to + done);
    done += n;
  }
  std::fill(to + done, to + count, 0.0f);  // the signal is zero after its end
}

void Resampler::finish(std::vector<float>& output) {
  if (!bank_->identity()) {
    const std::int64_t total = (inputs_seen_ * bank_->up + bank_->down - 1) / bank_->down;
    if (bank_->fft) {
      produce_blocks(output, total, {});
    } else {
      // The signal is zero after its end: pad enough zeros for the last window.
      history_.resize(history_.size() + bank_->taps + static_cast<std::size_t>(bank_->half), 0.0f);
      produce(output, total);
    }
  }
  reset();
}

void Resampler::produce(std::vector<float>& output, std::int64_t end) {
  const detail::PolyphaseBank& bank = *bank_;
  if (end <= next_output_) return;
  const std::size_t first = output.size();
  output.resize(first + static_cast<std::size_t>(end - next_output_));
  float* out = output.data() + first;
  for (std::int64_t n = next_output_; n < end; ++n) {
    const std::int64_t phase = n * bank.down % bank.up;
    const float* x = history_.data() + (first_input_of(n) - history_start_);
    if (!bank.interpolated) {
      *out++ = dot(bank.row(phase), x, bank.taps);
    } else {
      const double where = static_cast<double>(phase) * bank.phases / static_cast<double>(bank.up);
      const auto row = static_cast<std::int64_t>(where);
      const auto blend = static_cast<float>(where - static_cast<double>(row));
      const float lower = dot(bank.row(row), x, bank.taps);
      const float upper = dot(bank.row(row + 1), x, bank.taps);
      *out++ = lower + blend * (upper - lower);
    }
  }
  next_output_ = end;
}

void Resampler::produce_blocks(std::vector<float>& output, std::int64_t total,
                               std::span<const float> input) {
  const detail::PolyphaseBank& bank = *bank_;
  const std::size_t segment = bank.fft->segment_size();
  const std::int64_t stream_end = history_start_ + static_cast<std::int64_t>(history_.size()) +
                                  static_cast<std::int64_t>(input.size());
  while (total < 0 || next_output_ < total) {
    const std::int64_t first = next_output_;
    const std::int64_t start = first_input_of(first);  // exact: first is a multiple of up
    // While streaming, wait for the rest of this block's segment; at the end, zeros fill it.
    if (total < 0 && start + static_cast<std::int64_t>(segment) > stream_end) return;
    copy_stream(start, segment, input, workspace_->segment());
    bank.fft->correlate(*workspace_);

    const std::int64_t count =
        total < 0 ? bank.block_outputs : std::min(bank.block_outputs, total - first);
    const std::size_t at = output.size();
    output.resize(at + static_cast<std::size_t>(count));
    float* out = output.data() + at;
    if (bank.up == 1) {  // one phase: every down-th correlation
      const float* result = workspace_->result(0);
      for (std::int64_t b = 0; b < count; ++b)
        out[b] = result[b * bank.down];
    } else {
      // Output n is correlation number first_input_of(n) − start of its phase.
      for (std::int64_t n = first; n < first + count; ++n) {
        *out++ = workspace_->result(
            static_cast<std::size_t>(n * bank.down % bank.up))[first_input_of(n) - start];
      }
    }
    next_output_ += count;
  }
}

std::vector<float> resample(std::span<const float> input, int input_rate, int output_rate,
                            ResampleQuality quality) {
  Resampler resampler(input_rate, output_rate, quality);
  std::vector<float> output;
  output.reserve(static_cast<std::size_t>(
      (static_cast<std::int64_t>(input.size()) * output_rate + input_rate - 1) / input_rate));
  resampler.process(input, output);
  resampler.finish(output);
  return output;
}

}  // namespace mirkit::io
