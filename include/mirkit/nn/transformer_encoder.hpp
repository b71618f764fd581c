// One Transformer encoder block (Vaswani et al. 2017), as torch.nn.TransformerEncoderLayer
// (batch_first=True, eval mode):
//   post-norm (default):  x = norm1(x + attn(x)),  x = norm2(x + ff(x))
//   pre-norm (norm_first): x = x + attn(norm1(x)),  x = x + ff(norm2(x))
// with ff(x) = linear2(activation(linear1(x))). Input and output (N, T, d_model).
#pragma once

#include "mirkit/nn/activation.hpp"
#include "mirkit/nn/layer_norm.hpp"
#include "mirkit/nn/linear.hpp"
#include "mirkit/nn/self_attention.hpp"

namespace mirkit::nn {

struct TransformerEncoderParts {
  SelfAttention attention;
  Linear linear1;  // d_model → dim_feedforward
  Linear linear2;  // dim_feedforward → d_model
  LayerNorm norm1;
  LayerNorm norm2;
  Activation activation;  // relu or gelu
  bool norm_first = false;
};

class TransformerEncoder : public Layer {
 public:
  explicit TransformerEncoder(TransformerEncoderParts parts) : p_(std::move(parts)) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  TransformerEncoderParts p_;
};

}  // namespace mirkit::nn
