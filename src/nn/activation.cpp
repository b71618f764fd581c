#include "mirkit/nn/activation.hpp"

#include <algorithm>
#include <cmath>

#include "definitions.hpp"

namespace mirkit::nn {

void Activation::forward(const Tensor& in, Tensor& out) const {
  out.resize(in.shape());
  std::copy(in.values().begin(), in.values().end(), out.values().begin());
  apply(out.values());
}

void Activation::apply(std::span<float> values) const {
  Eigen::Map<Eigen::ArrayXf> x(values.data(), static_cast<Eigen::Index>(values.size()));
  switch (kind_) {
    case ActivationKind::relu:
      x = x.max(0.0f);
      break;
    case ActivationKind::leaky_relu:
      x = (x >= 0.0f).select(x, alpha_ * x);
      break;
    case ActivationKind::elu:
      // α · (exp(x) − 1) for x ≤ 0; expm1 keeps the digits near 0, as PyTorch does.
      for (float& v : values)
        v = v > 0.0f ? v : alpha_ * std::expm1(v);
      break;
    case ActivationKind::gelu:
      // The exact form x · Φ(x) = x/2 · (1 + erf(x/√2)), torch.nn.GELU's default.
      for (float& v : values)
        v = 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f));
      break;
    case ActivationKind::sigmoid:
      x = 1.0f / (1.0f + (-x).exp());
      break;
    case ActivationKind::tanh:
      x = x.tanh();
      break;
  }
}

std::vector<LayerDefinition> activation_definitions() {
  auto simple = [](std::string type, std::string description, ActivationKind kind) {
    return LayerDefinition{
        type, description, {}, {}, [kind](const LoadContext&) -> std::unique_ptr<Layer> {
          return std::make_unique<Activation>(kind);
        }};
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
       }},
      {"elu",
       "x for x > 0, alpha · (exp(x) − 1) below",
       {{"alpha", ParamType::number, 1.0, "scale of the negative part"}},
       {},
       [](const LoadContext& context) -> std::unique_ptr<Layer> {
         return std::make_unique<Activation>(ActivationKind::elu,
                                             static_cast<float>(context.number("alpha")));
       }},
      simple("gelu", "x · Φ(x), the exact (erf) form", ActivationKind::gelu),
      simple("sigmoid", "1 / (1 + exp(−x))", ActivationKind::sigmoid),
      simple("tanh", "tanh(x)", ActivationKind::tanh),
  };
}

}  // namespace mirkit::nn
