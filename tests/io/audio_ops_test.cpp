#include "mirkit/io/audio_ops.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "mirkit/core/error.hpp"
#include "support/signals.hpp"

namespace mirkit::io {
namespace {

TEST(Downmix, AveragesChannels) {
  std::vector<float> mono;
  append_downmix(std::vector<float>{1.0f, 0.0f, 0.5f, -0.5f, 0.2f, 0.4f}, 2, mono);
  EXPECT_EQ(mono, (std::vector<float>{0.5f, 0.0f, 0.3f}));
}

TEST(Normalize, PeakReachesTheTarget) {
  std::vector<float> x = {0.1f, -0.25f, 0.2f};
  normalize(x, Normalization::peak, 0.0);
  EXPECT_FLOAT_EQ(x[1], -1.0f);
  EXPECT_FLOAT_EQ(x[0], 0.4f);
}

TEST(Normalize, RmsReachesTheTarget) {
  auto x = test::sine(100, 8000, 8000, 0.9);
  normalize(x, Normalization::rms, -20.0);
  EXPECT_NEAR(20 * std::log10(test::rms(x, 0, x.size())), -20.0, 1e-4);
}

TEST(Normalize, LeavesSilenceAlone) {
  std::vector<float> x(100, 0.0f);
  normalize(x, Normalization::peak, 0.0);
  normalize(x, Normalization::rms, -20.0);
  for (float s : x)
    EXPECT_EQ(s, 0.0f);
}

TEST(Normalize, ParsesNames) {
  EXPECT_EQ(parse_normalization("rms"), Normalization::rms);
  EXPECT_THROW(parse_normalization("loudness"), Error);
}

// librosa.effects.trim(y, top_db=60) on a tone between two silences: frames are 2048 long every
// 512, centred, so the kept range is [first loud frame · 512, (last loud frame + 1) · 512).
TEST(FindNonSilent, KeepsTheLoudPartInWholeHops) {
  std::vector<float> x(20000, 0.0f);
  const auto tone = test::sine(440, 22050, 5000, 0.5);
  std::copy(tone.begin(), tone.end(), x.begin() + 8000);
  const FrameRange range = find_non_silent(x, 1, 60.0);
  // A frame centred at t·512 reaches the tone when t·512 + 1024 > 8000, i.e. t ≥ 14.
  EXPECT_EQ(range.begin, 14u * 512);
  // The last frame that still holds tone: t·512 − 1024 < 13000, i.e. t ≤ 27.
  EXPECT_EQ(range.end, 28u * 512);
}

// As librosa: with ref = max, an all-zero signal has no frame quieter than the loudest, so it
// is kept whole (rather than trimmed to nothing, which no later stage could use).
TEST(FindNonSilent, AllSilentIsKeptWhole) {
  const FrameRange range = find_non_silent(std::vector<float>(5000, 0.0f), 1, 60.0);
  EXPECT_EQ(range.begin, 0u);
  EXPECT_EQ(range.end, 5000u);
}

TEST(FindNonSilent, ClampsToTheSignal) {
  const auto tone = test::sine(440, 22050, 1000, 0.5);
  const FrameRange range = find_non_silent(tone, 1, 60.0);
  EXPECT_EQ(range.begin, 0u);
  EXPECT_EQ(range.end, 1000u);
}

TEST(FixLength, PadsAndCuts) {
  std::vector<float> x = {1, 2, 3, 4};
  fix_length(x, 2, 3);
  EXPECT_EQ(x, (std::vector<float>{1, 2, 3, 4, 0, 0}));
  fix_length(x, 2, 1);
  EXPECT_EQ(x, (std::vector<float>{1, 2}));
}

}  // namespace
}  // namespace mirkit::io
