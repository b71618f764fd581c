// Finite-difference checks of every backward pass of the training layers (src/nn/train).
//
// Each case builds the layer from a description entry, as a user's network would be, and takes
// L = Σ r ⊙ f(x) for a fixed random r, so dL/dout = r. Every input element and every parameter
// element (up to 48 per tensor, spread evenly) is nudged by ±h and ±2h and the five-point
// central difference (−L(2h) + 8L(h) − 8L(−h) + L(−2h)) / 12h compared with the backward pass.
//
// Precision: the layers compute in float32; L is summed in double. With h = 1e-2 the stencil's
// truncation error is O(h⁴) ≈ 1e-8 of the fifth derivative (the plain two-point difference's
// O(h²) ≈ 1e-5 was too coarse for GELU and the GRU's gates) and its rounding error about
// 1e-7 · |L| / h; the relative error |a − n| / max(|a|, |n|, 1e-2) stays within 1e-3 (the floor
// keeps near-zero gradients to an absolute 1e-5). These are "well-conditioned float32 cases":
// inputs are distinct (1.5 / size apart) and at least 0.05 away from 0, so no ReLU kink lies
// within 2h of an input; max pooling, piecewise linear, takes h = 1e-3 so that no two inputs of a
// window swap order; the recurrent layers' and the CRNN's long chains of float32 products take
// h = 5e-2, and the grouped convolutions, the dense layer, attention and the Transformer blocks
// 2e-2 to 3e-2, so that rounding (about 1e-7 · |L| / h) stays below the tolerance: at h = 1e-2
// they measured 1.0e-3 to 2.7e-3, all rounding — the error falls as h grows (grouped convolution,
// linear in each value, 1.2e-3 → 5.0e-5 at 3e-2; attention 1.8e-3 → 5.5e-4).
#include <gtest/gtest.h>

#include <cmath>

#include "../../src/core/random.hpp"
#include "../../src/nn/train/builder.hpp"

namespace mirkit::nn::train {
namespace {

constexpr double kStep = 1e-2;
constexpr double kTolerance = 1e-3;

// Distinct values ±[0.05, 1.55] in a shuffled order, none within 0.05 of 0.
Tensor spaced_input(const Shape& shape, std::uint64_t seed) {
  Tensor t(shape);
  const std::int64_t n = t.size();
  std::vector<float> values;
  for (std::int64_t i = 0; i < n; ++i) {
    const float magnitude = 0.05f + 1.5f * static_cast<float>(i) / static_cast<float>(n);
    values.push_back(i % 2 ? magnitude : -magnitude);
  }
  Random random(seed);
  for (std::size_t i = values.size(); i > 1; --i)
    std::swap(values[i - 1], values[random.index(i)]);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

Tensor random_tensor(const Shape& shape, std::uint64_t seed) {
  Tensor t(shape);
  Random random(seed);
  for (float& v : t.values())
    v = static_cast<float>(random.uniform() * 2.0 - 1.0);
  return t;
}

double relative_error(double analytic, double numeric) {
  return std::abs(analytic - numeric) / std::max({std::abs(analytic), std::abs(numeric), 1e-2});
}

struct Checked {
  double worst = 0.0;
  std::string where;
};

void check_layers(const Json& layers, const Shape& input_shape, bool training = true,
                  const std::function<void(TrainableNetwork&)>& prepare = {}, double step = kStep) {
  Shape item(input_shape.begin() + 1, input_shape.end());
  const Json description = {{"input_shape", item}, {"layers", layers}};
  WeightStore store{"case", {}, {}};
  Random init(11);
  TrainableNetwork net = build_trainable(description, store, init);
  if (prepare) prepare(net);
  Tensor input = spaced_input(input_shape, 3);
  const Shape out_shape = net.root->output_shape(input_shape);
  const Tensor weights = random_tensor(out_shape, 5);

  const auto loss = [&](const Tensor& x) {
    Random dropout(9);  // the same mask on every evaluation
    Tensor out;
    net.root->forward(x, out, Pass{training, &dropout});
    double sum = 0.0;
    for (std::int64_t i = 0; i < out.size(); ++i)
      sum += static_cast<double>(out.data()[i]) * weights.data()[i];
    return sum;
  };

  Random dropout(9);
  Tensor out, grad_in;
  net.root->forward(input, out, Pass{training, &dropout});
  ASSERT_EQ(out.shape(), out_shape);
  net.root->backward(input, out, weights, grad_in);
  ASSERT_EQ(grad_in.shape(), input.shape());

  Checked checked;
  const auto compare = [&](float& value, double analytic, const std::string& what) {
    const float saved = value;
    const auto at = [&](double offset) {
      value = static_cast<float>(saved + offset);
      return loss(input);
    };
    const double numeric =
        (-at(2 * step) + 8 * at(step) - 8 * at(-step) + at(-2 * step)) / (12 * step);
    value = saved;
    const double error = relative_error(analytic, numeric);
    if (error > checked.worst) checked = {error, what};
    EXPECT_LE(error, kTolerance) << what << ": backward " << analytic << ", finite difference "
                                 << numeric;
  };
  const auto sample = [](std::int64_t size) { return std::max<std::int64_t>(1, size / 48); };
  for (std::int64_t i = 0; i < input.size(); i += sample(input.size()))
    compare(input.data()[i], grad_in.data()[i], "input[" + std::to_string(i) + "]");
  for (Parameter* p : net.parameters) {
    for (std::int64_t i = 0; i < p->value->size(); i += sample(p->value->size()))
      compare(p->value->data()[i], p->grad.data()[i], p->name + "[" + std::to_string(i) + "]");
  }
  ::testing::Test::RecordProperty("worst_relative_error", std::to_string(checked.worst));
  std::printf("    worst relative error %.2e at %s\n", checked.worst, checked.where.c_str());
}

TEST(TrainGradients, Linear) {
  check_layers(Json::parse(R"([{"type": "linear", "in_features": 5, "out_features": 3}])"),
               {2, 4, 5});
}

TEST(TrainGradients, Conv2dStridePaddingDilation) {
  check_layers(Json::parse(R"([{"type": "conv2d", "in_channels": 2, "out_channels": 3,
      "kernel_size": [3, 2], "stride": [2, 1], "padding": [1, 1], "dilation": [1, 2]}])"),
               {2, 2, 7, 6});
}

TEST(TrainGradients, Conv2dWithoutBias) {
  check_layers(Json::parse(R"([{"type": "conv2d", "in_channels": 1, "out_channels": 2,
      "kernel_size": [3, 3], "padding": [1, 1], "bias": false}])"),
               {2, 1, 5, 5});
}

TEST(TrainGradients, Conv1dCausalDilated) {
  check_layers(Json::parse(R"([{"type": "conv1d", "in_channels": 3, "out_channels": 2,
      "kernel_size": 3, "dilation": 2, "causal": true}])"),
               {2, 3, 9});
}

TEST(TrainGradients, BatchNormTrainingStatistics) {
  check_layers(Json::parse(R"([{"type": "batch_norm", "num_features": 3}])"), {4, 3, 2, 3});
}

TEST(TrainGradients, BatchNormSequence) {
  check_layers(Json::parse(R"([{"type": "batch_norm", "num_features": 3}])"), {5, 3, 4});
}

TEST(TrainGradients, BatchNormFrozenUsesRunningStatistics) {
  check_layers(Json::parse(R"([{"type": "batch_norm", "num_features": 2}])"), {3, 2, 4}, true,
               [](TrainableNetwork& net) {
                 net.buffers[0].value->data()[0] = 0.3f;
                 net.buffers[1].value->data()[1] = 2.0f;
                 net.root->freeze();
               });
}

TEST(TrainGradients, Activations) {
  for (const char* entry :
       {R"({"type": "relu"})", R"({"type": "leaky_relu", "negative_slope": 0.1})",
        R"({"type": "elu", "alpha": 0.7})", R"({"type": "gelu"})", R"({"type": "sigmoid"})",
        R"({"type": "tanh"})"}) {
    SCOPED_TRACE(entry);
    check_layers(Json::array({Json::parse(entry)}), {2, 3, 5});
  }
}

TEST(TrainGradients, Pooling) {
  for (const char* entry : {R"({"type": "max_pool2d", "kernel_size": [2, 3], "stride": [2, 2],
                               "padding": [1, 1]})",
                            R"({"type": "avg_pool2d", "kernel_size": [2, 2], "padding": [1, 0]})",
                            R"({"type": "max_pool1d", "kernel_size": 3, "stride": 2})",
                            R"({"type": "avg_pool1d", "kernel_size": 2, "padding": 1})"}) {
    SCOPED_TRACE(entry);
    const bool one_d = std::string(entry).find("1d") != std::string::npos;
    check_layers(Json::array({Json::parse(entry)}), one_d ? Shape{2, 3, 9} : Shape{2, 2, 6, 7},
                 true, {}, 1e-3);
  }
}

TEST(TrainGradients, GlobalPooling) {
  check_layers(Json::parse(R"([{"type": "global_avg_pool"}])"), {2, 3, 4, 5});
  check_layers(Json::parse(R"([{"type": "global_max_pool"}])"), {2, 3, 7}, true, {}, 1e-3);
}

TEST(TrainGradients, DropoutWithAFixedMask) {
  check_layers(Json::parse(R"([{"type": "dropout", "p": 0.4}])"), {3, 10});
}

TEST(TrainGradients, ShapeLayers) {
  check_layers(Json::parse(R"([{"type": "permute", "dims": [0, 2, 1, 3]},
      {"type": "flatten", "start_dim": 2}, {"type": "reshape", "shape": [-1, 4]},
      {"type": "linear", "in_features": 4, "out_features": 2}])"),
               {2, 3, 4, 4});
}

TEST(TrainGradients, Gru) {
  check_layers(Json::parse(R"([{"type": "gru", "input_size": 3, "hidden_size": 4}])"), {2, 5, 3},
               true, {}, 5e-2);
}

TEST(TrainGradients, GruTwoLayersBidirectional) {
  check_layers(Json::parse(R"([{"type": "gru", "input_size": 3, "hidden_size": 3,
      "num_layers": 2, "bidirectional": true}])"),
               {2, 4, 3}, true, {}, 5e-2);
}

TEST(TrainGradients, AttentionPooling) {
  check_layers(Json::parse(R"([{"type": "attention_pooling", "in_features": 4}])"), {3, 6, 4});
}

TEST(TrainGradients, ResidualWithProjection) {
  check_layers(Json::parse(R"([{"type": "residual",
      "body": [{"type": "conv2d", "in_channels": 2, "out_channels": 3, "kernel_size": [3, 3],
                "padding": [1, 1]},
               {"type": "batch_norm", "num_features": 3}, {"type": "tanh"}],
      "shortcut": [{"type": "conv2d", "in_channels": 2, "out_channels": 3,
                    "kernel_size": [1, 1]}]}])"),
               {3, 2, 4, 4});
}

TEST(TrainGradients, ResidualIdentity) {
  check_layers(Json::parse(R"([{"type": "residual",
      "body": [{"type": "conv1d", "in_channels": 2, "out_channels": 2, "kernel_size": 3,
                "padding": 1}, {"type": "sigmoid"}]}])"),
               {2, 2, 6});
}

TEST(TrainGradients, GroupedAndDepthwiseConvolution) {
  check_layers(Json::parse(R"([{"type": "conv2d", "in_channels": 4, "out_channels": 6,
      "kernel_size": [3, 2], "padding": [1, 0], "groups": 2}])"),
               {2, 4, 5, 4}, true, {}, 3e-2);
  check_layers(Json::parse(R"([{"type": "conv1d", "in_channels": 3, "out_channels": 3,
      "kernel_size": 3, "stride": 2, "padding": 1, "groups": 3, "bias": false}])"),
               {2, 3, 9}, true, {}, 3e-2);
}

TEST(TrainGradients, Lstm) {
  check_layers(Json::parse(R"([{"type": "lstm", "input_size": 3, "hidden_size": 4}])"), {2, 5, 3},
               true, {}, 5e-2);
}

TEST(TrainGradients, LstmTwoLayersBidirectional) {
  check_layers(Json::parse(R"([{"type": "lstm", "input_size": 3, "hidden_size": 3,
      "num_layers": 2, "bidirectional": true}])"),
               {2, 4, 3}, true, {}, 5e-2);
}

// Fresh layer norms are the identity (γ = 1, β = 0): random ones check γ's and β's part too.
void randomise_parameters(TrainableNetwork& net) {
  Random random(21);
  for (Parameter* p : net.parameters)
    for (float& v : p->value->values())
      v = static_cast<float>(0.5 + random.uniform());
}

TEST(TrainGradients, LayerNorm) {
  check_layers(Json::parse(R"([{"type": "layer_norm", "normalized_shape": 5}])"), {2, 3, 5}, true,
               randomise_parameters);
}

TEST(TrainGradients, PositionalEmbedding) {
  check_layers(Json::parse(R"([{"type": "positional_embedding", "max_len": 7, "dim": 3},
      {"type": "tanh"}])"),
               {2, 5, 3});
}

TEST(TrainGradients, SoftmaxAlongAnAxis) {
  check_layers(Json::parse(R"([{"type": "softmax", "dim": 1}])"), {2, 4, 3});
  check_layers(Json::parse(R"([{"type": "softmax"}])"), {3, 5});
}

// A DenseNet layer: its input kept beside its new channels (an empty branch is the input).
TEST(TrainGradients, ConcatAsADenseLayer) {
  check_layers(Json::parse(R"([{"type": "concat", "dim": 1, "branches": [[],
      [{"type": "batch_norm", "num_features": 2}, {"type": "tanh"},
       {"type": "conv2d", "in_channels": 2, "out_channels": 3, "kernel_size": [3, 3],
        "padding": [1, 1]}]]}])"),
               {3, 2, 4, 4}, true, {}, 3e-2);
}

TEST(TrainGradients, ConcatAlongTheLastAxis) {
  check_layers(Json::parse(R"([{"type": "concat", "dim": -1, "branches": [
      [{"type": "linear", "in_features": 3, "out_features": 2}],
      [{"type": "linear", "in_features": 3, "out_features": 4}, {"type": "sigmoid"}]]}])"),
               {2, 5, 3});
}

TEST(TrainGradients, SelfAttention) {
  check_layers(Json::parse(R"([{"type": "self_attention", "embed_dim": 6, "num_heads": 2}])"),
               {2, 5, 6}, true, {}, 3e-2);
}

// Post-norm and pre-norm, dropout on (a fixed mask per evaluation): every path of the block —
// attention-weight dropout, both residuals, both norms, the feed-forward. GELU, smooth: a ReLU
// unit near 0 puts a kink inside the stencil (the ReLU itself is checked alone above).
TEST(TrainGradients, TransformerEncoderPostNorm) {
  check_layers(Json::parse(R"([{"type": "transformer_encoder", "d_model": 4, "nhead": 2,
      "dim_feedforward": 6, "activation": "gelu", "dropout": 0.2}])"),
               {2, 4, 4}, true, {}, 2e-2);
}

TEST(TrainGradients, TransformerEncoderPreNorm) {
  check_layers(Json::parse(R"([{"type": "transformer_encoder", "d_model": 4, "nhead": 1,
      "dim_feedforward": 5, "activation": "gelu", "norm_first": true, "dropout": 0.1}])"),
               {2, 3, 4}, true, {}, 3e-2);
}

// A whole small CRNN, end to end: the chain rule across layers, not only each layer alone. Its
// activation is smooth (tanh): a kink inside the stencil (ReLU, or ELU's second derivative)
// somewhere in a deep chain would make the finite difference, not the backward pass, wrong.
TEST(TrainGradients, SmallCrnn) {
  check_layers(Json::parse(R"([
      {"type": "batch_norm", "num_features": 1},
      {"type": "conv2d", "in_channels": 1, "out_channels": 3, "kernel_size": [3, 3],
       "padding": [1, 1]},
      {"type": "batch_norm", "num_features": 3}, {"type": "tanh"},
      {"type": "avg_pool2d", "kernel_size": [1, 2]},
      {"type": "permute", "dims": [0, 2, 1, 3]}, {"type": "flatten", "start_dim": 2},
      {"type": "gru", "input_size": 6, "hidden_size": 4, "bidirectional": true},
      {"type": "attention_pooling", "in_features": 8},
      {"type": "linear", "in_features": 8, "out_features": 3}])"),
               {3, 1, 5, 4}, true, {}, 2e-2);
}

}  // namespace
}  // namespace mirkit::nn::train
