#include "sndfile_source.hpp"

#include <sndfile.h>

#include <map>
#include <mutex>
#include <string>

#include "mirkit/core/error.hpp"
#include "mirkit/core/text.hpp"

namespace mirkit::io {
namespace {

// libsndfile reports a failed open through one process-wide slot, sf_strerror(NULL): open and
// read that slot under one lock so two threads never see each other's message.
std::mutex& open_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string format_name(int format, int mask) {
  SF_FORMAT_INFO info{};
  info.format = format & mask;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof(info)) != 0 || info.name == nullptr) {
    return {};
  }
  return info.name;
}

// Short, stable names for the container and the encoding (libsndfile's own names are long
// descriptions such as "WAV (Microsoft)").
std::string container_name(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
      return "WAV";
    case SF_FORMAT_WAVEX:
      return "WAVEX";
    case SF_FORMAT_RF64:
      return "RF64";
    case SF_FORMAT_W64:
      return "W64";
    case SF_FORMAT_AIFF:
      return "AIFF";
    case SF_FORMAT_AU:
      return "AU";
    case SF_FORMAT_CAF:
      return "CAF";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return "OGG";
    case SF_FORMAT_MPEG:
      return "MPEG";
    case SF_FORMAT_RAW:
      return "RAW";
    default:
      return format_name(format, SF_FORMAT_TYPEMASK);
  }
}

std::string encoding_name(int format) {
  switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
      return "PCM_S8";
    case SF_FORMAT_PCM_U8:
      return "PCM_U8";
    case SF_FORMAT_PCM_16:
      return "PCM_16";
    case SF_FORMAT_PCM_24:
      return "PCM_24";
    case SF_FORMAT_PCM_32:
      return "PCM_32";
    case SF_FORMAT_FLOAT:
      return "FLOAT";
    case SF_FORMAT_DOUBLE:
      return "DOUBLE";
    case SF_FORMAT_ULAW:
      return "ULAW";
    case SF_FORMAT_ALAW:
      return "ALAW";
    case SF_FORMAT_VORBIS:
      return "VORBIS";
    case SF_FORMAT_OPUS:
      return "OPUS";
    case SF_FORMAT_MPEG_LAYER_I:
      return "MPEG_LAYER_I";
    case SF_FORMAT_MPEG_LAYER_II:
      return "MPEG_LAYER_II";
    case SF_FORMAT_MPEG_LAYER_III:
      return "MPEG_LAYER_III";
    default:
      return format_name(format, SF_FORMAT_SUBMASK);
  }
}

class SndfileSource final : public AudioSource {
 public:
  SndfileSource(SNDFILE* file, AudioInfo info) : file_(file), info_(std::move(info)) {}
  ~SndfileSource() override { sf_close(file_); }
  SndfileSource(const SndfileSource&) = delete;
  SndfileSource& operator=(const SndfileSource&) = delete;

  const AudioInfo& info() const override { return info_; }

  std::size_t read(std::span<float> out) override {
    const auto channels = static_cast<std::size_t>(info_.channels);
    const auto wanted = static_cast<sf_count_t>(out.size() / channels);
    const sf_count_t got = sf_readf_float(file_, out.data(), wanted);
    if (got < 0 || (got == 0 && sf_error(file_) != SF_ERR_NO_ERROR)) {
      throw Error(std::string("decoding failed (libsndfile: ") + sf_strerror(file_) + ")");
    }
    return static_cast<std::size_t>(got);
  }

  void seek(std::int64_t frame) override {
    if (sf_seek(file_, frame, SEEK_SET) < 0) {
      throw Error("cannot seek to frame " + std::to_string(frame) +
                  " (libsndfile: " + sf_strerror(file_) + ")");
    }
  }

 private:
  SNDFILE* file_;
  AudioInfo info_;
};

// The libsndfile format of a raw encoding.
int raw_sndfile_format(const std::string& encoding) {
  static const std::map<std::string, int> formats = {{"s16le", SF_FORMAT_PCM_16},
                                                     {"s24le", SF_FORMAT_PCM_24},
                                                     {"s32le", SF_FORMAT_PCM_32},
                                                     {"f32le", SF_FORMAT_FLOAT},
                                                     {"u8", SF_FORMAT_PCM_U8}};
  const auto found = formats.find(encoding);
  if (found == formats.end()) {
    throw usage_error("raw PCM encoding '" + encoding + "' is unknown; choose " +
                      join(raw_encodings(), ", "));
  }
  return SF_FORMAT_RAW | found->second | SF_ENDIAN_LITTLE;
}

// `stream`: read from a pipe, whose length the header cannot know (a recorder writes a
// placeholder), so the frame count is left unknown (0).
std::unique_ptr<AudioSource> source_of(SNDFILE* file, const SF_INFO& sf_info,
                                       const std::string& name, bool stream) {
  if (sf_info.channels <= 0 || sf_info.samplerate <= 0) {
    sf_close(file);
    throw Error("invalid header: " + std::to_string(sf_info.channels) + " channels at " +
                std::to_string(sf_info.samplerate) + " Hz");
  }
  AudioInfo info;
  info.path = name;
  info.format = container_name(sf_info.format);
  info.subtype = encoding_name(sf_info.format);
  info.sample_rate = sf_info.samplerate;
  info.channels = sf_info.channels;
  info.frames = stream ? 0 : sf_info.frames;
  return std::make_unique<SndfileSource>(file, std::move(info));
}

// Opens with `open` under the lock that guards libsndfile's error slot.
template <typename Open>
SNDFILE* open_guarded(Open open) {
  std::string failure;
  SNDFILE* file = nullptr;
  {
    std::lock_guard lock(open_mutex());
    file = open();
    if (file == nullptr) failure = sf_strerror(nullptr);
  }
  if (file == nullptr) throw Error("cannot decode (libsndfile: " + failure + ")");
  return file;
}

}  // namespace

const std::vector<std::string>& raw_encodings() {
  static const std::vector<std::string> names = {"s16le", "s24le", "s32le", "f32le", "u8"};
  return names;
}

std::unique_ptr<AudioSource> open_sndfile_source(const std::filesystem::path& path) {
  SF_INFO sf_info{};
  SNDFILE* file = open_guarded([&] { return sf_open(path.c_str(), SFM_READ, &sf_info); });
  return source_of(file, sf_info, path.string(), false);
}

std::unique_ptr<AudioSource> open_sndfile_stream(int fd, const std::string& name,
                                                 const std::optional<RawFormat>& raw) {
  SF_INFO sf_info{};
  if (raw) {
    sf_info.format = raw_sndfile_format(raw->encoding);
    sf_info.samplerate = raw->sample_rate;
    sf_info.channels = raw->channels;
  }
  try {
    SNDFILE* file = open_guarded([&] { return sf_open_fd(fd, SFM_READ, &sf_info, SF_FALSE); });
    return source_of(file, sf_info, name, true);
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::usage) throw;
    throw error.with_file(name);
  }
}

}  // namespace mirkit::io
