// Convolution by im2col: per item, the columns matrix B (C_in·kh·kw × positions) holds each
// output position's receptive field, so y = W·B + b, dW = dy·Bᵀ and dB = Wᵀ·dy, which col2im
// scatters back onto the input. With G groups each of these is G products on row blocks: group g's
// outputs read only rows [g·K, (g+1)·K) of B, K = C_in/G·kh·kw. B is rebuilt in the backward pass
// rather than kept: it is kh·kw times the input's size, and rebuilding it costs far less than the
// products.
#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

Convolution::Convolution(const ConvGeometry& geometry, Parameter weight,
                         std::unique_ptr<Parameter> bias)
    : g_(geometry), weight_(std::move(weight)), bias_(std::move(bias)) {}

Shape Convolution::output_shape(const Shape& input) const {
  const std::size_t rank = g_.one_dimensional ? 3 : 4;
  if (input.size() != rank || input[1] != g_.in_channels) {
    throw Error(std::string(g_.one_dimensional ? "conv1d expects (N, " : "conv2d expects (N, ") +
                std::to_string(g_.in_channels) + (g_.one_dimensional ? ", L)" : ", H, W)") +
                ", got " + to_string(input));
  }
  const std::int64_t height = g_.one_dimensional ? 1 : input[2];
  const std::int64_t width = input.back();
  const std::int64_t span_h = g_.dilation_h * (g_.kernel_h - 1) + 1;
  const std::int64_t span_w = g_.dilation_w * (g_.kernel_w - 1) + 1;
  const std::int64_t out_h = (height + g_.pad_top + g_.pad_bottom - span_h) / g_.stride_h + 1;
  const std::int64_t out_w = (width + g_.pad_left + g_.pad_right - span_w) / g_.stride_w + 1;
  if (height + g_.pad_top + g_.pad_bottom < span_h || width + g_.pad_left + g_.pad_right < span_w) {
    throw Error("input " + to_string(input) + " is smaller than the kernel");
  }
  if (g_.one_dimensional) return {input[0], g_.out_channels, out_w};
  return {input[0], g_.out_channels, out_h, out_w};
}

void Convolution::im2col(const float* item, std::int64_t height, std::int64_t width,
                         Matrix& columns) const {
  const std::int64_t out_h =
      (height + g_.pad_top + g_.pad_bottom - g_.dilation_h * (g_.kernel_h - 1) - 1) / g_.stride_h +
      1;
  const std::int64_t out_w =
      (width + g_.pad_left + g_.pad_right - g_.dilation_w * (g_.kernel_w - 1) - 1) / g_.stride_w +
      1;
  columns.resize(g_.in_channels * g_.kernel_h * g_.kernel_w, out_h * out_w);
  for (std::int64_t c = 0; c < g_.in_channels; ++c) {
    const float* plane = item + c * height * width;
    for (std::int64_t i = 0; i < g_.kernel_h; ++i) {
      for (std::int64_t j = 0; j < g_.kernel_w; ++j) {
        float* row = columns.row((c * g_.kernel_h + i) * g_.kernel_w + j).data();
        for (std::int64_t oy = 0; oy < out_h; ++oy) {
          const std::int64_t y = oy * g_.stride_h - g_.pad_top + i * g_.dilation_h;
          float* dst = row + oy * out_w;
          if (y < 0 || y >= height) {
            std::fill(dst, dst + out_w, 0.0f);
            continue;
          }
          const float* src = plane + y * width;
          for (std::int64_t ox = 0; ox < out_w; ++ox) {
            const std::int64_t x = ox * g_.stride_w - g_.pad_left + j * g_.dilation_w;
            dst[ox] = (x >= 0 && x < width) ? src[x] : 0.0f;
          }
        }
      }
    }
  }
}

void Convolution::col2im(const Matrix& columns, std::int64_t height, std::int64_t width,
                         float* item) const {
  const std::int64_t out_h =
      (height + g_.pad_top + g_.pad_bottom - g_.dilation_h * (g_.kernel_h - 1) - 1) / g_.stride_h +
      1;
  const std::int64_t out_w = columns.cols() / out_h;
  std::fill(item, item + g_.in_channels * height * width, 0.0f);
  for (std::int64_t c = 0; c < g_.in_channels; ++c) {
    float* plane = item + c * height * width;
    for (std::int64_t i = 0; i < g_.kernel_h; ++i) {
      for (std::int64_t j = 0; j < g_.kernel_w; ++j) {
        const float* row = columns.row((c * g_.kernel_h + i) * g_.kernel_w + j).data();
        for (std::int64_t oy = 0; oy < out_h; ++oy) {
          const std::int64_t y = oy * g_.stride_h - g_.pad_top + i * g_.dilation_h;
          if (y < 0 || y >= height) continue;
          float* dst = plane + y * width;
          const float* src = row + oy * out_w;
          for (std::int64_t ox = 0; ox < out_w; ++ox) {
            const std::int64_t x = ox * g_.stride_w - g_.pad_left + j * g_.dilation_w;
            if (x >= 0 && x < width) dst[x] += src[ox];
          }
        }
      }
    }
  }
}

void Convolution::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0);
  const std::int64_t height = g_.one_dimensional ? 1 : in.dim(2), width = in.dim(-1);
  const std::int64_t out_group = g_.out_channels / g_.groups;
  const std::int64_t k = g_.in_channels / g_.groups * g_.kernel_h * g_.kernel_w;
  const std::int64_t positions = out.size() / (n * g_.out_channels);
  const auto w = weight_.value->matrix(g_.out_channels, k);
  for (std::int64_t b = 0; b < n; ++b) {
    im2col(in.data() + b * g_.in_channels * height * width, height, width, columns_);
    MatrixMap y(out.data() + b * g_.out_channels * positions, g_.out_channels, positions);
    for (std::int64_t group = 0; group < g_.groups; ++group) {
      y.middleRows(group * out_group, out_group).noalias() =
          w.middleRows(group * out_group, out_group) * columns_.middleRows(group * k, k);
    }
    if (bias_) y.colwise() += bias_->value->matrix(g_.out_channels, 1).col(0);
  }
}

void Convolution::backward(const Tensor& in, const Tensor& out, const Tensor& grad_out,
                           Tensor& grad_in) {
  const std::int64_t n = in.dim(0);
  const std::int64_t height = g_.one_dimensional ? 1 : in.dim(2), width = in.dim(-1);
  const std::int64_t out_group = g_.out_channels / g_.groups;
  const std::int64_t k = g_.in_channels / g_.groups * g_.kernel_h * g_.kernel_w;
  const std::int64_t positions = out.size() / (n * g_.out_channels);
  const auto w = weight_.value->matrix(g_.out_channels, k);
  MatrixMap dw = weight_.grad.matrix(g_.out_channels, k);
  grad_in.resize(in.shape());
  grad_columns_.resize(g_.groups * k, positions);
  for (std::int64_t b = 0; b < n; ++b) {
    const ConstMatrixMap dy(grad_out.data() + b * g_.out_channels * positions, g_.out_channels,
                            positions);
    im2col(in.data() + b * g_.in_channels * height * width, height, width, columns_);
    for (std::int64_t group = 0; group < g_.groups; ++group) {
      const auto dy_group = dy.middleRows(group * out_group, out_group);
      dw.middleRows(group * out_group, out_group).noalias() +=
          dy_group * columns_.middleRows(group * k, k).transpose();
      grad_columns_.middleRows(group * k, k).noalias() =
          w.middleRows(group * out_group, out_group).transpose() * dy_group;
    }
    if (bias_) bias_->grad.matrix(g_.out_channels, 1).col(0) += dy.rowwise().sum();
    col2im(grad_columns_, height, width, grad_in.data() + b * g_.in_channels * height * width);
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
  const Conv2dOptions o = one_dimensional ? as_2d(read_conv1d_options(c)) : read_conv2d_options(c);
  ConvGeometry g;
  g.one_dimensional = one_dimensional;
  g.in_channels = o.in_channels, g.out_channels = o.out_channels, g.groups = o.groups;
  g.kernel_h = o.kernel_h, g.kernel_w = o.kernel_w;
  g.stride_h = o.stride_h, g.stride_w = o.stride_w;
  g.dilation_h = o.dilation_h, g.dilation_w = o.dilation_w;
  g.pad_top = o.pad_top, g.pad_bottom = o.pad_bottom;
  g.pad_left = o.pad_left, g.pad_right = o.pad_right;
  const std::int64_t in_group = g.in_channels / g.groups;  // PyTorch's fan-in
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_group * g.kernel_h * g.kernel_w));
  const Shape shape = one_dimensional ? Shape{g.out_channels, in_group, g.kernel_w}
                                      : Shape{g.out_channels, in_group, g.kernel_h, g.kernel_w};
  Parameter weight = builder.take(c, "weight", shape, bound);
  std::unique_ptr<Parameter> bias;
  if (c.boolean("bias"))
    bias = std::make_unique<Parameter>(builder.take(c, "bias", {g.out_channels}, bound, false));
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
