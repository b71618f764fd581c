#include "mirkit/nn/activation.hpp"

#include <algorithm>
#include <cmath>

#include "definitions.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

namespace {

// y = f(x) element-wise; `in` may equal `out`.
void activate(ActivationKind kind, float alpha, const float* in, float* out, std::size_t count) {
  const Eigen::Map<const Eigen::ArrayXf> x(in, static_cast<Eigen::Index>(count));
  Eigen::Map<Eigen::ArrayXf> y(out, static_cast<Eigen::Index>(count));
  switch (kind) {
    case ActivationKind::relu:
      y = x.max(0.0f);
      break;
    case ActivationKind::leaky_relu:
      // max(x, 0) + α · min(x, 0) is x or α · x exactly, and vectorises (a select branches).
      y = x.max(0.0f) + alpha * x.min(0.0f);
      break;
    case ActivationKind::elu:
      // α · (exp(x) − 1) for x ≤ 0, written branch-free; expm1 keeps the digits near 0, as
      // PyTorch does.
      y = x.max(0.0f) + alpha * x.min(0.0f).expm1();
      break;
    case ActivationKind::gelu:
      // The exact form x · Φ(x) = x/2 · (1 + erf(x/√2)), torch.nn.GELU's default.
      for (std::size_t i = 0; i < count; ++i) {
        out[i] = 0.5f * in[i] * (1.0f + std::erf(in[i] * 0.70710678118654752f));
      }
      break;
    case ActivationKind::sigmoid:
      y = 1.0f / (1.0f + (-x).exp());
      break;
    case ActivationKind::tanh:
      y = x.tanh();
      break;
  }
}

}  // namespace

void Activation::forward(const Tensor& in, Tensor& out) const {
  out.resize(in.shape());
  activate(kind_, alpha_, in.data(), out.data(), static_cast<std::size_t>(in.size()));
}

void Activation::apply(std::span<float> values) const {
  activate(kind_, alpha_, values.data(), values.data(), values.size());
}

std::vector<LayerDefinition> activation_definitions() {
  auto simple = [](std::string type, std::string description, ActivationKind kind) {
    return LayerDefinition{type,
                           description,
                           {},
                           {},
                           [kind](const LoadContext&) -> std::unique_ptr<Layer> {
                             return std::make_unique<Activation>(kind);
                           },
                           train::trainable_activation(kind)};
  };
  return {
      simple("relu", "max(x, 0)", ActivationKind::relu),
      {"leaky_relu",
       "x for x ≥ 0, negative_slope · x below",
       {{"negative_slope", ParamType::number, 0.01, "slope for x < 0"}},
       {},
       [](const LoadContext& context) -> std::unique_ptr<Layer> {
         return std::make_unique<Activation>(ActivationKind::leaky_relu,
                                             static_cast<float>(context.number("negative_slope")));
       },
       train::trainable_activation(ActivationKind::leaky_relu, "negative_slope")},
      {"elu",
       "x for x > 0, alpha · (exp(x) − 1) below",
       {{"alpha", ParamType::number, 1.0, "scale of the negative part"}},
       {},
       [](const LoadContext& context) -> std::unique_ptr<Layer> {
         return std::make_unique<Activation>(ActivationKind::elu,
                                             static_cast<float>(context.number("alpha")));
       },
       train::trainable_activation(ActivationKind::elu, "alpha")},
      simple("gelu", "x · Φ(x), the exact (erf) form", ActivationKind::gelu),
      simple("sigmoid", "1 / (1 + exp(−x))", ActivationKind::sigmoid),
      simple("tanh", "tanh(x)", ActivationKind::tanh),
  };
}

}  // namespace mirkit::nn
