// Long files are analysed in pieces (FeatureExtractor::analyse_file) so that memory does not grow
// with their length: the rows must be those of the whole decoded signal.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "mirkit/features/extractor.hpp"
#include "support/audio_files.hpp"
#include "support/temp_dir.hpp"

namespace mirkit::features {
namespace {

const std::string kConfigs = MIRKIT_CONFIG_DIR;
constexpr int kRate = 22050;

// `seconds` of a three-part signal: a very quiet first part (noise and a tone at −70 dB), then
// chords with clicks every half second (a tempo to find), then a sweep. The quiet start matters:
// librosa clips decibels within top_db of the whole clip's loudest value, which a piece that
// saw only the quiet part would not know.
std::vector<float> three_part_signal(double seconds) {
  const auto n = static_cast<std::size_t>(seconds * kRate);
  std::vector<float> x(n);
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const double pi = std::acos(-1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kRate;
    double v = 0.0;
    if (t < seconds * 0.45) {
      v = 3e-4 * (std::sin(2 * pi * 330.0 * t) + 0.3 * noise(rng));
    } else if (t < seconds * 0.8) {
      for (const double f : {220.0, 277.2, 329.6, 1760.0})
        v += 0.15 * std::sin(2 * pi * f * t);
      if (std::fmod(t, 0.5) < 0.01) v += 0.4 * noise(rng);
    } else {
      v = 0.3 * std::sin(2 * pi * (100.0 * t + 40.0 * t * t));
    }
    x[i] = static_cast<float>(v);
  }
  return x;
}

struct Case {
  std::string name;
  Json recipe;
};

Json recipe_file(const std::string& name) {
  std::ifstream in(kConfigs + "/features/" + name);
  return Json::parse(in);
}

class LongFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signal_ = new std::vector<float>(three_part_signal(70.0));
    dir_ = new test::TempDir;
    test::write_audio(path(), *signal_, kRate, 1, test::FileFormat::wav_float);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete signal_;
  }
  static std::filesystem::path path() { return *dir_ / "long.wav"; }

  // The rows of the whole signal, as a feature file holds them.
  static dsp::Matrix whole_rows(FeatureExtractor& extractor, std::span<const float> signal) {
    if (extractor.output() == OutputKind::frames) return extractor.frames(signal);
    if (extractor.has_texture_windows()) return extractor.texture_windows(signal);
    const std::vector<float> v = extractor.pooled(signal);
    return Eigen::Map<const dsp::Matrix>(v.data(), 1, static_cast<Eigen::Index>(v.size()));
  }

  static std::vector<float>* signal_;
  static test::TempDir* dir_;
};
std::vector<float>* LongFile::signal_ = nullptr;
test::TempDir* LongFile::dir_ = nullptr;

// Kept frames see the same samples as in the whole signal, but the matrices they are computed in
// have other sizes (Eigen's products block by size) and the CQT's downsampling starts elsewhere:
// float rounding, 1e-4 relative with a floor of 1e-3 for values near 0 (dB, Hz and unit-scaled
// values alike), and tempo exactly.
TEST_F(LongFile, PiecesGiveTheRowsOfTheWholeSignal) {
  const std::vector<Case> cases = {
      {"gtzan.json", recipe_file("gtzan.json")},
      {"logmel-patches.json", recipe_file("logmel-patches.json")},
      {"waveform.json", recipe_file("waveform.json")},
      {"mfcc.json (deltas of both orders across pieces)", recipe_file("mfcc.json")},
      {"every statistic, pooled online",
       {{"features", {{{"name", "mfcc"}, {"n_mfcc", 6}}, {{"name", "spectral_centroid"}}}},
        {"pooling",
         {{"stats",
           {"mean", "std", "var", "min", "max", "median", "skew", "kurtosis", "p5", "p95"}},
          {"deltas", 1}}}}},
      {"overlapping texture windows",
       {{"features", {{{"name", "rms"}}, {{"name", "zcr"}}}},
        {"pooling",
         {{"stats", {"mean", "p90"}}, {"texture_window_s", 3.0}, {"texture_hop_s", 1.5}}}}},
      {"texture windows with gaps between them",
       {{"features", {{{"name", "spectral_centroid"}}}},
        {"pooling",
         {{"stats", {"max"}}, {"deltas", 1}, {"texture_window_s", 2.0}, {"texture_hop_s", 5.0}}}}},
      {"cqt, hpss, deltas, texture windows",
       {{"features",
         {{{"name", "cqt"}, {"n_octaves", 6}},
          {{"name", "chroma_cqt"}, {"n_octaves", 6}},
          {{"name", "spectral_contrast"}},
          {{"name", "mfcc"}, {"n_mfcc", 8}, {"source", "harmonic"}},
          {{"name", "onset_strength"}, {"source", "percussive"}},
          {{"name", "tempo"}}}},
        {"pooling",
         {{"stats", {"mean", "std", "median"}}, {"deltas", 1}, {"texture_window_s", 20.0}}}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FeatureExtractor extractor(c.recipe);
    const io::LoadOptions load = extractor.load_options();
    ASSERT_TRUE(extractor.analyses_in_pieces(load));
    // Pieces of 1024 frames (23.8 s) instead of 4096, so that 70 s make three (fewer seconds to
    // analyse; the context around each piece is the same).
    const FeatureExtractor::FileAnalysis pieces = extractor.analyse_file(path(), load, 1024);
    const dsp::Matrix whole = whole_rows(extractor, io::load_audio(path(), load).samples);
    EXPECT_NEAR(pieces.duration_s, 70.0, 1e-9);
    ASSERT_EQ(pieces.rows.rows(), whole.rows());
    ASSERT_EQ(pieces.rows.cols(), whole.cols());
    const std::vector<std::string>& names = extractor.output() == OutputKind::frames
                                                ? extractor.frame_names()
                                                : extractor.pooled_names();
    for (Eigen::Index r = 0; r < whole.rows(); ++r) {
      for (Eigen::Index k = 0; k < whole.cols(); ++k) {
        const std::string& name = names[static_cast<std::size_t>(k)];
        const float ours = pieces.rows(r, k), ref = whole(r, k);
        if (name == "tempo") {
          EXPECT_EQ(ours, ref);
        } else {
          ASSERT_LE(std::abs(ours - ref), 1e-4 * std::max(std::abs(ref), 10.0f))
              << "row " << r << " " << name << ": " << ours << " vs " << ref;
        }
      }
    }
  }
}

// With a sink, a long file's frames leave as they are computed: several parts, in order, that
// together are the whole signal's frames (deltas included), and nothing is returned besides.
TEST_F(LongFile, FramesStreamToTheSinkPieceByPiece) {
  const std::vector<Case> cases = {
      {"logmel-patches.json", recipe_file("logmel-patches.json")},
      {"mfcc frames with deltas",
       {{"output", "frames"},
        {"features", {{{"name", "mfcc"}, {"n_mfcc", 8}}}},
        {"pooling", {{"deltas", 2}}}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FeatureExtractor extractor(c.recipe);
    const io::LoadOptions load = extractor.load_options();
    std::vector<dsp::Matrix> parts;
    const FeatureExtractor::FileAnalysis analysis = extractor.analyse_file(
        path(), load, 1024, [&](const dsp::Matrix& rows) { parts.push_back(rows); });
    EXPECT_GE(parts.size(), 3u);
    EXPECT_EQ(analysis.rows.rows(), 0);
    const dsp::Matrix whole = extractor.analyse_file(path(), load, 1024).rows;
    Eigen::Index row = 0;
    for (const dsp::Matrix& part : parts) {
      ASSERT_LE(row + part.rows(), whole.rows());
      EXPECT_EQ(part, whole.middleRows(row, part.rows())) << "the same pieces, held or streamed";
      row += part.rows();
    }
    EXPECT_EQ(row, whole.rows());
  }
}

TEST_F(LongFile, AClipOfOnePieceIsBitIdentical) {
  FeatureExtractor extractor = FeatureExtractor::from_file(kConfigs + "/features/gtzan.json");
  const std::vector<float> clip(signal_->begin() + 20 * kRate, signal_->begin() + 50 * kRate);
  test::TempDir dir;
  test::write_audio(dir / "clip.wav", clip, kRate, 1, test::FileFormat::wav_float);
  const io::LoadOptions load = extractor.load_options();
  const dsp::Matrix rows = extractor.analyse_file(dir / "clip.wav", load).rows;
  const std::vector<float> whole = extractor.pooled(io::load_audio(dir / "clip.wav", load).samples);
  EXPECT_EQ(rows, (Eigen::Map<const dsp::Matrix>(whole.data(), 1, rows.cols())));
}

TEST_F(LongFile, WhatNeedsTheWholeClipIsAnalysedWhole) {
  // An estimated tuning, trimming and normalisation each need every sample before the first
  // frame: such recipes read the file whole, and give the whole signal's rows.
  const std::vector<Json> recipes = {
      {{"features", {{{"name", "chroma_stft"}, {"tuning", nullptr}}}}},
      {{"features", {{{"name", "rms"}}}}, {"audio", {{"trim_top_db", 60.0}}}},
      {{"features", {{{"name", "rms"}}}}, {"audio", {{"normalization", "peak"}}}},
  };
  for (const Json& recipe : recipes) {
    SCOPED_TRACE(recipe.dump());
    FeatureExtractor extractor(recipe);
    const io::LoadOptions load = extractor.load_options();
    EXPECT_FALSE(extractor.analyses_in_pieces(load));
    const dsp::Matrix rows = extractor.analyse_file(path(), load).rows;
    EXPECT_EQ(rows, whole_rows(extractor, io::load_audio(path(), load).samples));
  }
}

}  // namespace
}  // namespace mirkit::features
