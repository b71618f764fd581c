// A learned position embedding added to a sequence (as in ViT / AST, Dosovitskiy et al. 2021):
// x_t + E_t for (N, T, d) with T ≤ max_len. In PyTorch, an nn.Parameter (1, max_len, d) named
// "weight" of the module in scripts/export_torch.py.
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

class PositionalEmbedding : public Layer {
 public:
  explicit PositionalEmbedding(const Tensor& weight);  // (1, max_len, d)

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  Matrix table_;  // max_len × d
};

}  // namespace mirkit::nn
