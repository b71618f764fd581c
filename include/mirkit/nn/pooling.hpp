// Max and average pooling over (N, C, L) or (N, C, H, W), as torch.nn.MaxPool1d/2d and
// AvgPool1d/2d (floor mode; average counts the zero padding, PyTorch's count_include_pad=True;
// max pads with −∞). A 1-D pool is a 2-D pool of height 1.
#pragma once

#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

enum class PoolKind { max, average };

struct PoolOptions {
  PoolKind kind = PoolKind::max;
  bool one_dimensional = false;  // input (N, C, L) instead of (N, C, H, W)
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
};

class Pooling : public Layer {
 public:
  explicit Pooling(const PoolOptions& options) : options_(options) {}

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;

 private:
  PoolOptions options_;
};

}  // namespace mirkit::nn
