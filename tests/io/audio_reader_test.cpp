// Reading as an analysis wants it: time ranges, downmix, resampling, blocks, NaN/Inf refused.
#include "mirkit/io/audio_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mirkit/core/error.hpp"
#include "support/audio_files.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::io {
namespace {

using test::FileFormat;

// A stereo float WAV whose left channel is a ramp (sample n = n / frames) and right channel the
// negated ramp, so positions and the downmix can be checked exactly.
std::filesystem::path write_ramp(const test::TempDir& dir, int rate, std::size_t frames) {
  std::vector<float> interleaved;
  for (std::size_t n = 0; n < frames; ++n) {
    const float v = static_cast<float>(n) / static_cast<float>(frames);
    interleaved.push_back(v);
    interleaved.push_back(-0.5f * v);
  }
  const auto path = dir / "ramp.wav";
  test::write_audio(path, interleaved, rate, 2, FileFormat::wav_float);
  return path;
}

LoadOptions native() {
  LoadOptions options;
  options.decode.sample_rate = 0;
  return options;
}

TEST(AudioReader, DownmixesToTheChannelMean) {
  test::TempDir dir;
  const auto path = write_ramp(dir, 8000, 8000);
  const Audio audio = load_audio(path, native());
  ASSERT_EQ(audio.channels, 1);
  ASSERT_EQ(audio.frames(), 8000u);
  EXPECT_FLOAT_EQ(audio.samples[4000], 0.25f * 0.5f);  // (v − v/2) / 2 at v = 0.5
}

TEST(AudioReader, KeepsChannelsWhenAsked) {
  test::TempDir dir;
  const auto path = write_ramp(dir, 8000, 8000);
  LoadOptions options = native();
  options.decode.mono = false;
  const Audio audio = load_audio(path, options);
  ASSERT_EQ(audio.channels, 2);
  ASSERT_EQ(audio.frames(), 8000u);
  EXPECT_FLOAT_EQ(audio.samples[2 * 4000], 0.5f);
  EXPECT_FLOAT_EQ(audio.samples[2 * 4000 + 1], -0.25f);
}

TEST(AudioReader, ReadsFromAnOffsetForADuration) {
  test::TempDir dir;
  const auto path = write_ramp(dir, 8000, 8000);
  LoadOptions options = native();
  options.decode.mono = false;
  options.decode.offset_s = 0.25;
  options.decode.duration_s = 0.5;
  const Audio audio = load_audio(path, options);
  ASSERT_EQ(audio.frames(), 4000u);
  EXPECT_FLOAT_EQ(audio.samples[0], 2000.0f / 8000.0f);
  EXPECT_FLOAT_EQ(audio.samples[2 * 3999], 5999.0f / 8000.0f);
}

TEST(AudioReader, OffsetPastTheEndGivesAnEmptySignal) {
  test::TempDir dir;
  const auto path = write_ramp(dir, 8000, 800);
  LoadOptions options = native();
  options.decode.offset_s = 5.0;
  EXPECT_EQ(load_audio(path, options).frames(), 0u);
}

TEST(AudioReader, ResamplesToTheRequestedRate) {
  test::TempDir dir;
  const auto path = dir / "tone.flac";
  test::write_audio(path, test::sine(1000.0, 44100, 44100, 0.5), 44100, 1, FileFormat::flac);
  const Audio audio = load_audio(path);  // defaults: 22050 Hz mono
  EXPECT_EQ(audio.sample_rate, 22050);
  ASSERT_EQ(audio.frames(), 22050u);
  const auto fit = test::fit_tone(audio.samples, 1000.0, 22050, 500, 21550);
  EXPECT_NEAR(fit.amplitude, 0.5, 1e-3);  // 16-bit FLAC: rounding noise ~1e-5
}

// Small decoder blocks give the same samples as large ones, and each block stays bounded: the
// memory of a read does not grow with the file.
TEST(AudioReader, BlocksAreBoundedAndDoNotChangeTheResult) {
  test::TempDir dir;
  const auto path = dir / "long.wav";
  test::write_audio(path, test::log_sweep(50, 15000, 44100, 441000, 0.5), 44100, 1);
  DecodeOptions small;
  small.block_frames = 1000;
  AudioReader reader(path, small);
  std::vector<float> all, block;
  std::size_t largest = 0;
  while (reader.read(block)) {
    largest = std::max(largest, block.size());
    all.insert(all.end(), block.begin(), block.end());
    block.clear();
  }
  // 1000 input frames at 44.1 kHz give ≤ 501 outputs, plus at most one block the resampler
  // held back (it filters whole blocks at a time).
  EXPECT_LE(largest, 501u + Resampler(44100, 22050).output_block());
  EXPECT_EQ(all, load_audio(path).samples);
}

TEST(AudioReader, RefusesNaNWithItsPosition) {
  test::TempDir dir;
  auto samples = test::sine(440, 8000, 8000);
  samples[4321] = std::numeric_limits<float>::quiet_NaN();
  const auto path = dir / "nan.wav";
  test::write_audio(path, samples, 8000, 1, FileFormat::wav_float);
  try {
    load_audio(path);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.file(), path.string());
    EXPECT_NE(error.cause().find("non-finite sample (NaN) at frame 4321"), std::string::npos)
        << error.what();
  }
}

TEST(AudioReader, RefusesInf) {
  test::TempDir dir;
  auto samples = test::sine(440, 8000, 8000);
  samples[10] = -std::numeric_limits<float>::infinity();
  const auto path = dir / "inf.wav";
  test::write_audio(path, samples, 8000, 1, FileFormat::wav_float);
  EXPECT_THROW(
      {
        try {
          load_audio(path);
        } catch (const Error& error) {
          EXPECT_NE(error.cause().find("(Inf) at frame 10"), std::string::npos);
          throw;
        }
      },
      Error);
}

TEST(AudioReader, RejectsBadOptionsAsUsageErrors) {
  test::TempDir dir;
  const auto path = write_ramp(dir, 8000, 80);
  LoadOptions options;
  options.decode.offset_s = -1;
  try {
    load_audio(path, options);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
  }
}

TEST(LoadAudio, TrimsSilenceThenNormalisesThenFixesLength) {
  test::TempDir dir;
  std::vector<float> samples(8000, 0.0f);
  const auto tone = test::sine(440, 8000, 4000, 0.1);
  std::copy(tone.begin(), tone.end(), samples.begin() + 2048);
  const auto path = dir / "padded.wav";
  test::write_audio(path, samples, 8000, 1, FileFormat::wav_float);

  LoadOptions options = native();
  options.trim_top_db = 60;
  const Audio trimmed = load_audio(path, options);
  // librosa.effects.trim keeps whole hops: the tone is at [2048, 6048); frames centred at
  // t·512 reach it from t = 3 to t = 13, so [3·512, 14·512) is kept.
  EXPECT_EQ(trimmed.frames(), 14u * 512 - 3u * 512);

  options.normalization = Normalization::peak;
  options.normalization_dbfs = -6.0;
  const Audio normalised = load_audio(path, options);
  float peak = 0;
  for (float s : normalised.samples)
    peak = std::max(peak, std::abs(s));
  EXPECT_NEAR(peak, std::pow(10.0, -6.0 / 20.0), 1e-6);

  options.fixed_duration_s = 2.0;
  EXPECT_EQ(load_audio(path, options).frames(), 16000u);
}

}  // namespace
}  // namespace mirkit::io
