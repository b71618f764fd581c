// The floor of decoding: libsndfile straight into one reused float buffer, nothing else — the
// reference `mirkit extract` is measured against in bench/extract_throughput.sh. Also writes the
// clips that script times, in every format it times, through the same library.
//
//   bench_decode write DIR COUNT SECONDS   clips of music-like sound (tones, chords, noise bursts):
//                                          DIR/wav22/ (22.05 kHz mono WAV), DIR/wav44/ (44.1 kHz
//                                          stereo WAV), DIR/ogg44/ (Ogg Vorbis), DIR/mp344/ (MP3),
//                                          DIR/aiff44/, DIR/flac44/ (16-bit stereo), DIR/opus48/
//   bench_decode read FILE…                decodes each file whole; prints the CPU seconds
//   bench_decode mirkit FILE…              the same through mirkit's reader (io::AudioReader at the
//                                          file's own rate, downmixed to mono, blocks appended to
//                                          one reused signal, NaN/Inf checked): what decoding
//                                          costs `mirkit extract` before any resampling
#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "mirkit/io/audio_reader.hpp"

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// A few seconds of something like music: a chord that changes every half second, a bass line,
// and short noise bursts on the beat; different for every clip.
std::vector<float> music(int clip, int rate, int channels, double seconds) {
  std::mt19937 random(static_cast<unsigned>(clip));
  std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
  const auto frames = static_cast<std::size_t>(seconds * rate);
  std::vector<float> out(frames * static_cast<std::size_t>(channels));
  double root = 110.0 * std::pow(2.0, (clip % 12) / 12.0);
  for (std::size_t f = 0; f < frames; ++f) {
    const double t = static_cast<double>(f) / rate;
    const int beat = static_cast<int>(t * 2.0);
    const double step = std::pow(2.0, ((beat * 5 + clip) % 7) / 12.0);
    double v = 0.0;
    for (const double ratio : {1.0, 1.25, 1.5, 2.0})
      v += 0.12 * std::sin(2.0 * std::numbers::pi * root * step * ratio * t);
    v += 0.2 * std::sin(2.0 * std::numbers::pi * root * 0.5 * t);
    const double since_beat = t * 2.0 - beat;
    if (since_beat < 0.05) v += 0.3 * noise(random) * (1.0 - since_beat / 0.05);
    for (int c = 0; c < channels; ++c)
      out[f * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
          static_cast<float>(v * (c == 0 ? 1.0 : 0.9));
  }
  return out;
}

bool write(const std::filesystem::path& path, const std::vector<float>& samples, int rate,
           int channels, int format) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file) {
    std::fprintf(stderr, "bench_decode: cannot write %s: %s\n", path.c_str(), sf_strerror(nullptr));
    return false;
  }
  sf_writef_float(file, samples.data(), static_cast<sf_count_t>(samples.size()) / channels);
  sf_close(file);
  return true;
}

int write_clips(const std::filesystem::path& dir, int count, double seconds) {
  struct Kind {
    const char* folder;
    const char* extension;
    int rate, channels, format;
  };
  const Kind kinds[] = {
      {"wav22", "wav", 22050, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16},
      {"wav44", "wav", 44100, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16},
      {"ogg44", "ogg", 44100, 2, SF_FORMAT_OGG | SF_FORMAT_VORBIS},
      {"mp344", "mp3", 44100, 2, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
      {"aiff44", "aiff", 44100, 2, SF_FORMAT_AIFF | SF_FORMAT_PCM_16},
      {"flac44", "flac", 44100, 2, SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
      {"opus48", "opus", 48000, 2, SF_FORMAT_OGG | SF_FORMAT_OPUS},
  };
  for (const Kind& kind : kinds) {
    std::filesystem::create_directories(dir / kind.folder);
    for (int c = 0; c < count; ++c) {
      char name[64];
      std::snprintf(name, sizeof name, "clip%04d.%s", c, kind.extension);
      const std::filesystem::path path = dir / kind.folder / name;
      if (std::filesystem::exists(path)) continue;
      if (!write(path, music(c, kind.rate, kind.channels, seconds), kind.rate, kind.channels,
                 kind.format))
        return 1;
    }
  }
  return 0;
}

int read_files(int count, char** paths) {
  std::vector<float> buffer;
  const double start = cpu_seconds();
  double checksum = 0.0;
  for (int i = 0; i < count; ++i) {
    SF_INFO info{};
    SNDFILE* file = sf_open(paths[i], SFM_READ, &info);
    if (!file) {
      std::fprintf(stderr, "bench_decode: cannot read %s\n", paths[i]);
      return 1;
    }
    buffer.resize(static_cast<std::size_t>(info.frames * info.channels));
    const sf_count_t got = sf_readf_float(file, buffer.data(), info.frames);
    if (got > 0) checksum += buffer[static_cast<std::size_t>(got - 1) * info.channels];
    sf_close(file);
  }
  std::printf("%.6f\n", cpu_seconds() - start);
  std::fprintf(stderr, "(checksum %g)\n", checksum);
  return 0;
}

int read_files_with_mirkit(int count, char** paths) {
  mirkit::io::DecodeOptions options;
  options.sample_rate = 0;  // the file's own
  options.mono = true;
  std::vector<float> signal;
  const double start = cpu_seconds();
  double checksum = 0.0;
  for (int i = 0; i < count; ++i) {
    try {
      mirkit::io::AudioReader reader(paths[i], options);
      signal.clear();
      signal.reserve(reader.expected_samples());
      while (reader.read(signal)) {
      }
    } catch (const std::exception& error) {
      std::fprintf(stderr, "bench_decode: %s\n", error.what());
      return 1;
    }
    if (!signal.empty()) checksum += signal.back();
  }
  std::printf("%.6f\n", cpu_seconds() - start);
  std::fprintf(stderr, "(checksum %g)\n", checksum);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::strcmp(argv[1], "write") == 0)
    return write_clips(argv[2], std::stoi(argv[3]), std::stod(argv[4]));
  if (argc >= 3 && std::strcmp(argv[1], "read") == 0) return read_files(argc - 2, argv + 2);
  if (argc >= 3 && std::strcmp(argv[1], "mirkit") == 0)
    return read_files_with_mirkit(argc - 2, argv + 2);
  std::fprintf(stderr,
               "usage: bench_decode write DIR COUNT SECONDS | bench_decode read|mirkit FILE…\n");
  return 2;
}
