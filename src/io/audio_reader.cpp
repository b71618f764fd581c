#include "mirkit/io/audio_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>

#include "mirkit/core/error.hpp"

namespace mirkit::io {
namespace {

void check_options(const DecodeOptions& options) {
  if (!(options.offset_s >= 0.0) || !std::isfinite(options.offset_s)) {
    throw usage_error("offset must be a finite number of seconds ≥ 0");
  }
  if (options.duration_s && !(*options.duration_s > 0.0 && std::isfinite(*options.duration_s))) {
    throw usage_error("duration must be a finite number of seconds > 0");
  }
  if (options.sample_rate < 0) throw usage_error("sample rate must be ≥ 0 (0 keeps the file's)");
  if (options.block_frames == 0) throw usage_error("block size must be ≥ 1 frame");
}

// librosa.load rounds offsets and durations to the nearest frame of the file.
std::int64_t seconds_to_frames(double seconds, int rate) {
  return static_cast<std::int64_t>(std::llround(seconds * rate));
}

}  // namespace

AudioReader::AudioReader(const std::filesystem::path& path, const DecodeOptions& options)
    : options_(options) {
  try {
    check_options(options);
    source_ = open_audio_source(path);
    start();
  } catch (const Error& error) {
    throw error.with_file(path.string()).with_stage("decode");
  }
}

AudioReader::AudioReader(std::unique_ptr<AudioSource> source, const DecodeOptions& options)
    : source_(std::move(source)), options_(options) {
  try {
    check_options(options);
    if (options.offset_s > 0.0) throw usage_error("a stream starts where it is: no offset");
    start();
  } catch (const Error& error) {
    throw error.with_file(source_->info().path).with_stage("decode");
  }
}

void AudioReader::start() {
  const DecodeOptions& options = options_;
  const AudioInfo& info = source_->info();
  output_rate_ = options.sample_rate == 0 ? info.sample_rate : options.sample_rate;
  output_channels_ = options.mono ? 1 : info.channels;

  const std::int64_t start = seconds_to_frames(options.offset_s, info.sample_rate);
  frames_left_ =
      options.duration_s ? seconds_to_frames(*options.duration_s, info.sample_rate) : INT64_MAX;
  if (start > 0) {
    if (info.frames > 0 && start >= info.frames) {
      frames_left_ = 0;  // past the end: an empty signal, as librosa gives
    } else {
      source_->seek(start);
    }
  }
  if (output_rate_ != info.sample_rate) {
    // The file's rate is data, not the caller's choice: out of range, it fails this input.
    if (info.sample_rate < kMinResampleRate || info.sample_rate > kMaxResampleRate) {
      throw Error("its sample rate, " + std::to_string(info.sample_rate) +
                      " Hz, cannot be resampled (mirkit resamples " +
                      std::to_string(kMinResampleRate) + "–" + std::to_string(kMaxResampleRate) +
                      " Hz)",
                  ErrorKind::input);
    }
    for (int c = 0; c < output_channels_; ++c) {
      resamplers_.emplace_back(info.sample_rate, output_rate_, options.quality);
    }
    planes_.resize(static_cast<std::size_t>(output_channels_));
  }
}

std::size_t AudioReader::expected_samples() const {
  const AudioInfo& info = source_->info();
  if (info.frames <= 0 || info.sample_rate <= 0) return 0;
  const std::int64_t frames = std::min(frames_left_, info.frames);
  // Resampled: ceil(frames · out / in) samples, and one more for the rounding of the ratio.
  const double out_frames =
      std::ceil(static_cast<double>(frames) * output_rate_ / info.sample_rate) + 1.0;
  return static_cast<std::size_t>(out_frames) * static_cast<std::size_t>(output_channels_);
}

AudioReader::~AudioReader() = default;
AudioReader::AudioReader(AudioReader&&) noexcept = default;
AudioReader& AudioReader::operator=(AudioReader&&) noexcept = default;

bool AudioReader::read(std::vector<float>& out) {
  const std::size_t before = out.size();
  try {
    // A resampler may hold back a block's output until it has seen more input: keep decoding
    // until something comes out or the stream ends.
    while (!finished_ && out.size() == before)
      decode_block(out);
  } catch (const Error& error) {
    throw error.with_file(source_->info().path).with_stage("decode");
  }
  return out.size() > before;
}

void AudioReader::decode_block(std::vector<float>& out) {
  const AudioInfo& info = source_->info();
  const auto channels = static_cast<std::size_t>(info.channels);
  const auto wanted = static_cast<std::size_t>(
      std::min<std::int64_t>(frames_left_, static_cast<std::int64_t>(options_.block_frames)));
  std::size_t got = 0;
  if (resamplers_.empty() && (channels == 1 || !options_.mono)) {
    // Nothing to mix or resample: decode straight into the caller's buffer.
    const std::size_t at = out.size();
    out.resize(at + wanted * channels);
    if (wanted > 0) got = source_->read(std::span(out).subspan(at, wanted * channels));
    out.resize(at + got * channels);
    check_finite(std::span(out).subspan(at));
    frames_left_ -= static_cast<std::int64_t>(got);
    frames_decoded_ += static_cast<std::int64_t>(got);
    finished_ = got == 0;
    return;
  }
  // The buffer only grows (no zero-filling of every block): `decoded` is this block's part.
  if (decoded_.size() < wanted * channels) decoded_.resize(wanted * channels);
  std::span<const float> decoded;
  if (wanted > 0) {
    got = source_->read(std::span(decoded_).first(wanted * channels));
    decoded = std::span(decoded_).first(got * channels);
    check_finite(decoded);
    frames_left_ -= static_cast<std::int64_t>(got);
    frames_decoded_ += static_cast<std::int64_t>(got);
  }
  const bool at_end = got == 0;

  if (resamplers_.empty()) {
    if (options_.mono) {
      append_downmix(decoded, info.channels, out);
    } else {
      out.insert(out.end(), decoded.begin(), decoded.end());
    }
    finished_ = at_end;
    return;
  }

  // Resample each output channel as its own stream, then interleave what came out.
  const auto out_channels = static_cast<std::size_t>(output_channels_);
  std::vector<float>& input = channel_;
  for (std::size_t c = 0; c < out_channels; ++c) {
    input.clear();
    if (options_.mono) {
      append_downmix(decoded, info.channels, input);
    } else {
      for (std::size_t f = 0; f < got; ++f)
        input.push_back(decoded[f * channels + c]);
    }
    planes_[c].clear();
    resamplers_[c].process(input, planes_[c]);
    if (at_end) resamplers_[c].finish(planes_[c]);
  }
  const std::size_t frames = planes_[0].size();
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t c = 0; c < out_channels; ++c)
      out.push_back(planes_[c][f]);
  }
  finished_ = at_end;
}

void AudioReader::check_finite(std::span<const float> block) const {
  // Integer samples (PCM_8 … PCM_32, FLAC's too) scale to finite floats: nothing to check.
  if (source_->info().subtype.starts_with("PCM_")) return;
  // First a pass that vectorises: an all-ones exponent is Inf or NaN. Only a block that has
  // one is searched for the first, to name it.
  std::uint32_t any = 0;
  for (const float value : block) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    any |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
  }
  if (any == 0) return;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (!std::isfinite(block[i])) {
      const auto channels = static_cast<std::size_t>(source_->info().channels);
      const std::int64_t frame = frames_decoded_ + static_cast<std::int64_t>(i / channels);
      std::ostringstream cause;
      cause << "non-finite sample (" << (std::isnan(block[i]) ? "NaN" : "Inf") << ") at frame "
            << frame << ", channel " << i % channels << " ("
            << static_cast<double>(frame) / source_->info().sample_rate
            << " s after the start read)";
      throw Error(cause.str());
    }
  }
}

Audio load_audio(const std::filesystem::path& path, const LoadOptions& options) {
  AudioReader reader(path, options.decode);
  Audio audio{reader.sample_rate(), reader.channels(), {}};
  audio.samples.reserve(reader.expected_samples());
  while (reader.read(audio.samples)) {
  }
  if (options.trim_top_db) {
    const FrameRange keep = find_non_silent(audio.samples, audio.channels, *options.trim_top_db);
    const auto width = static_cast<std::size_t>(audio.channels);
    audio.samples.erase(audio.samples.begin() + static_cast<std::ptrdiff_t>(keep.end * width),
                        audio.samples.end());
    audio.samples.erase(audio.samples.begin(),
                        audio.samples.begin() + static_cast<std::ptrdiff_t>(keep.begin * width));
  }
  normalize(audio.samples, options.normalization, options.normalization_dbfs);
  if (options.fixed_duration_s) {
    fix_length(
        audio.samples, audio.channels,
        static_cast<std::size_t>(std::llround(*options.fixed_duration_s * audio.sample_rate)));
  }
  return audio;
}

}  // namespace mirkit::io
