// The parts of network training other than the layers' backward passes: export (a trained
// network computes in nn::Network what it computed while training), the losses' gradients, the
// optimisers' update rules and the patch augmentations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "../../src/core/random.hpp"
#include "../../src/nn/definitions.hpp"
#include "../../src/nn/train/augment.hpp"
#include "../../src/nn/train/builder.hpp"
#include "../../src/nn/train/loss.hpp"
#include "../../src/nn/train/optimizer.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/network.hpp"
#include "random_network.hpp"

namespace mirkit::nn::train {
namespace {

using test::normal_tensor;

// Export, then load with the inference engine (which folds batch norms into convolutions and
// fuses activations): the same outputs as the trainable network in inference mode, within
// float32 rounding of two different summation orders (1e-4 on outputs of magnitude ≤ 10).
void expect_export_matches(const Json& layers, const Shape& input_shape, int classes) {
  Shape item(input_shape.begin() + 1, input_shape.end());
  const Json description = {{"input_shape", item}, {"layers", layers}};
  WeightStore store{"case", {}, {}};
  Random init(4);
  TrainableNetwork net = build_trainable(description, store, init);
  test::randomise_statistics(net);
  std::vector<std::string> names;
  for (int c = 0; c < classes; ++c)
    names.push_back("c" + std::to_string(c));
  const std::string bytes = io::encode_safetensors(
      export_network(net, {{"classes", names}, {"output", "softmax"}, {"features", nullptr}}));
  const Network loaded = Network::from_bytes(
      std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()), "exported");
  const Tensor input = normal_tensor(input_shape, 2);
  Tensor trained;
  net.root->forward(input, trained, Pass{false, nullptr});
  const Tensor inferred = loaded.forward(input);
  ASSERT_EQ(trained.shape(), inferred.shape());
  for (std::int64_t i = 0; i < trained.size(); ++i)
    EXPECT_NEAR(trained.data()[i], inferred.data()[i], 1e-4) << i;
}

TEST(TrainExport, CnnWithFoldedBatchNorms) {
  expect_export_matches(Json::parse(R"([
      {"type": "batch_norm", "num_features": 1},
      {"type": "conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3],
       "padding": [1, 1]},
      {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
      {"type": "max_pool2d", "kernel_size": [2, 2]},
      {"type": "residual", "body": [
          {"type": "conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": [3, 3],
           "padding": [1, 1], "bias": false},
          {"type": "batch_norm", "num_features": 4}]},
      {"type": "elu"}, {"type": "global_avg_pool"}, {"type": "dropout", "p": 0.5},
      {"type": "linear", "in_features": 4, "out_features": 3}])"),
                        {3, 1, 8, 6}, 3);
}

TEST(TrainExport, CrnnWithGruAndAttention) {
  expect_export_matches(Json::parse(R"([
      {"type": "conv2d", "in_channels": 1, "out_channels": 3, "kernel_size": [3, 3],
       "padding": [1, 1]},
      {"type": "batch_norm", "num_features": 3}, {"type": "relu"},
      {"type": "avg_pool2d", "kernel_size": [1, 2]},
      {"type": "permute", "dims": [0, 2, 1, 3]}, {"type": "flatten", "start_dim": 2},
      {"type": "gru", "input_size": 9, "hidden_size": 5, "num_layers": 2, "bidirectional": true},
      {"type": "attention_pooling", "in_features": 10},
      {"type": "linear", "in_features": 10, "out_features": 4}])"),
                        {2, 1, 7, 6}, 4);
}

TEST(TrainExport, Conv1dCausalAndPooling) {
  expect_export_matches(Json::parse(R"([
      {"type": "conv1d", "in_channels": 2, "out_channels": 3, "kernel_size": 3, "dilation": 2,
       "causal": true},
      {"type": "batch_norm", "num_features": 3}, {"type": "gelu"},
      {"type": "max_pool1d", "kernel_size": 2}, {"type": "global_max_pool"},
      {"type": "linear", "in_features": 3, "out_features": 2}])"),
                        {2, 2, 10}, 2);
}

TEST(TrainExport, DenseNetWithGroupedConvolutions) {
  expect_export_matches(Json::parse(R"([
      {"type": "conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": [3, 3],
       "padding": [1, 1]},
      {"type": "concat", "dim": 1, "branches": [[], [
          {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
          {"type": "conv2d", "in_channels": 4, "out_channels": 4, "kernel_size": [1, 1],
           "bias": false},
          {"type": "batch_norm", "num_features": 4}, {"type": "relu"},
          {"type": "conv2d", "in_channels": 4, "out_channels": 2, "kernel_size": [3, 3],
           "padding": [1, 1], "groups": 2, "bias": false}]]},
      {"type": "batch_norm", "num_features": 6}, {"type": "relu"},
      {"type": "conv2d", "in_channels": 6, "out_channels": 6, "kernel_size": [3, 3],
       "padding": [1, 1], "groups": 6},
      {"type": "avg_pool2d", "kernel_size": [2, 2]},
      {"type": "global_avg_pool"}, {"type": "linear", "in_features": 6, "out_features": 3}])"),
                        {2, 1, 6, 6}, 3);
}

TEST(TrainExport, CnnLstm) {
  expect_export_matches(Json::parse(R"([
      {"type": "conv1d", "in_channels": 3, "out_channels": 4, "kernel_size": 3, "padding": 1},
      {"type": "relu"}, {"type": "permute", "dims": [0, 2, 1]},
      {"type": "lstm", "input_size": 4, "hidden_size": 5, "num_layers": 2, "bidirectional": true},
      {"type": "layer_norm", "normalized_shape": 10},
      {"type": "attention_pooling", "in_features": 10},
      {"type": "linear", "in_features": 10, "out_features": 3}])"),
                        {2, 3, 7}, 3);
}

TEST(TrainExport, TransformerOnPatches) {
  expect_export_matches(Json::parse(R"([
      {"type": "conv2d", "in_channels": 1, "out_channels": 8, "kernel_size": [4, 4],
       "stride": [4, 4]},
      {"type": "flatten", "start_dim": 2}, {"type": "permute", "dims": [0, 2, 1]},
      {"type": "positional_embedding", "max_len": 6, "dim": 8},
      {"type": "transformer_encoder", "d_model": 8, "nhead": 2, "dim_feedforward": 16},
      {"type": "transformer_encoder", "d_model": 8, "nhead": 2, "dim_feedforward": 16,
       "activation": "gelu", "norm_first": true},
      {"type": "self_attention", "embed_dim": 8, "num_heads": 4},
      {"type": "softmax", "dim": -1},
      {"type": "attention_pooling", "in_features": 8},
      {"type": "linear", "in_features": 8, "out_features": 2}])"),
                        {2, 1, 8, 12}, 2);
}

// Finite differences of a loss of the logits, computed in double: a five-point stencil with
// h = 2⁻⁸, so that the perturbed float logits are exact and the truncation error (h⁴ ≈ 2e-10)
// negligible; 1e-4 relative is then the float rounding of the gradient's own computation, with
// margin.
using LossOfLogits = std::function<double(const ConstMatrixMap& logits, Matrix& grad)>;

void expect_gradient(const LossOfLogits& loss, Eigen::Index rows, Eigen::Index cols) {
  Matrix logits = Matrix::Random(rows, cols) * 3.0f;
  Matrix grad;
  loss(ConstMatrixMap(logits.data(), rows, cols), grad);
  const double h = 1.0 / 256;  // a power of two: saved ± h and ± 2h are exact in float
  for (Eigen::Index i = 0; i < logits.size(); ++i) {
    const float saved = logits.data()[i];
    const auto at = [&](double offset) {
      logits.data()[i] = static_cast<float>(saved + offset);
      Matrix unused;
      return loss(ConstMatrixMap(logits.data(), rows, cols), unused);
    };
    const double numeric = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    logits.data()[i] = saved;
    EXPECT_NEAR(grad.data()[i], numeric, 1e-4 * std::max(1.0, std::abs(numeric))) << i;
  }
}

void expect_loss_gradient(const LossOptions& options, const Matrix& targets) {
  expect_gradient(
      [&](const ConstMatrixMap& logits, Matrix& grad) {
        return loss_and_gradient(
            options, logits, ConstMatrixMap(targets.data(), targets.rows(), targets.cols()), grad);
      },
      targets.rows(), targets.cols());
}

void expect_distillation_gradient(const LossOptions& options, const Matrix& teacher,
                                  double temperature) {
  expect_gradient(
      [&](const ConstMatrixMap& logits, Matrix& grad) {
        return distillation_loss_and_gradient(
            options, logits, ConstMatrixMap(teacher.data(), teacher.rows(), teacher.cols()),
            temperature, grad);
      },
      teacher.rows(), teacher.cols());
}

// The trainable types come from the layer registry (each definition's create_trainable), not
// from a list of their own: every layer type mirkit runs has a training form, and a type the
// registry does not know is refused with the list of those it does.
TEST(TrainBuilder, EveryLayerTypeTrains) {
  std::vector<std::string> types = trainable_types(), registered;
  for (const LayerDefinition& definition : layer_registry())
    registered.push_back(definition.type);
  EXPECT_EQ(types, registered);
  EXPECT_EQ(types.size(), 30u);
  WeightStore store{"case", {}, {}};
  Random init(1);
  try {
    build_trainable({{"input_shape", {4}}, {"layers", {{{"type", "lstn"}}}}}, store, init);
    FAIL() << "an unknown type builds";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("layer type 'lstn' is unknown; trainable types: conv1d, conv2d, "
                           "batch_norm, linear"),
              std::string::npos)
        << message;
  }
}

TEST(TrainLoss, GradientsMatchFiniteDifferences) {
  Matrix one_hot = Matrix::Zero(3, 4);
  one_hot(0, 1) = one_hot(1, 3) = one_hot(2, 0) = 1;
  Matrix mixed = 0.7f * one_hot;  // mixup's soft targets
  mixed(0, 2) += 0.3f, mixed(1, 0) += 0.3f, mixed(2, 2) += 0.3f;
  LossOptions ce;
  expect_loss_gradient(ce, one_hot);
  expect_loss_gradient(ce, mixed);
  LossOptions weighted = ce;
  weighted.class_weights = Eigen::Vector4d(0.5, 2.0, 1.0, 3.0);
  expect_loss_gradient(weighted, mixed);
  LossOptions focal;
  focal.kind = LossKind::focal;
  focal.focal_gamma = 2.0;
  expect_loss_gradient(focal, mixed);
  focal.class_weights = weighted.class_weights;
  expect_loss_gradient(focal, one_hot);
  LossOptions bce;
  bce.kind = LossKind::binary_cross_entropy;
  Matrix tags = Matrix::Zero(3, 4);
  tags(0, 0) = tags(0, 2) = tags(2, 1) = 1;
  expect_loss_gradient(bce, tags);
  LossOptions tasks = ce;  // two heads: classes 0-1 and 2-3
  tasks.groups = {{0, 2}, {2, 4}};
  Matrix two = Matrix::Zero(2, 4);
  two(0, 1) = two(0, 2) = two(1, 0) = two(1, 3) = 1;
  expect_loss_gradient(tasks, two);
}

TEST(TrainLoss, FocalWithGammaZeroIsCrossEntropy) {
  const Matrix logits = Matrix::Random(4, 5);
  Matrix targets = Matrix::Zero(4, 5);
  for (int i = 0; i < 4; ++i)
    targets(i, i) = 1;
  LossOptions ce, focal;
  focal.kind = LossKind::focal;
  focal.focal_gamma = 0.0;
  Matrix g1, g2;
  const ConstMatrixMap z(logits.data(), 4, 5), t(targets.data(), 4, 5);
  EXPECT_NEAR(loss_and_gradient(ce, z, t, g1), loss_and_gradient(focal, z, t, g2), 1e-9);
  EXPECT_TRUE(g1.isApprox(g2, 1e-6f));
}

TEST(TrainLoss, DistillationGradientsMatchFiniteDifferences) {
  const Matrix teacher = Matrix::Random(3, 4) * 4.0f;
  LossOptions ce, bce, tasks;
  bce.kind = LossKind::binary_cross_entropy;
  tasks.groups = {{0, 2}, {2, 4}};
  for (const double temperature : {0.5, 1.0, 4.0}) {
    expect_distillation_gradient(ce, teacher, temperature);
    expect_distillation_gradient(bce, teacher, temperature);
    expect_distillation_gradient(tasks, teacher, temperature);
  }
}

// At T = 1 the softmax term is the cross-entropy against the teacher's probabilities less their
// entropy (a constant), so loss_and_gradient with those soft targets checks it independently;
// the logits then agree to float rounding (1e-6) and the sums to double rounding (1e-9).
TEST(TrainLoss, DistillationAtTemperatureOneIsCrossEntropyOnTheTeachersProbabilities) {
  const Matrix student = Matrix::Random(4, 5) * 3.0f, teacher = Matrix::Random(4, 5) * 3.0f;
  Matrix soft(4, 5);
  double entropy = 0.0;
  for (int i = 0; i < 4; ++i) {
    const Eigen::ArrayXd e = teacher.row(i).cast<double>().array().exp();
    const Eigen::ArrayXd p = e / e.sum();
    entropy -= (p * p.log()).sum();
    soft.row(i) = p.cast<float>().matrix().transpose();
  }
  LossOptions ce;
  Matrix g_ce, g_kd;
  const ConstMatrixMap z(student.data(), 4, 5);
  const double cross = loss_and_gradient(ce, z, ConstMatrixMap(soft.data(), 4, 5), g_ce);
  const double kd =
      distillation_loss_and_gradient(ce, z, ConstMatrixMap(teacher.data(), 4, 5), 1.0, g_kd);
  EXPECT_NEAR(kd, cross - entropy, 1e-6);  // soft targets rounded to float: 1e-7 per term
  EXPECT_TRUE(g_kd.isApprox(g_ce, 1e-5f));
  EXPECT_GT(kd, 0.0);
}

// A student that gives the teacher's logits (or, per softmax, the same shifted by a constant)
// has nothing left to learn from it: loss and gradient zero, at any temperature.
TEST(TrainLoss, DistillationVanishesWhereTheStudentAgreesWithTheTeacher) {
  const Matrix teacher = Matrix::Random(3, 6) * 5.0f;
  Matrix shifted = teacher;
  shifted.array() += 2.0f;
  LossOptions ce, bce;
  bce.kind = LossKind::binary_cross_entropy;
  const ConstMatrixMap t(teacher.data(), 3, 6);
  for (const double temperature : {1.0, 3.0}) {
    Matrix grad;
    EXPECT_NEAR(distillation_loss_and_gradient(ce, t, t, temperature, grad), 0.0, 1e-12);
    EXPECT_LT(grad.cwiseAbs().maxCoeff(), 1e-6f);
    EXPECT_NEAR(distillation_loss_and_gradient(bce, t, t, temperature, grad), 0.0, 1e-9);
    EXPECT_LT(grad.cwiseAbs().maxCoeff(), 1e-6f);
    // Shifted logits: a shift of 2 in float moves each by up to 2⁻²² relative.
    EXPECT_NEAR(distillation_loss_and_gradient(ce, ConstMatrixMap(shifted.data(), 3, 6), t,
                                               temperature, grad),
                0.0, 1e-10);
    EXPECT_LT(grad.cwiseAbs().maxCoeff(), 1e-5f);
  }
}

TEST(TrainOptimizer, SgdMomentumFollowsPyTorchsRule) {
  Parameter p = make_parameter("w", {2});
  p.value->data()[0] = 1.0f, p.value->data()[1] = -2.0f;
  OptimizerOptions o;
  o.kind = OptimizerKind::sgd;
  o.momentum = 0.5;
  o.weight_decay = 0.1;
  Optimizer sgd(o, {&p});
  p.grad.data()[0] = 0.2f, p.grad.data()[1] = 0.4f;
  sgd.step(0.1);  // v = g + λw = (0.3, 0.2); w = (0.97, −2.02)
  EXPECT_NEAR(p.value->data()[0], 0.97, 1e-6);
  EXPECT_NEAR(p.value->data()[1], -2.02, 1e-6);
  sgd.step(0.1);  // v = 0.5 v + g + λw = (0.15 + 0.297, 0.1 + 0.198)
  EXPECT_NEAR(p.value->data()[0], 0.97 - 0.1 * 0.447, 1e-6);
  EXPECT_NEAR(p.value->data()[1], -2.02 - 0.1 * 0.298, 1e-6);
}

TEST(TrainOptimizer, AdamFirstStepIsTheLearningRateAndFrozenStays) {
  Parameter p = make_parameter("w", {3}), frozen = make_parameter("f", {1});
  frozen.frozen = true;
  p.grad.data()[0] = 5.0f, p.grad.data()[1] = -0.01f, p.grad.data()[2] = 0.0f;
  frozen.grad.data()[0] = 1.0f;
  Optimizer adam(OptimizerOptions{}, {&p, &frozen});
  adam.step(0.01);
  // m̂ / √v̂ = g / |g| on the first step: a step of exactly the learning rate (ε aside).
  EXPECT_NEAR(p.value->data()[0], -0.01, 1e-6);
  EXPECT_NEAR(p.value->data()[1], 0.01, 1e-5);
  EXPECT_EQ(p.value->data()[2], 0.0f);
  EXPECT_EQ(frozen.value->data()[0], 0.0f);
}

TEST(TrainAugment, MasksGainShiftAndNoise) {
  Matrix patch(20, 10);
  for (Eigen::Index f = 0; f < 20; ++f)
    for (Eigen::Index b = 0; b < 10; ++b)
      patch(f, b) = static_cast<float>(f * 10 + b);
  {
    PatchAugmentation shift;
    shift.max_shift = 5;
    Matrix shifted = patch;
    Random random(3);
    augment_patch(shift, shifted, random);
    // A circular shift: the same rows, rotated.
    Eigen::Index offset = 0;
    for (; offset < 20; ++offset)
      if (shifted.row(offset) == patch.row(0)) break;
    ASSERT_LT(offset, 20);
    for (Eigen::Index f = 0; f < 20; ++f)
      EXPECT_EQ(shifted.row((f + offset) % 20), patch.row(f));
  }
  {
    PatchAugmentation gain;
    gain.gain_probability = 1.0, gain.gain_low = 3.0, gain.gain_high = 3.0;
    Matrix louder = patch;
    Random random(3);
    augment_patch(gain, louder, random);
    EXPECT_TRUE(louder.isApprox((patch.array() + 3.0f).matrix()));
  }
  {
    PatchAugmentation masks;
    masks.time_masks = 1, masks.time_width = 20, masks.freq_masks = 1, masks.freq_width = 10;
    Matrix masked = patch;
    const float mean = patch.mean();
    int changed = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      masked = patch;
      Random random(seed);
      augment_patch(masks, masked, random);
      for (Eigen::Index i = 0; i < masked.size(); ++i) {
        if (masked.data()[i] != patch.data()[i]) {
          EXPECT_EQ(masked.data()[i], mean);
          ++changed;
        }
      }
    }
    EXPECT_GT(changed, 0);
  }
  {
    // White noise 10 dB below a flat 0 dB patch raises its mean power by 10^-1.
    PatchAugmentation noisy;
    noisy.noise_probability = 1.0, noisy.snr_low = noisy.snr_high = 10.0;
    Matrix flat = Matrix::Zero(200, 50);
    Random random(5);
    augment_patch(noisy, flat, random);
    const double power = (flat.cast<double>().array() * (std::log(10.0) / 10.0)).exp().mean();
    EXPECT_NEAR(power, 1.1, 0.01);  // 10 000 exponential draws: standard error 0.001
  }
}

// Mixup mixes each input with its partner's by the drawn λ, and the targets by the same λ: an
// input is one-hot-coded by its class (a distinct value per row), so every mixed row can be
// traced back to the two rows it came from. λ is the Beta draw the same stream gives.
TEST(TrainAugment, MixupMixesInputsAndTargetsWithTheDrawnWeight) {
  constexpr Eigen::Index kItems = 6, kValues = 5, kClasses = 3;
  Matrix inputs(kItems, kValues), targets = Matrix::Zero(kItems, kClasses);
  for (Eigen::Index i = 0; i < kItems; ++i) {
    inputs.row(i).setConstant(static_cast<float>(10 * (i + 1)));
    inputs(i, 0) = static_cast<float>(i);
    targets(i, i % kClasses) = 1.0f;
  }
  const Matrix x = inputs, y = targets;
  Random random(17), replay(17);
  const Mixup mix = mix_up(0.4, MatrixMap(inputs.data(), kItems, kValues), targets, random);
  EXPECT_EQ(mix.lambda, static_cast<float>(beta_draw(replay, 0.4)));
  EXPECT_GT(mix.lambda, 0.0f);
  EXPECT_LT(mix.lambda, 1.0f);
  std::vector<std::int64_t> sorted = mix.partner;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    EXPECT_EQ(sorted[i], static_cast<std::int64_t>(i)) << "partners are a permutation";
  const float l = mix.lambda;
  int moved = 0;
  for (Eigen::Index i = 0; i < kItems; ++i) {
    const auto j = static_cast<Eigen::Index>(mix.partner[static_cast<std::size_t>(i)]);
    moved += j != i;
    // Exactly the trainer's float expression, so exact equality.
    EXPECT_EQ(inputs.row(i), (l * x.row(i) + (1 - l) * x.row(j)).eval()) << i;
    EXPECT_EQ(targets.row(i), (l * y.row(i) + (1 - l) * y.row(j)).eval()) << i;
    EXPECT_NEAR(targets.row(i).sum(), 1.0f, 1e-6f) << "soft targets still sum to one";
  }
  EXPECT_GT(moved, 0);
}

// λ ~ Beta(α, α): mean 1/2 and variance 1 / (4 (2α + 1)) over 40,000 draws (standard error of
// the mean ≤ 0.0018, of the variance about 0.7 %; bounds at about four standard errors).
TEST(TrainAugment, MixupWeightsFollowBetaAlphaAlpha) {
  for (const double alpha : {0.2, 1.0, 4.0}) {
    Random random(5);
    constexpr int kDraws = 40000;
    double sum = 0.0, squares = 0.0;
    for (int k = 0; k < kDraws; ++k) {
      const double v = beta_draw(random, alpha);
      ASSERT_GE(v, 0.0);
      ASSERT_LE(v, 1.0);
      sum += v;
      squares += v * v;
    }
    const double mean = sum / kDraws, variance = squares / kDraws - mean * mean;
    const double expected = 1.0 / (4.0 * (2.0 * alpha + 1.0));
    EXPECT_NEAR(mean, 0.5, 0.008) << alpha;
    EXPECT_NEAR(variance, expected, 0.03 * expected) << alpha;
  }
}

}  // namespace
}  // namespace mirkit::nn::train
