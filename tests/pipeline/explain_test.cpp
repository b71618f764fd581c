// pipeline::explain on a network whose answer is known: it reads one mel band only, so the
// occlusion map must light up that band while the tone sounds, and nowhere else.
#include "mirkit/pipeline/explain.hpp"

#include <gtest/gtest.h>

#include "mirkit/dsp/mel.hpp"
#include "mirkit/io/safetensors.hpp"
#include "support/audio_files.hpp"
#include "support/signals.hpp"
#include "support/temp_dir.hpp"

namespace mirkit {
namespace {

constexpr int kRate = 22050;
constexpr int kMels = 24;
constexpr int kBand = 8;  // the band the network reads

// Class "a" has logit 0.2 × (band kBand's mean dB over the clip), class "b" logit 0: a linear
// probe of one band, in mirkit's network format (docs/nn.md).
std::filesystem::path one_band_network(const std::filesystem::path& dir) {
  io::TensorFile file;
  file.metadata = {
      {"format", "model"},
      {"kind", "nn"},
      {"version", 1},
      {"network",
       {{"input_shape", {-1, kMels}},
        {"layers",
         {{{"type", "permute"}, {"dims", {0, 2, 1}}},
          {{"type", "global_avg_pool"}},
          {{"type", "linear"}, {"in_features", kMels}, {"out_features", 2}}}}}},
      {"classes", {"a", "b"}},
      {"output", "softmax"},
      {"features",
       {{"features", {{{"name", "melspectrogram"}, {"n_mels", kMels}}}}, {"output", "frames"}}}};
  std::vector<float> weight(2 * kMels, 0.0f);
  weight[kBand] = 0.2f;
  const std::vector<float> bias(2, 0.0f);
  file.tensors["2.weight"] = io::Tensor::from_floats({2, kMels}, weight);
  file.tensors["2.bias"] = io::Tensor::from_floats({2}, bias);
  const auto path = dir / "probe.safetensors";
  io::write_safetensors(path, file);
  return path;
}

TEST(Explain, OcclusionFindsTheBandANetworkReads) {
  test::TempDir dir;
  // The tone sits on the centre of band kBand for the first second, then silence.
  const std::vector<double> edges = dsp::mel_frequencies(kMels + 2, 0.0, kRate / 2.0);
  std::vector<float> signal = test::sine(edges[kBand + 1], kRate, kRate, 0.5);
  signal.resize(2 * kRate, 0.0f);
  test::write_audio(dir / "tone.wav", signal, kRate, 1);

  pipeline::ExplainOptions options{one_band_network(dir.path()), dir / "tone.wav", "a"};
  options.saliency = "occlusion";
  const pipeline::Explanation e = pipeline::explain(options);
  ASSERT_TRUE(e.saliency);
  EXPECT_EQ(e.saliency->method, "occlusion");
  const dsp::Matrix& s = e.saliency->saliency;
  ASSERT_EQ(s.cols(), kMels);
  const Eigen::Index half = s.rows() / 2;
  Eigen::Index hottest = 0;
  s.topRows(half).colwise().mean().maxCoeff(&hottest);
  // Patches are kMels / 8 = 3 bands high: a band next to kBand shares patches with it.
  EXPECT_LE(std::abs(hottest - kBand), e.saliency->patch_bins - 1);
  // Bands no patch over kBand touches change nothing when hidden.
  EXPECT_NEAR(s.topRows(half).col(kMels - 1).cwiseAbs().maxCoeff(), 0.0, 1e-6)
      << "a band the network ignores, far from kBand";
  EXPECT_EQ(e.class_name, "a");
  EXPECT_GT(s.topRows(half).col(kBand).mean(), 0.0) << "hiding the tone lowers class a";
  EXPECT_EQ(e.timeline.classes, (std::vector<std::string>{"a", "b"}));
}

// The gradient map of the same network: only the band it reads has a gradient, so only that
// band (where the tone makes it differ from the window's mean) lights up.
TEST(Explain, GradientFindsTheBandANetworkReads) {
  test::TempDir dir;
  const std::vector<double> edges = dsp::mel_frequencies(kMels + 2, 0.0, kRate / 2.0);
  std::vector<float> signal = test::sine(edges[kBand + 1], kRate, kRate, 0.5);
  signal.resize(2 * kRate, 0.0f);
  test::write_audio(dir / "tone.wav", signal, kRate, 1);
  const pipeline::Explanation e =
      pipeline::explain({one_band_network(dir.path()), dir / "tone.wav", "a"});
  ASSERT_TRUE(e.saliency);
  EXPECT_EQ(e.saliency->method, "gradient");
  const dsp::Matrix& s = e.saliency->saliency;
  const Eigen::Index half = s.rows() / 2;
  Eigen::Index hottest = 0;
  s.topRows(half).colwise().mean().maxCoeff(&hottest);
  EXPECT_EQ(hottest, kBand);
  EXPECT_EQ(s.col(kMels - 1).cwiseAbs().maxCoeff(), 0.0f) << "no gradient where it does not read";
}

}  // namespace
}  // namespace mirkit
