// Band-limited sample-rate conversion: a polyphase windowed-sinc (Kaiser) filter, zero delay,
// usable as a stream (block by block gives the same samples as the whole signal at once). Rate
// pairs with few phases (44.1 → 22.05 kHz, 48 → 24 kHz, 22.05 → 44.1 kHz) filter by FFT.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mirkit::io {

namespace detail {
struct PolyphaseBank;
class CorrelationWorkspace;
}  // namespace detail

// The rates a Resampler converts between (Hz); others are a usage Error.
inline constexpr int kMinResampleRate = 1000;
inline constexpr int kMaxResampleRate = 768000;

enum class ResampleQuality {
  fast,  // pass band to 0.80 of the lower Nyquist, stop band from 1.0 at −80 dB
  high,  // pass band to 0.90 of the lower Nyquist, stop band from 1.0 at −110 dB (the default)
};

// As recipes name them.
inline constexpr std::array<std::pair<std::string_view, ResampleQuality>, 2> kResampleQualityNames =
    {{{"fast", ResampleQuality::fast}, {"high", ResampleQuality::high}}};
ResampleQuality parse_resample_quality(std::string_view name);  // "fast" | "high"; throws usage
std::string_view to_string(ResampleQuality quality);

// The filter a quality setting asks for, as fractions of the lower of the two Nyquist rates.
struct ResampleDesign {
  double passband_end;    // flat (ripple ≤ 10^(−attenuation/20)) up to here
  double stopband_begin;  // attenuated by at least `attenuation_db` from here
  double attenuation_db;
};
ResampleDesign resample_design(ResampleQuality quality);

// Converts one channel from `input_rate` to `output_rate` (8 kHz … 384 kHz, any pair of whole
// rates). Output sample n sits at input time n · input_rate / output_rate exactly (no delay), and
// the signal is taken as zero before its start and after its end, so a stream of N input samples
// gives ceil(N · output_rate / input_rate) output samples, as librosa.resample(fix=True).
class Resampler {
 public:
  Resampler(int input_rate, int output_rate, ResampleQuality quality = ResampleQuality::high);
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;

  // Feeds the next block of the stream and appends every output sample it makes available.
  void process(std::span<const float> input, std::vector<float>& output);
  // Ends the stream: appends the remaining output samples. The resampler is then reset.
  void finish(std::vector<float>& output);
  // Forgets the stream so far, to start a new one with the same rates.
  void reset();

  int input_rate() const { return input_rate_; }
  int output_rate() const { return output_rate_; }
  // Taps per output sample (the cost of one output sample in multiply-adds).
  std::size_t taps() const;
  // Outputs come in blocks of this many (1 on the direct path, a few thousand on the FFT path):
  // a stream holds back at most this many, and one process() call may release them on top of
  // what its own input makes.
  std::size_t output_block() const;

 private:
  // The first input sample the filter of output `output` reads.
  std::int64_t first_input_of(std::int64_t output) const;
  void produce(std::vector<float>& output, std::int64_t last_output);
  // The FFT path: whole blocks of outputs while streaming (total < 0), up to `total` at the end;
  // the stream is the history followed by `input`.
  void produce_blocks(std::vector<float>& output, std::int64_t total, std::span<const float> input);
  // Copies stream positions [from, from + count) (history, then input, then zeros) to `to`.
  void copy_stream(std::int64_t from, std::size_t count, std::span<const float> input,
                   float* to) const;
  // Keeps the stream (history, then input) from `position` on as the new history.
  void keep_history_from(std::int64_t position, std::span<const float> input);

  int input_rate_;
  int output_rate_;
  std::shared_ptr<const detail::PolyphaseBank> bank_;
  std::unique_ptr<detail::CorrelationWorkspace> workspace_;  // the FFT path's buffers
  std::vector<float> history_;      // input samples from absolute index history_start_
  std::int64_t history_start_ = 0;  // may be negative: the zeros before the signal
  std::int64_t inputs_seen_ = 0;    // samples fed so far
  std::int64_t next_output_ = 0;    // index of the next output sample
};

// The whole signal at once: the same samples as a Resampler fed in blocks.
std::vector<float> resample(std::span<const float> input, int input_rate, int output_rate,
                            ResampleQuality quality = ResampleQuality::high);

}  // namespace mirkit::io
