// The training convolution (layers.hpp): the forward pass through the inference kernel, the
// input's gradient by im2col with the same packed matrix product (src/nn/gemm.hpp: built for AVX2
// and baseline x86-64, bit-identical on either), the weights' gradient by Eigen. B is rebuilt in
// the backward pass rather than kept: it is kh·kw times the input's size, and rebuilding it costs
// far less than the products.
#include <cmath>

#include "../gemm.hpp"
#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {
namespace {

std::int64_t output_length(std::int64_t length, std::int64_t padding, std::int64_t kernel,
                           std::int64_t stride, std::int64_t dilation) {
  return (length + padding - dilation * (kernel - 1) - 1) / stride + 1;
}

}  // namespace

Convolution::Convolution(const ConvGeometry& geometry, Parameter weight,
                         std::unique_ptr<Parameter> bias)
    : g_(geometry), weight_(std::move(weight)), bias_(std::move(bias)) {}

Shape Convolution::output_shape(const Shape& input) const {
  const Conv2dOptions& o = g_.options;
  const std::size_t rank = g_.one_dimensional ? 3 : 4;
  if (input.size() != rank || input[1] != o.in_channels) {
    throw Error(std::string(g_.one_dimensional ? "conv1d expects (N, " : "conv2d expects (N, ") +
                std::to_string(o.in_channels) + (g_.one_dimensional ? ", L)" : ", H, W)") +
                ", got " + to_string(input));
  }
  const std::int64_t height = g_.one_dimensional ? 1 : input[2];
  const std::int64_t width = input.back();
  const std::int64_t out_h =
      output_length(height, o.pad_top + o.pad_bottom, o.kernel_h, o.stride_h, o.dilation_h);
  const std::int64_t out_w =
      output_length(width, o.pad_left + o.pad_right, o.kernel_w, o.stride_w, o.dilation_w);
  if (height + o.pad_top + o.pad_bottom < o.dilation_h * (o.kernel_h - 1) + 1 ||
      width + o.pad_left + o.pad_right < o.dilation_w * (o.kernel_w - 1) + 1) {
    throw Error("input " + to_string(input) + " is smaller than the kernel");
  }
  if (g_.one_dimensional) return {input[0], o.out_channels, out_w};
  return {input[0], o.out_channels, out_h, out_w};
}

void Convolution::im2col(const float* item, std::int64_t height, std::int64_t width,
                         Matrix& columns) const {
  const Conv2dOptions& o = g_.options;
  const std::int64_t out_h =
      output_length(height, o.pad_top + o.pad_bottom, o.kernel_h, o.stride_h, o.dilation_h);
  const std::int64_t out_w =
      output_length(width, o.pad_left + o.pad_right, o.kernel_w, o.stride_w, o.dilation_w);
  columns.resize(o.in_channels * o.kernel_h * o.kernel_w, out_h * out_w);
  for (std::int64_t c = 0; c < o.in_channels; ++c) {
    const float* plane = item + c * height * width;
    for (std::int64_t i = 0; i < o.kernel_h; ++i) {
      for (std::int64_t j = 0; j < o.kernel_w; ++j) {
        float* row = columns.row((c * o.kernel_h + i) * o.kernel_w + j).data();
        for (std::int64_t oy = 0; oy < out_h; ++oy) {
          const std::int64_t y = oy * o.stride_h - o.pad_top + i * o.dilation_h;
          float* dst = row + oy * out_w;
          if (y < 0 || y >= height) {
            std::fill(dst, dst + out_w, 0.0f);
            continue;
          }
          const float* src = plane + y * width;
          for (std::int64_t ox = 0; ox < out_w; ++ox) {
            const std::int64_t x = ox * o.stride_w - o.pad_left + j * o.dilation_w;
            dst[ox] = (x >= 0 && x < width) ? src[x] : 0.0f;
          }
        }
      }
    }
  }
}

void Convolution::col2im(const Matrix& columns, std::int64_t height, std::int64_t width,
                         float* item) const {
  const Conv2dOptions& o = g_.options;
  const std::int64_t out_h =
      output_length(height, o.pad_top + o.pad_bottom, o.kernel_h, o.stride_h, o.dilation_h);
  const std::int64_t out_w = columns.cols() / out_h;
  std::fill(item, item + o.in_channels * height * width, 0.0f);
  for (std::int64_t c = 0; c < o.in_channels; ++c) {
    float* plane = item + c * height * width;
    for (std::int64_t i = 0; i < o.kernel_h; ++i) {
      for (std::int64_t j = 0; j < o.kernel_w; ++j) {
        const float* row = columns.row((c * o.kernel_h + i) * o.kernel_w + j).data();
        for (std::int64_t oy = 0; oy < out_h; ++oy) {
          const std::int64_t y = oy * o.stride_h - o.pad_top + i * o.dilation_h;
          if (y < 0 || y >= height) continue;
          float* dst = plane + y * width;
          const float* src = row + oy * out_w;
          for (std::int64_t ox = 0; ox < out_w; ++ox) {
            const std::int64_t x = ox * o.stride_w - o.pad_left + j * o.dilation_w;
            if (x >= 0 && x < width) dst[x] += src[ox];
          }
        }
      }
    }
  }
}

void Convolution::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  // Packed afresh for this step's weights: a copy of the weights, small beside the product.
  const Conv2d conv(g_.options, *weight_.value, bias_ ? *bias_->value : Tensor());
  conv.compute(in.data(), in.dim(0), g_.one_dimensional ? 1 : in.dim(2), in.dim(-1), out.data());
}

void Convolution::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                           Tensor& grad_in) {
  const Conv2dOptions& o = g_.options;
  const std::int64_t n = in.dim(0);
  const std::int64_t height = g_.one_dimensional ? 1 : in.dim(2), width = in.dim(-1);
  const std::int64_t out_group = o.out_channels / o.groups;
  const std::int64_t k = o.in_channels / o.groups * o.kernel_h * o.kernel_w;
  const std::int64_t positions = out.size() / (n * o.out_channels);
  const auto w = weight_.value->matrix(o.out_channels, k);
  MatrixMap dw = weight_.grad.matrix(o.out_channels, k);
  grad_in.resize(in.shape());
  grad_columns_.resize(o.groups * k, positions);
  zeros_.assign(static_cast<std::size_t>(std::max(k, out_group)), 0.0f);
  packed_transposed_weights_.resize(static_cast<std::size_t>(o.groups));
  for (std::int64_t group = 0; group < o.groups; ++group) {
    packed_transposed_weights_[static_cast<std::size_t>(group)] =
        pack_weights(w.middleRows(group * out_group, out_group).transpose());
  }
  for (std::int64_t b = 0; b < n; ++b) {
    const float* dy = grad_out.data() + b * o.out_channels * positions;
    im2col(in.data() + b * o.in_channels * height * width, height, width, columns_);
    for (std::int64_t group = 0; group < o.groups; ++group) {
      const float* dy_group = dy + group * out_group * positions;
      // dB_g = W_gᵀ · dy_g: (k × out_group) · (out_group × positions).
      multiply(packed_transposed_weights_[static_cast<std::size_t>(group)].data(), k, out_group,
               dy_group, positions, positions, zeros_.data(), grad_columns_.row(group * k).data(),
               positions);
      // dW_g += dy_g · B_gᵀ: (out_group × positions) · (positions × k), by Eigen, whose own
      // packing reads B_g transposed in place (the packed kernel needs B_gᵀ copied out first,
      // which measured slower: 1.87 s against 1.77 s for two epochs of cnn.json on the demo).
      dw.middleRows(group * out_group, out_group).noalias() +=
          ConstMatrixMap(dy_group, out_group, positions) *
          columns_.middleRows(group * k, k).transpose();
    }
    if (bias_) {
      bias_->grad.matrix(o.out_channels, 1).col(0) +=
          ConstMatrixMap(dy, o.out_channels, positions).rowwise().sum();
    }
    col2im(grad_columns_, height, width, grad_in.data() + b * o.in_channels * height * width);
  }
}

void Convolution::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  parameters.push_back(&weight_);
  if (bias_) parameters.push_back(bias_.get());
}

std::unique_ptr<TrainLayer> Convolution::replicate() const {
  auto copy = std::make_unique<Convolution>(
      g_, fresh_copy(weight_), bias_ ? std::make_unique<Parameter>(fresh_copy(*bias_)) : nullptr);
  copy->frozen_ = frozen_;
  return copy;
}

namespace {

std::unique_ptr<TrainLayer> trainable_convolution(const LoadContext& c, Builder& builder,
                                                  bool one_dimensional) {
  ConvGeometry g{one_dimensional,
                 one_dimensional ? as_2d(read_conv1d_options(c)) : read_conv2d_options(c)};
  const Conv2dOptions& o = g.options;
  const std::int64_t in_group = o.in_channels / o.groups;  // PyTorch's fan-in
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_group * o.kernel_h * o.kernel_w));
  const Shape shape = one_dimensional ? Shape{o.out_channels, in_group, o.kernel_w}
                                      : Shape{o.out_channels, in_group, o.kernel_h, o.kernel_w};
  Parameter weight = builder.take(c, "weight", shape, bound);
  std::unique_ptr<Parameter> bias;
  if (c.boolean("bias"))
    bias = std::make_unique<Parameter>(builder.take(c, "bias", {o.out_channels}, bound, false));
  return std::make_unique<Convolution>(g, std::move(weight), std::move(bias));
}

}  // namespace

std::unique_ptr<TrainLayer> trainable_conv1d(const LoadContext& context, Builder& builder) {
  return trainable_convolution(context, builder, true);
}

std::unique_ptr<TrainLayer> trainable_conv2d(const LoadContext& context, Builder& builder) {
  return trainable_convolution(context, builder, false);
}

}  // namespace mirkit::nn::train
