// Feature recipes from JSON: validation, resolved defaults, names, and the GTZAN reference vector.
#include "mirkit/features/extractor.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "mirkit/core/error.hpp"
#include "support/golden.hpp"
#include "support/signals.hpp"

namespace mirkit::features {
namespace {

const std::string kConfigs = MIRKIT_CONFIG_DIR;

std::string usage_message(const Json& config) {
  try {
    FeatureExtractor extractor(config, "test.json");
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    return error.what();
  }
  ADD_FAILURE() << "no error for " << config.dump();
  return {};
}

// The shipped gtzan.json against librosa's reference GTZAN-style vectors (91 values: 45 means,
// 45 standard deviations, tempo). Tolerance: 1e-4 relative per value (the README's), tempo
// equal, the contrast values included (their STFT is taken in double, as librosa's).
TEST(GtzanRecipe, MatchesTheReferenceVectors) {
  FeatureExtractor extractor = FeatureExtractor::from_file(kConfigs + "/features/gtzan.json");
  ASSERT_EQ(extractor.pooled_names().size(), 91u);
  EXPECT_EQ(extractor.pooled_names()[0], "mfcc_01_mean");
  EXPECT_EQ(extractor.pooled_names()[29], "chroma_stft_A_mean");
  EXPECT_EQ(extractor.pooled_names()[90], "tempo");
  for (const std::string signal : {"music", "noise", "sines", "chirp"}) {
    const std::vector<float> ours = extractor.pooled(test::load_golden_signal("signal_" + signal));
    const auto golden = test::load_golden(signal + "_gtzan_vector");
    ASSERT_EQ(ours.size(), golden.values.size());
    const bool broadband = signal == "music" || signal == "noise";
    double worst = 0;
    std::string worst_name;
    for (std::size_t i = 0; i < ours.size(); ++i) {
      const std::string& name = extractor.pooled_names()[i];
      const double ref = golden.values[i];
      const double diff = std::abs(ours[i] - ref);
      if (name == "tempo") {
        EXPECT_DOUBLE_EQ(ours[i], static_cast<float>(ref)) << signal;
      } else if (!broadband && name.rfind("spectral_bandwidth", 0) == 0) {
        EXPECT_LE(diff, 0.25 * std::abs(ref)) << signal << " " << name;  // tones: floor-bound
      } else {
        // 1e-4 relative, with an absolute floor for values near 0 (chroma and MFCC means).
        const double bound = 1e-4 * std::max(std::abs(ref), 1.0);
        EXPECT_LE(diff, bound) << signal << " " << name << " ours " << ours[i] << " ref " << ref;
        if (diff / std::max(std::abs(ref), 1.0) > worst) {
          worst = diff / std::max(std::abs(ref), 1.0);
          worst_name = name;
        }
      }
    }
    test::record_parity("gtzan_vector", signal, "max relative (" + worst_name + ")", worst, 1e-4);
  }
}

// Copies share the built features and have their own STFT and buffers: copies used at once on
// two threads (full.json: every kind of intermediate) give the rows the original gives alone.
TEST(FeatureExtractor, CopiesRunTogetherOnThreadsWithTheSameRows) {
  const FeatureExtractor original = FeatureExtractor::from_file(kConfigs + "/features/full.json");
  const auto a = test::log_sweep(100.0, 8000.0, 22050, 3 * 22050);
  const auto b = test::sine(440.0, 22050, 4 * 22050, 0.3);
  FeatureExtractor alone = original;
  const std::vector<float> expected_a = alone.pooled(a);
  const std::vector<float> expected_b = alone.pooled(b);

  FeatureExtractor first = original, second = original;
  std::vector<float> got_a, got_b;
  std::thread one([&] {
    for (int i = 0; i < 2; ++i)
      got_a = first.pooled(a);
  });
  std::thread two([&] {
    for (int i = 0; i < 2; ++i)
      got_b = second.pooled(b);
  });
  one.join();
  two.join();
  EXPECT_EQ(got_a, expected_a);
  EXPECT_EQ(got_b, expected_b);
}

TEST(FeatureExtractor, RecordsEveryDefault) {
  const FeatureExtractor extractor(Json::parse(R"({"features": [{"name": "mfcc"}]})"));
  const Json& config = extractor.config();
  EXPECT_EQ(config["analysis"]["n_fft"], 2048);
  EXPECT_EQ(config["analysis"]["sample_rate"], 22050);
  EXPECT_EQ(config["features"][0]["n_mfcc"], 20);
  EXPECT_EQ(config["features"][0]["n_mels"], 128);
  EXPECT_EQ(config["pooling"]["stats"], Json::array({"mean", "std"}));
  EXPECT_EQ(config["audio"]["resample_quality"], "high");
  EXPECT_EQ(extractor.config_hash().size(), 16u);
}

TEST(FeatureExtractor, SameConfigSameHashDifferentConfigDifferentHash) {
  const FeatureExtractor a(Json::parse(R"({"features": [{"name": "mfcc"}]})"));
  const FeatureExtractor b(Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": 20}]})"));
  const FeatureExtractor c(Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": 13}]})"));
  EXPECT_EQ(a.config_hash(), b.config_hash());  // a default written out is the same recipe
  EXPECT_NE(a.config_hash(), c.config_hash());
}

TEST(FeatureExtractor, UnknownKeyNamesTheKeyTheFileAndTheLikelyIntent) {
  const std::string message =
      usage_message(Json::parse(R"({"features": [{"name": "mfcc", "n_mfccs": 13}]})"));
  EXPECT_NE(message.find("test.json"), std::string::npos) << message;
  EXPECT_NE(message.find("features[0]"), std::string::npos) << message;
  EXPECT_NE(message.find("'n_mfccs'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'n_mfcc'"), std::string::npos) << message;
}

TEST(FeatureExtractor, UnknownFeatureListsTheKnownOnes) {
  const std::string message = usage_message(Json::parse(R"({"features": [{"name": "mfccs"}]})"));
  EXPECT_NE(message.find("unknown feature 'mfccs'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'mfcc'"), std::string::npos) << message;
  EXPECT_NE(message.find("spectral_contrast"), std::string::npos) << message;
}

TEST(FeatureExtractor, OutOfRangeAndMistypedValuesAreNamed) {
  EXPECT_NE(usage_message(Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": 0}]})"))
                .find("'n_mfcc' must be integer in [1, 1024]"),
            std::string::npos);
  EXPECT_NE(usage_message(Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": "20"}]})"))
                .find("must be a number"),
            std::string::npos);
  EXPECT_NE(usage_message(
                Json::parse(R"({"analysis": {"window": "han"}, "features": [{"name": "zcr"}]})"))
                .find("did you mean 'hann'"),
            std::string::npos);
  EXPECT_NE(usage_message(Json::parse(R"({"features": [{"name": "zcr"}], "poolng": {}})"))
                .find("did you mean 'pooling'"),
            std::string::npos);
  EXPECT_NE(
      usage_message(
          Json::parse(R"({"features": [{"name": "zcr"}], "pooling": {"stats": ["mean", "avg"]}})"))
          .find("unknown statistic 'avg'"),
      std::string::npos);
  // Found by the config fuzzer's neighbourhood: a window of 1e300 s used to become one frame
  // silently (lround out of range); a day is the most now.
  EXPECT_NE(
      usage_message(
          Json::parse(R"({"features": [{"name": "zcr"}], "pooling": {"texture_window_s": 1e300}})"))
          .find("'texture_window_s' must be"),
      std::string::npos);
  EXPECT_NE(usage_message(Json::parse(R"({"features": [{"name": "zcr"}],
                "pooling": {"texture_window_s": 1, "texture_hop_s": 1e20}})"))
                .find("'texture_hop_s' must be"),
            std::string::npos);
}

// A rule across parameters is checked when the recipe is read, naming the recipe and the entry:
// more coefficients than mel bands used to pass the recipe and stop the run on its first file.
TEST(FeatureExtractor, ParametersThatDoNotGoTogetherFailWhenTheRecipeIsRead) {
  const std::string message =
      usage_message(Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": 40, "n_mels": 20}]})"));
  EXPECT_NE(message.find("test.json: features[0] (mfcc): 'n_mfcc' (40) must not exceed 'n_mels' "
                         "(20)"),
            std::string::npos)
      << message;
  EXPECT_NO_THROW(features::FeatureExtractor(
      Json::parse(R"({"features": [{"name": "mfcc", "n_mfcc": 20, "n_mels": 20}]})"), "test.json"));
}

TEST(FeatureExtractor, DuplicateColumnsNeedAnAlias) {
  EXPECT_NE(usage_message(Json::parse(R"({"features": [{"name": "zcr"}, {"name": "zcr"}]})"))
                .find("\"as\""),
            std::string::npos);
  const FeatureExtractor extractor(Json::parse(
      R"({"features": [{"name": "chroma_stft"}, {"name": "chroma_stft", "source": "harmonic", "as": "harmonic"}]})"));
  EXPECT_EQ(extractor.frame_names()[12], "harmonic_chroma_stft_C");
}

TEST(FeatureExtractor, DeltasAndStatisticsNameEveryColumn) {
  FeatureExtractor extractor(Json::parse(
      R"({"features": [{"name": "mfcc", "n_mfcc": 3}], "pooling": {"stats": ["mean", "p90"], "deltas": 2}})"));
  const std::vector<std::string> expected_frames = {"mfcc_01",    "mfcc_02",    "mfcc_03",
                                                    "mfcc_01_d1", "mfcc_02_d1", "mfcc_03_d1",
                                                    "mfcc_01_d2", "mfcc_02_d2", "mfcc_03_d2"};
  EXPECT_EQ(extractor.frame_names(), expected_frames);
  ASSERT_EQ(extractor.pooled_names().size(), 18u);
  EXPECT_EQ(extractor.pooled_names()[9], "mfcc_01_p90");
  const auto vector = extractor.pooled(test::sine(440, 22050, 22050));
  EXPECT_EQ(vector.size(), 18u);
}

TEST(FeatureExtractor, FramesOutputIsTheSequence) {
  FeatureExtractor extractor =
      FeatureExtractor::from_file(kConfigs + "/features/logmel-patches.json");
  EXPECT_EQ(extractor.output(), OutputKind::frames);
  const dsp::Matrix frames = extractor.frames(test::sine(440, 22050, 22050));
  EXPECT_EQ(frames.rows(), 1 + 22050 / 512);
  EXPECT_EQ(frames.cols(), 128);
  EXPECT_EQ(extractor.frame_names()[0], "mel_001");
}

TEST(FeatureExtractor, TextureWindowsPoolEachSegment) {
  FeatureExtractor extractor(Json::parse(
      R"({"features": [{"name": "rms"}], "pooling": {"stats": ["mean"], "texture_window_s": 1.0, "texture_hop_s": 0.5}})"));
  // 3 s: 130 frames; whole windows of round(1 / 0.02322) = 43 frames every 22: 0, 22, 44, 66.
  const dsp::Matrix rows = extractor.texture_windows(test::sine(440, 22050, 3 * 22050));
  EXPECT_EQ(rows.rows(), 4);
  EXPECT_EQ(rows.cols(), 1);
  EXPECT_NEAR(rows(2, 0), 0.5 / std::sqrt(2.0), 1e-3);
}

// Every shipped recipe loads, and every feature gives finite values on silence, on a
// one-sample clip and on noise (the documented edge cases).
TEST(FeatureExtractor, ShippedRecipesAreFiniteOnEdgeCases) {
  for (const char* recipe : {"gtzan", "mfcc", "full", "logmel-patches", "waveform"}) {
    FeatureExtractor extractor =
        FeatureExtractor::from_file(kConfigs + "/features/" + recipe + ".json");
    for (const auto& signal : {std::vector<float>(22050, 0.0f), std::vector<float>(1, 0.3f),
                               test::log_sweep(100, 8000, 22050, 22050)}) {
      if (extractor.output() == OutputKind::frames) {
        EXPECT_TRUE(extractor.frames(signal).allFinite()) << recipe;
      } else {
        for (float v : extractor.pooled(signal))
          ASSERT_TRUE(std::isfinite(v)) << recipe;
      }
    }
  }
}

// The waveform recipe's frames, read row after row, are the signal itself: hop_length / 2 zeros
// (frame 0 is centred on sample 0), every sample once in order, zeros after the end.
TEST(FeatureExtractor, WaveformFramesTileTheSignal) {
  FeatureExtractor extractor = FeatureExtractor::from_file(kConfigs + "/features/waveform.json");
  const std::vector<float> signal = test::log_sweep(100, 8000, 22050, 5000);
  const dsp::Matrix frames = extractor.frames(signal);
  constexpr Eigen::Index kHop = 243;
  ASSERT_EQ(frames.cols(), kHop);
  EXPECT_EQ(frames.rows(), 1 + 5000 / kHop);
  EXPECT_EQ(extractor.frame_names().front(), "sample_000");
  EXPECT_EQ(extractor.frame_names().back(), "sample_242");
  for (Eigen::Index i = 0; i < frames.size(); ++i) {
    const Eigen::Index t = i - kHop / 2;  // row-major: the frames one after the other
    const float expected = t >= 0 && t < 5000 ? signal[static_cast<std::size_t>(t)] : 0.0f;
    ASSERT_EQ(frames(i / kHop, i % kHop), expected) << "sample " << t;
  }
}

TEST(FeatureExtractor, EveryRegisteredFeatureRunsWithItsDefaults) {
  for (const FeatureDefinition& definition : feature_registry()) {
    FeatureExtractor extractor(Json{{"features", Json::array({Json{{"name", definition.name}}})}});
    const std::vector<float> vector = extractor.pooled(test::log_sweep(100, 8000, 22050, 44100));
    EXPECT_EQ(vector.size(), extractor.pooled_names().size()) << definition.name;
    for (float v : vector)
      EXPECT_TRUE(std::isfinite(v)) << definition.name;
  }
}

}  // namespace
}  // namespace mirkit::features
