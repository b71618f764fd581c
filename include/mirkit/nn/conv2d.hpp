// 2-D convolution over (N, C, H, W), as torch.nn.Conv2d: stride, zero padding (here per side,
// so that a causal 1-D convolution is the same kernel), dilation and groups.
#pragma once

#include <optional>
#include <vector>

#include "mirkit/nn/activation.hpp"
#include "mirkit/nn/layer.hpp"

namespace mirkit::nn {

struct Conv2dOptions {
  std::int64_t in_channels = 1;
  std::int64_t out_channels = 1;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  std::int64_t groups = 1;
};

class Conv2d : public Layer {
 public:
  // weight (out, in / groups, kernel_h, kernel_w) as PyTorch stores it; bias (out) or empty.
  Conv2d(const Conv2dOptions& options, const Tensor& weight, const Tensor& bias);

  Shape output_shape(const Shape& input) const override;
  void forward(const Tensor& in, Tensor& out) const override;
  bool absorb_channel_affine(const Eigen::VectorXf& scale, const Eigen::VectorXf& shift) override;
  bool absorb_activation(const Activation& activation) override;

  const Conv2dOptions& options() const { return options_; }

  // The same computation on raw (N, C, H, W) values, for layers that see their input with
  // another shape but the same memory (Conv1d: (N, C, L) is (N, C, 1, L)). `out` holds
  // output_shape() elements.
  void compute(const float* in, std::int64_t n, std::int64_t height, std::int64_t width,
               float* out) const;

 private:
  void pack();

  Conv2dOptions options_;
  Matrix weight_;         // out × (in / groups · kernel_h · kernel_w)
  Eigen::VectorXf bias_;  // out (zeros when the file has none)
  // weight_'s rows of each group, laid out for the matrix-product kernel (src/nn/gemm.hpp).
  std::vector<std::vector<float>> packed_;
  std::optional<Activation> activation_;  // a following activation, applied block by block
};

}  // namespace mirkit::nn
