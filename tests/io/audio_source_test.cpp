// Decoding every format mirkit reads, and a clear one-line error for every kind of bad file.
#include "mirkit/io/audio_source.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <random>

#include "mirkit/core/error.hpp"
#include "support/audio_files.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

using test::FileFormat;

struct FormatCase {
  FileFormat format;
  const char* file;
  const char* container;
  const char* subtype;
  double tolerance;  // |decoded − written|: 16-bit rounding, or a lossy codec's own error
  bool exact_length;
};

// Lossy codecs are checked by the tone's level only: their error is their business.
const FormatCase kFormats[] = {
    {FileFormat::wav_pcm16, "a.wav", "WAV", "PCM_16", 1.0 / 32768, true},
    {FileFormat::wav_float, "a.wav", "WAV", "FLOAT", 0.0, true},
    {FileFormat::aiff_pcm16, "a.aiff", "AIFF", "PCM_16", 1.0 / 32768, true},
    {FileFormat::flac, "a.flac", "FLAC", "PCM_16", 1.0 / 32768, true},
    {FileFormat::ogg_vorbis, "a.ogg", "OGG", "VORBIS", -1, true},
    {FileFormat::ogg_opus, "a.opus", "OGG", "OPUS", -1, false},
    {FileFormat::mp3, "a.mp3", "MPEG", "MPEG_LAYER_III", -1, false},
};

class AudioSourceFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(AudioSourceFormatTest, DecodesWhatWasWritten) {
  const FormatCase& c = GetParam();
  test::TempDir dir;
  const int rate = c.format == FileFormat::ogg_opus ? 48000 : 44100;
  const std::size_t frames = static_cast<std::size_t>(rate);  // 1 s, stereo
  const auto left = test::sine(440.0, rate, frames, 0.5);
  const auto right = test::sine(660.0, rate, frames, 0.25);
  std::vector<float> interleaved;
  for (std::size_t i = 0; i < frames; ++i) {
    interleaved.push_back(left[i]);
    interleaved.push_back(right[i]);
  }
  const auto path = dir / c.file;
  test::write_audio(path, interleaved, rate, 2, c.format);

  auto source = open_audio_source(path);
  const AudioInfo& info = source->info();
  EXPECT_EQ(info.path, path.string());
  EXPECT_EQ(info.format, c.container);
  EXPECT_EQ(info.subtype, c.subtype);
  EXPECT_EQ(info.sample_rate, rate);
  EXPECT_EQ(info.channels, 2);
  if (c.exact_length) {
    EXPECT_EQ(info.frames, static_cast<std::int64_t>(frames));
  } else {  // codecs with priming/padding: within 50 ms
    EXPECT_NEAR(static_cast<double>(info.frames), static_cast<double>(frames), 0.05 * rate);
  }

  std::vector<float> decoded;
  std::vector<float> block(4096 * 2);
  while (std::size_t got = source->read(block)) {
    decoded.insert(decoded.end(), block.begin(),
                   block.begin() + static_cast<std::ptrdiff_t>(got * 2));
  }
  ASSERT_GE(decoded.size(), interleaved.size() * 9 / 10);
  if (c.tolerance >= 0) {
    ASSERT_EQ(decoded.size(), interleaved.size());
    double worst = 0;
    for (std::size_t i = 0; i < decoded.size(); ++i) {
      worst = std::max(worst, static_cast<double>(std::abs(decoded[i] - interleaved[i])));
    }
    EXPECT_LE(worst, c.tolerance);
  } else {
    std::vector<float> left_out;
    for (std::size_t i = 0; i < decoded.size(); i += 2)
      left_out.push_back(decoded[i]);
    const std::size_t n = left_out.size();
    EXPECT_NEAR(test::rms(left_out, n / 4, 3 * n / 4), 0.5 / std::sqrt(2.0), 0.05);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, AudioSourceFormatTest, ::testing::ValuesIn(kFormats),
                         [](const auto& param_info) {
                           std::string name = param_info.param.container;
                           return name + "_" + param_info.param.subtype;
                         });

// An MP3's stated length is what decoding it gives: from the LAME/Xing header when it has one,
// by a scan of the frames when it has none (the header frame cut off here) — the reader reads
// exactly that many frames, so a wrong length would cut the audio short.
TEST(AudioSource, Mp3LengthIsWhatDecodingGivesWithAndWithoutItsLameHeader) {
  test::TempDir dir;
  const auto tagged = dir / "tagged.mp3";
  test::write_audio(tagged, test::sine(440.0, 44100, 3 * 44100, 0.5), 44100, 1, FileFormat::mp3);
  std::ifstream in(tagged, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The first MPEG-1 Layer III frame (the LAME/Xing "Info" frame of an encoder that writes one):
  // 144 · bit rate / sample rate + padding bytes.
  const auto header = [&](std::size_t at) { return static_cast<unsigned char>(bytes[at]); };
  ASSERT_GE(bytes.size(), 4u);
  ASSERT_EQ(header(0), 0xFF) << "the file starts with an MPEG frame, no ID3 tag";
  constexpr int kKbps[] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
  const int kbps = kKbps[std::min(header(2) >> 4, 14)];
  const std::size_t first_frame = 144 * kbps * 1000 / 44100 + ((header(2) >> 1) & 1);
  ASSERT_GT(kbps, 0);
  ASSERT_EQ(header(first_frame), 0xFF) << "a second frame follows the first";
  const auto untagged = dir / "untagged.mp3";
  test::write_bytes(untagged, bytes.substr(first_frame));

  for (const auto& path : {tagged, untagged}) {
    auto source = open_audio_source(path);
    std::vector<float> block(4096);
    std::int64_t decoded = 0;
    while (const std::size_t got = source->read(block))
      decoded += static_cast<std::int64_t>(got);
    EXPECT_EQ(source->info().frames, decoded) << path;
    EXPECT_NEAR(static_cast<double>(decoded), 3 * 44100, 0.05 * 44100) << path;
  }
}

// Each bad file must give an Error naming the file, with the cause in words.
void expect_open_error(const std::filesystem::path& path, const std::string& cause_part) {
  try {
    open_audio_source(path);
    FAIL() << "no error for " << path;
  } catch (const Error& error) {
    EXPECT_EQ(error.file(), path.string());
    EXPECT_EQ(error.kind(), ErrorKind::input);
    EXPECT_NE(error.cause().find(cause_part), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << "one line";
    EXPECT_EQ(std::string(error.what()).rfind(path.string() + ": ", 0), 0u) << error.what();
  }
}

TEST(AudioSourceErrors, MissingFile) {
  test::TempDir dir;
  expect_open_error(dir / "nothing.wav", "no such file");
}

TEST(AudioSourceErrors, EmptyFile) {
  test::TempDir dir;
  test::write_bytes(dir / "empty.wav", "");
  expect_open_error(dir / "empty.wav", "empty file (0 bytes)");
}

TEST(AudioSourceErrors, DirectoryNamedLikeAudio) {
  test::TempDir dir;
  std::filesystem::create_directory(dir / "x.wav");
  expect_open_error(dir / "x.wav", "is a directory");
}

TEST(AudioSourceErrors, TruncatedWavHeader) {
  test::TempDir dir;
  test::write_audio(dir / "good.wav", test::sine(440, 22050, 2205), 22050, 1);
  std::ifstream in(dir / "good.wav", std::ios::binary);
  std::string bytes(20, '\0');
  in.read(bytes.data(), 20);
  test::write_bytes(dir / "cut.wav", bytes);
  expect_open_error(dir / "cut.wav", "cannot decode (libsndfile:");
}

TEST(AudioSourceErrors, RandomBytesNamedMp3) {
  test::TempDir dir;
  std::mt19937 rng(1);
  std::string bytes(8192, '\0');
  for (char& b : bytes)
    b = static_cast<char>(rng() & 0xff);
  bytes[0] = 'X';  // not by chance an MPEG sync word or an ID3 tag
  test::write_bytes(dir / "noise.mp3", bytes);
  expect_open_error(dir / "noise.mp3", "cannot decode");
}

TEST(AudioSourceErrors, M4aNamesTheFormatAndTheWayOut) {
  test::TempDir dir;
  test::write_bytes(dir / "song.m4a", std::string("\0\0\0\x20"
                                                  "ftypM4A \0\0\0\0",
                                                  16));
  expect_open_error(dir / "song.m4a", "MPEG-4 audio (M4A/AAC/ALAC) is not readable by libsndfile");
}

TEST(AudioSourceErrors, WmaNamesTheFormat) {
  test::TempDir dir;
  test::write_bytes(dir / "song.wma", std::string("\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9", 10));
  expect_open_error(dir / "song.wma", "ASF/WMA audio is not readable");
}

TEST(AudioSourceErrors, UnreadableFile) {
  test::TempDir dir;
  test::write_audio(dir / "locked.wav", test::sine(440, 22050, 100), 22050, 1);
  std::filesystem::permissions(dir / "locked.wav", std::filesystem::perms::none);
  if (geteuid() != 0) {
    expect_open_error(dir / "locked.wav", "cannot open: Permission denied");
    return;
  }
  // Root reads files whatever their mode: the check runs in a child that has dropped to nobody
  // (65534), which may walk into the folder but not read the file. The child reports by its exit
  // code: 0 the right error, 1 no error, 2 another error, 3 it could not drop privileges.
  std::filesystem::permissions(
      dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::others_exec);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    try {
      open_audio_source(dir / "locked.wav");
      _exit(1);
    } catch (const Error& error) {
      const bool named = error.file() == (dir / "locked.wav").string() &&
                         error.cause().find("cannot open: Permission denied") != std::string::npos;
      _exit(named ? 0 : 2);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error; 2: another error; 3: could not drop root";
}

TEST(AudioSourceErrors, FifoIsNotARegularFile) {
  // Stands in for "unreadable" when the tests run as root: a path that cannot be read as a file.
  test::TempDir dir;
  ASSERT_EQ(mkfifo((dir / "pipe.wav").c_str(), 0600), 0);
  expect_open_error(dir / "pipe.wav", "not a regular file");
}

}  // namespace
}  // namespace mirkit::io
