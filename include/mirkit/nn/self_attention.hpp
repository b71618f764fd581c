// Multi-head self-attention (Vaswani et al. 2017), as torch.nn.MultiheadAttention(batch_first
// =True) called with query = key = value = x and no mask: per head, softmax(Q Kᵀ / √d_head) V,
// heads concatenated and projected. Input and output (N, T, d_model).
#pragma once

#include "mirkit/nn/linear.hpp"

namespace mirkit::nn {

class SelfAttention : public Layer {
 public:
  // in_proj (3·d_model × d_model, then q, k, v), out_proj (d_model × d_model), as PyTorch.
  SelfAttention(std::int64_t heads, Linear in_proj, Linear out_proj);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  std::int64_t heads_;
  Linear in_proj_;
  Linear out_proj_;
};

}  // namespace mirkit::nn
