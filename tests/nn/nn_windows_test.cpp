// Whole-file inference: windows, batching and the clip aggregates.
#include <gtest/gtest.h>

#include "mirkit/core/error.hpp"
#include "mirkit/nn/network.hpp"

namespace mirkit::nn {
namespace {

const std::string kDataDir = MIRKIT_NN_DATA_DIR;

// Batching changes only the summation order inside GEMMs, so the same window's probabilities
// agree to float32 rounding (values in [0, 1]).
constexpr float kBatchTolerance = 1e-6f;

Matrix ramp_frames(std::int64_t frames, std::int64_t dims) {
  Matrix m(frames, dims);
  for (std::int64_t r = 0; r < frames; ++r) {
    for (std::int64_t c = 0; c < dims; ++c)
      m(r, c) = std::sin(0.37f * r + 1.3f * c);
  }
  return m;
}

// The probabilities of one window (rows start..start+window, zero-padded), computed alone.
Eigen::RowVectorXf alone(const Network& network, const Matrix& frames, std::int64_t start,
                         std::int64_t window) {
  Shape shape = {1};
  for (const std::int64_t d : network.input_shape())
    shape.push_back(d == -1 ? window : d);
  Tensor input(shape);
  const std::int64_t rows = std::min<std::int64_t>(window, frames.rows() - start);
  input.matrix(window, frames.cols()).topRows(rows) = frames.middleRows(start, rows);
  const Tensor p = network.predict(input);
  return p.matrix(1, p.size());
}

TEST(PredictWindows, EachWindowEqualsItsOwnPrediction) {
  const Network network = Network::load(kDataDir + "/arch_crnn.safetensors");  // (1, T, 16)
  const Matrix frames = ramp_frames(50, 16);
  // 50 frames, window 12, hop 8: starts 0, 8, …, 32, then 38 so that the tail is covered.
  const WindowPredictions result = network.predict_windows(frames, 12, 8, Aggregate::mean, 3);
  EXPECT_EQ(result.starts, (std::vector<std::int64_t>{0, 8, 16, 24, 32, 38}));
  ASSERT_EQ(result.windows.rows(), 6);
  ASSERT_EQ(result.windows.cols(), 6);
  for (std::size_t w = 0; w < result.starts.size(); ++w) {
    const Eigen::RowVectorXf want = alone(network, frames, result.starts[w], 12);
    EXPECT_LE((result.windows.row(static_cast<Eigen::Index>(w)) - want).cwiseAbs().maxCoeff(),
              kBatchTolerance)
        << "window " << w;
  }
  EXPECT_LE((result.clip.transpose() - result.windows.colwise().mean()).cwiseAbs().maxCoeff(),
            kBatchTolerance);
}

TEST(PredictWindows, ShortClipIsOneZeroPaddedWindow) {
  const Network network = Network::load(kDataDir + "/arch_crnn.safetensors");
  const Matrix frames = ramp_frames(5, 16);
  const WindowPredictions result = network.predict_windows(frames, 12, 8, Aggregate::max);
  EXPECT_EQ(result.starts, (std::vector<std::int64_t>{0}));
  EXPECT_LE((result.windows.row(0) - alone(network, frames, 0, 12)).cwiseAbs().maxCoeff(),
            kBatchTolerance);
}

TEST(PredictWindows, WaveformWindowsOfASampleCnn) {
  const Network network = Network::load(kDataDir + "/arch_samplecnn.safetensors");  // (1, L)
  const Matrix samples = ramp_frames(1000, 1);
  const WindowPredictions result = network.predict_windows(samples, 243, 243, Aggregate::mean);
  EXPECT_EQ(result.starts, (std::vector<std::int64_t>{0, 243, 486, 729, 757}));
  EXPECT_NEAR(result.clip.sum(), 1.0f, 1e-5f);  // single-label: a distribution

  const std::span<const float> span(samples.data(), static_cast<std::size_t>(samples.size()));
  const WindowPredictions from_span = network.predict_windows(span, 243, 243, Aggregate::mean);
  EXPECT_EQ(from_span.windows, result.windows);  // the same computation, bit for bit
}

TEST(PredictWindows, AggregatesFollowTheirDefinitions) {
  const Network network = Network::load(kDataDir + "/arch_tcn.safetensors");  // (T, 12), softmax
  const Matrix frames = ramp_frames(40, 12);
  const WindowPredictions mean = network.predict_windows(frames, 10, 5, Aggregate::mean);
  const Matrix& p = mean.windows;
  const WindowPredictions max = network.predict_windows(frames, 10, 5, Aggregate::max);
  EXPECT_LE((max.clip.transpose() - p.colwise().maxCoeff()).cwiseAbs().maxCoeff(), 1e-6f);

  const WindowPredictions vote = network.predict_windows(frames, 10, 5, Aggregate::vote);
  Eigen::VectorXf votes = Eigen::VectorXf::Zero(p.cols());
  for (Eigen::Index w = 0; w < p.rows(); ++w) {
    Eigen::Index top;
    p.row(w).maxCoeff(&top);
    votes[top] += 1.0f / static_cast<float>(p.rows());
  }
  EXPECT_LE((vote.clip - votes).cwiseAbs().maxCoeff(), 1e-6f);

  // Attention weights are a distribution over windows, so the clip stays a distribution and lies
  // between the per-window extremes.
  const WindowPredictions attention = network.predict_windows(frames, 10, 5, Aggregate::attention);
  EXPECT_NEAR(attention.clip.sum(), 1.0f, 1e-5f);
  for (Eigen::Index c = 0; c < p.cols(); ++c) {
    EXPECT_LE(attention.clip[c], p.col(c).maxCoeff() + 1e-6f);
    EXPECT_GE(attention.clip[c], p.col(c).minCoeff() - 1e-6f);
  }
}

TEST(PredictWindows, WindowThatDoesNotFitTheInputIsAUsageError) {
  const Network network = Network::load(kDataDir + "/arch_vgg.safetensors");  // (1, 32, 24)
  const Matrix frames = ramp_frames(100, 24);
  EXPECT_NO_THROW(network.predict_windows(frames, 32, 16, Aggregate::mean));
  try {
    network.predict_windows(frames, 20, 16, Aggregate::mean);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(error.what()).find("does not fit the input shape [1, 32, 24]"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(parse_aggregate("median"), Error);
  EXPECT_EQ(parse_aggregate("vote"), Aggregate::vote);
}

}  // namespace
}  // namespace mirkit::nn
