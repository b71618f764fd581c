// AudioSource: one decoder behind one small interface (as aubio's `source`), so that another
// backend (FFmpeg, say) is one more file. A source decodes in blocks: memory does not grow with
// the length of the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mirkit::io {

// What a file's header says.
struct AudioInfo {
  std::string path;
  std::string format;   // container: "WAV", "AIFF", "FLAC", "OGG", "MPEG", …
  std::string subtype;  // encoding: "PCM_16", "FLOAT", "VORBIS", "OPUS", "MPEG_LAYER_III", …
  int sample_rate = 0;  // Hz
  int channels = 0;
  std::int64_t frames = 0;  // samples per channel (for MP3 the decoder's estimate)

  double duration_s() const {
    return sample_rate > 0 ? static_cast<double>(frames) / sample_rate : 0.0;
  }
};

class AudioSource {
 public:
  virtual ~AudioSource() = default;

  virtual const AudioInfo& info() const = 0;

  // Decodes up to out.size() / channels frames into `out` as interleaved floats in [-1, 1]
  // (frames × channels). Returns the number of frames written; 0 at the end of the stream.
  // Throws mirkit::Error when the stream is corrupt.
  virtual std::size_t read(std::span<float> out) = 0;

  // Moves to `frame` (samples per channel from the start). Throws if the decoder cannot.
  virtual void seek(std::int64_t frame) = 0;
};

// Opens `path` with the backend that reads its format. Throws mirkit::Error (kind input) naming
// the file and the cause: missing, a directory, empty, a format no backend reads (M4A/AAC, WMA:
// the message says what would read it), or the decoder's own complaint.
std::unique_ptr<AudioSource> open_audio_source(const std::filesystem::path& path);

// Raw PCM, with no header to say how to read it: "s16le", "s24le", "s32le", "f32le" or "u8"
// (little-endian, interleaved), at `sample_rate` Hz, `channels` channels.
struct RawFormat {
  std::string encoding = "s16le";
  int sample_rate = 0;
  int channels = 1;
};
// The encodings RawFormat takes, for help texts and errors.
const std::vector<std::string>& raw_encodings();

// A stream already open as a file descriptor, read front to back without seeking: standard
// input fed by a pipe (arecord, sox, ffmpeg) or a file. With a header (WAV, AIFF, AU, FLAC, Ogg)
// unless `raw` says how to read headerless PCM. `name` ("standard input") names it in errors,
// which are mirkit::Errors (kind input). The descriptor is not closed.
std::unique_ptr<AudioSource> open_audio_stream(int fd, const std::string& name,
                                               const std::optional<RawFormat>& raw);

}  // namespace mirkit::io
