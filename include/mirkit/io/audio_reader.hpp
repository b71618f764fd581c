// Reading audio the way an analysis wants it: decoded in blocks, a time range picked, downmixed
// to mono (or not), resampled. Memory stays bounded by the block size, whatever the file length.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "mirkit/io/audio_ops.hpp"
#include "mirkit/io/audio_source.hpp"
#include "mirkit/io/resampler.hpp"

namespace mirkit::io {

struct DecodeOptions {
  int sample_rate = 22050;           // Hz of the output; 0 keeps the file's own rate
  bool mono = true;                  // channel mean; false keeps every channel
  double offset_s = 0.0;             // start here (seconds into the file)
  std::optional<double> duration_s;  // read at most this long; none = to the end
  ResampleQuality quality = ResampleQuality::high;
  std::size_t block_frames = 65536;  // decoder block size, in frames of the file
};

// A file decoded as a stream of interleaved blocks (frames × channels()).
class AudioReader {
 public:
  // Opens the file and checks the options. Throws mirkit::Error naming the file.
  AudioReader(const std::filesystem::path& path, const DecodeOptions& options = {});
  // A stream already open (open_audio_stream: standard input), read front to back; its
  // offset must be 0. Errors name the stream.
  AudioReader(std::unique_ptr<AudioSource> source, const DecodeOptions& options);
  ~AudioReader();
  AudioReader(AudioReader&&) noexcept;
  AudioReader& operator=(AudioReader&&) noexcept;

  const AudioInfo& file_info() const { return source_->info(); }
  int sample_rate() const { return output_rate_; }
  int channels() const { return output_channels_; }
  // How many samples the whole stream will give, as far as the file's header tells (0 when it
  // does not): what to reserve so that the signal is not copied as it grows.
  std::size_t expected_samples() const;

  // Appends the next block to `out`. Returns false once the stream has ended (and nothing was
  // appended). Throws mirkit::Error naming the file on a decoding error or a NaN/Inf sample.
  bool read(std::vector<float>& out);

 private:
  void start();  // the rates, the range and the resamplers, from the source's header
  void decode_block(std::vector<float>& out);
  void check_finite(std::span<const float> block) const;

  std::unique_ptr<AudioSource> source_;
  DecodeOptions options_;
  int output_rate_ = 0;
  int output_channels_ = 0;
  std::int64_t frames_left_ = 0;       // of the file's frames, within the requested range
  std::int64_t frames_decoded_ = 0;    // since the offset
  std::vector<Resampler> resamplers_;  // one per output channel, when resampling
  std::vector<float> decoded_;         // the last block, interleaved; only grows
  std::vector<float> channel_;         // one channel of it (or the mix), on its way to a resampler
  std::vector<std::vector<float>> planes_;
  bool finished_ = false;
};

struct LoadOptions {
  DecodeOptions decode;
  Normalization normalization = Normalization::none;
  double normalization_dbfs = 0.0;         // target level: peak 0 dBFS, or e.g. −20 for rms
  std::optional<double> trim_top_db;       // trim leading/trailing silence (librosa.effects.trim)
  std::optional<double> fixed_duration_s;  // then pad with zeros or cut to exactly this long
};

// Decoded audio in memory: interleaved samples, frames × channels.
struct Audio {
  int sample_rate = 0;
  int channels = 0;
  std::vector<float> samples;

  std::size_t frames() const {
    return channels > 0 ? samples.size() / static_cast<std::size_t>(channels) : 0;
  }
  double duration_s() const {
    return sample_rate > 0 ? static_cast<double>(frames()) / sample_rate : 0.0;
  }
};

// Reads a whole file with AudioReader, then trims, normalises and fixes the length, in that
// order. Throws mirkit::Error naming the file.
Audio load_audio(const std::filesystem::path& path, const LoadOptions& options = {});

}  // namespace mirkit::io
