// 1-D convolution over (N, C, L), as torch.nn.Conv1d, plus left-only ("causal") padding for
// TCNs (Bai et al. 2018: the output at t sees inputs up to t only). Computed as a Conv2d of
// height 1.
#pragma once

#include "mirkit/nn/conv2d.hpp"

namespace mirkit::nn {

struct Conv1dOptions {
  std::int64_t in_channels = 1;
  std::int64_t out_channels = 1;
  std::int64_t kernel_size = 1;
  std::int64_t stride = 1;
  std::int64_t dilation = 1;
  std::int64_t pad_left = 0, pad_right = 0;
  std::int64_t groups = 1;
};

class Conv1d : public Layer {
 public:
  // weight (out, in / groups, kernel_size); bias (out) or empty.
  Conv1d(const Conv1dOptions& options, const Tensor& weight, const Tensor& bias);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;
  bool absorb_channel_affine(const Eigen::VectorXf& scale, const Eigen::VectorXf& shift) override {
    return conv_.absorb_channel_affine(scale, shift);
  }
  bool absorb_activation(const Activation& activation) override {
    return conv_.absorb_activation(activation);
  }

 private:
  Conv2d conv_;
};

}  // namespace mirkit::nn
