// Attention pooling over time (Raffel & Ellis 2016, "Feed-forward networks with attention can
// solve some long-term memory problems"): a score s_t = w · x_t + b per step, weights
// a = softmax_t(s), output Σ_t a_t x_t. (N, T, F) → (N, F). PyTorch has no module for it;
// scripts/export_torch.py defines the same one (a Linear(F, 1) named "score").
#pragma once

#include "mirkit/nn/linear.hpp"

namespace mirkit::nn {

class AttentionPooling : public Layer {
 public:
  explicit AttentionPooling(Linear score) : score_(std::move(score)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  Linear score_;  // F → 1
};

}  // namespace mirkit::nn
