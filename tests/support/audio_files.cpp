#include "support/audio_files.hpp"

#include <sndfile.h>

#include <stdexcept>

namespace mirkit::test {
namespace {

int sndfile_format(FileFormat format) {
  switch (format) {
    case FileFormat::wav_pcm16:
      return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case FileFormat::wav_float:
      return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    case FileFormat::aiff_pcm16:
      return SF_FORMAT_AIFF | SF_FORMAT_PCM_16;
    case FileFormat::flac:
      return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case FileFormat::ogg_vorbis:
      return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    case FileFormat::ogg_opus:
      return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    case FileFormat::mp3:
      return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  }
  return 0;
}

}  // namespace

void write_audio(const std::filesystem::path& path, const std::vector<float>& interleaved,
                 int sample_rate, int channels, FileFormat format) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = sndfile_format(format);
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    throw std::runtime_error("cannot write " + path.string() + ": " + sf_strerror(nullptr));
  }
  // Float data is written as it is: NaN and Inf reach the file, which the tests rely on.
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_FALSE);
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size()) / channels;
  const sf_count_t written = sf_writef_float(file, interleaved.data(), frames);
  sf_close(file);
  if (written != frames) throw std::runtime_error("short write to " + path.string());
}

}  // namespace mirkit::test
