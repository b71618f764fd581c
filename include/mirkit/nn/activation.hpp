// Element-wise activations, each as its torch.nn module (formulas in PyTorch's documentation).
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

enum class ActivationKind { relu, leaky_relu, elu, gelu, sigmoid, tanh };

class Activation : public Layer {
 public:
  // `alpha`: the negative slope of leaky_relu, the α of elu; unused by the others.
  explicit Activation(ActivationKind kind, float alpha = 0.0f) : kind_(kind), alpha_(alpha) {}

  Shape output_shape(const Shape& input) const override { return input; }
  void forward(const Tensor& in, Tensor& out) const override;

  // In place, for layers that apply an activation inside (a transformer's feed-forward).
  void apply(std::span<float> values) const;

 private:
  ActivationKind kind_;
  float alpha_;
};

}  // namespace mirkit::nn
