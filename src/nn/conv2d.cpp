#include "mirkit/nn/conv2d.hpp"

#include <algorithm>

#include "definitions.hpp"
#include "gemm.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {
namespace {

std::int64_t output_length(std::int64_t length, std::int64_t pad, std::int64_t kernel,
                           std::int64_t stride, std::int64_t dilation) {
  // torch.nn.Conv2d documentation: floor((L + padding - dilation · (k − 1) − 1) / stride) + 1.
  const std::int64_t span = length + pad - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

// im2col (Chellapilla et al. 2006): row (c, ki, kj) of `cols` holds the input values that kernel
// tap (ki, kj) of channel c meets at every output position, so the convolution of one group
// becomes a single matrix product weight · cols.
// Only output rows [row_begin, row_end) are made: the product runs on blocks of B small enough to
// stay in the L2 cache between im2col writing them and the kernel reading them.
void im2col(const float* image, std::int64_t channels, std::int64_t height, std::int64_t width,
            const Conv2dOptions& o, std::int64_t row_begin, std::int64_t row_end,
            std::int64_t out_w, float* cols) {
  const std::int64_t count = (row_end - row_begin) * out_w;
  for (std::int64_t c = 0; c < channels; ++c) {
    const float* plane = image + c * height * width;
    for (std::int64_t ki = 0; ki < o.kernel_h; ++ki) {
      for (std::int64_t kj = 0; kj < o.kernel_w; ++kj) {
        float* row = cols + ((c * o.kernel_h + ki) * o.kernel_w + kj) * count;
        const std::int64_t x_offset = kj * o.dilation_w - o.pad_left;
        // Output columns whose input column falls inside the image: [first, last).
        std::int64_t first = 0;
        while (first < out_w && first * o.stride_w + x_offset < 0)
          ++first;
        std::int64_t last = out_w;
        while (last > first && (last - 1) * o.stride_w + x_offset >= width)
          --last;
        for (std::int64_t oy = row_begin; oy < row_end; ++oy) {
          float* out_row = row + (oy - row_begin) * out_w;
          const std::int64_t iy = oy * o.stride_h - o.pad_top + ki * o.dilation_h;
          if (iy < 0 || iy >= height) {
            std::fill(out_row, out_row + out_w, 0.0f);
            continue;
          }
          const float* in_row = plane + iy * width + x_offset;
          std::fill(out_row, out_row + first, 0.0f);
          if (o.stride_w == 1) {
            std::copy(in_row + first, in_row + last, out_row + first);
          } else {
            for (std::int64_t ox = first; ox < last; ++ox)
              out_row[ox] = in_row[ox * o.stride_w];
          }
          std::fill(out_row + last, out_row + out_w, 0.0f);
        }
      }
    }
  }
}

bool is_pointwise(const Conv2dOptions& o) {
  return o.kernel_h == 1 && o.kernel_w == 1 && o.stride_h == 1 && o.stride_w == 1 &&
         o.pad_top == 0 && o.pad_bottom == 0 && o.pad_left == 0 && o.pad_right == 0;
}

}  // namespace

Conv2d::Conv2d(const Conv2dOptions& options, const Tensor& weight, const Tensor& bias)
    : options_(options) {
  const std::int64_t taps =
      options.in_channels / options.groups * options.kernel_h * options.kernel_w;
  weight_ = weight.matrix(options.out_channels, taps);
  bias_ =
      bias.size() == 0
          ? Eigen::VectorXf::Zero(options.out_channels)
          : Eigen::VectorXf(Eigen::Map<const Eigen::VectorXf>(bias.data(), options.out_channels));
  pack();
}

void Conv2d::pack() {
  const std::int64_t per_group = options_.out_channels / options_.groups;
  packed_.clear();
  for (std::int64_t g = 0; g < options_.groups; ++g) {
    packed_.push_back(pack_weights(weight_.middleRows(g * per_group, per_group)));
  }
}

Shape Conv2d::output_shape(const Shape& input) const {
  const Conv2dOptions& o = options_;
  if (input.size() != 4) throw Error("expects (N, C, H, W), got " + to_string(input));
  if (input[1] != o.in_channels) {
    throw Error("expects " + std::to_string(o.in_channels) + " input channels, got " +
                std::to_string(input[1]));
  }
  const std::int64_t h =
      output_length(input[2], o.pad_top + o.pad_bottom, o.kernel_h, o.stride_h, o.dilation_h);
  const std::int64_t w =
      output_length(input[3], o.pad_left + o.pad_right, o.kernel_w, o.stride_w, o.dilation_w);
  if (h < 1 || w < 1) {
    throw Error("input " + to_string(input) + " is smaller than the kernel (dilated)");
  }
  return {input[0], o.out_channels, h, w};
}

void Conv2d::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  compute(in.data(), in.dim(0), in.dim(2), in.dim(3), out.data());
}

void Conv2d::compute(const float* in, std::int64_t n, std::int64_t height, std::int64_t width,
                     float* out) const {
  const Conv2dOptions& o = options_;
  const Shape shape = output_shape({n, o.in_channels, height, width});
  const std::int64_t out_h = shape[2], out_w = shape[3], positions = out_h * out_w;
  const std::int64_t in_group = o.in_channels / o.groups, out_group = o.out_channels / o.groups;
  const std::int64_t taps = in_group * o.kernel_h * o.kernel_w;
  const bool pointwise = is_pointwise(o);
  // Stride 1 needs no im2col: over the zero-padded input of width Wp, tap (c, ki, kj) of output
  // position oy · Wp + ox is input element (oy + ki·dh) · Wp + ox + kj·dw, so each row of B is
  // a contiguous run of the padded input. The product is computed on that "wide" grid (Wp
  // columns a row, the last (kw − 1)·dw of them meaningless) and the valid columns copied out.
  const bool wide = !pointwise && o.stride_h == 1 && o.stride_w == 1;
  const bool padded = o.pad_top || o.pad_bottom || o.pad_left || o.pad_right;
  const std::int64_t padded_h = height + o.pad_top + o.pad_bottom;
  const std::int64_t padded_w = width + o.pad_left + o.pad_right;
  const std::int64_t row_width = wide ? padded_w : out_w;
  // Output rows per block: B (taps × block columns) in about 256 KiB, well inside L2.
  constexpr std::int64_t kBlockBytes = 256 * 1024;
  const std::int64_t rows_per_block = std::clamp<std::int64_t>(
      kBlockBytes / static_cast<std::int64_t>(sizeof(float) * taps * row_width), 1, out_h);
  thread_local std::vector<float> cols, padded_image, wide_result;
  thread_local std::vector<const float*> rows;
  if (wide) {
    if (padded) padded_image.assign(static_cast<std::size_t>(in_group * padded_h * padded_w), 0.0f);
    wide_result.resize(static_cast<std::size_t>(out_group * rows_per_block * padded_w));
    rows.resize(static_cast<std::size_t>(taps));
  } else if (!pointwise) {
    cols.resize(static_cast<std::size_t>(taps * rows_per_block * out_w));
  }
  for (std::int64_t item = 0; item < n; ++item) {
    for (std::int64_t g = 0; g < o.groups; ++g) {
      const float* image = in + (item * o.in_channels + g * in_group) * height * width;
      const float* weights = packed_[static_cast<std::size_t>(g)].data();
      const float* bias = bias_.data() + g * out_group;
      float* result = out + (item * o.out_channels + g * out_group) * positions;
      const float* source = image;  // the wide path's input, padded if need be
      if (wide && padded) {
        for (std::int64_t c = 0; c < in_group; ++c) {
          for (std::int64_t y = 0; y < height; ++y) {
            std::copy_n(
                image + (c * height + y) * width, width,
                padded_image.data() + (c * padded_h + y + o.pad_top) * padded_w + o.pad_left);
          }
        }
        source = padded_image.data();
      }
      for (std::int64_t row = 0; row < out_h; row += rows_per_block) {
        const std::int64_t row_end = std::min(out_h, row + rows_per_block);
        const std::int64_t first = row * out_w, count = (row_end - row) * out_w;
        if (pointwise) {
          multiply(weights, out_group, taps, image + first, positions, count, bias, result + first,
                   positions);
        } else if (wide) {
          // The last row's meaningless columns are left out, so no read passes the input's end.
          const std::int64_t wide_count =
              (row_end - row) * padded_w - (o.kernel_w - 1) * o.dilation_w;
          std::size_t k = 0;
          for (std::int64_t c = 0; c < in_group; ++c) {
            for (std::int64_t ki = 0; ki < o.kernel_h; ++ki) {
              for (std::int64_t kj = 0; kj < o.kernel_w; ++kj) {
                rows[k++] = source + (c * padded_h + row + ki * o.dilation_h) * padded_w +
                            kj * o.dilation_w;
              }
            }
          }
          multiply(weights, out_group, taps, rows.data(), wide_count, bias, wide_result.data(),
                   wide_count);
          for (std::int64_t c = 0; c < out_group; ++c) {
            for (std::int64_t y = row; y < row_end; ++y) {
              std::copy_n(wide_result.data() + c * wide_count + (y - row) * padded_w, out_w,
                          result + c * positions + y * out_w);
            }
          }
        } else {
          im2col(image, in_group, height, width, o, row, row_end, out_w, cols.data());
          multiply(weights, out_group, taps, cols.data(), count, count, bias, result + first,
                   positions);
        }
        if (activation_) {
          for (std::int64_t c = 0; c < out_group; ++c) {
            activation_->apply({result + c * positions + first, static_cast<std::size_t>(count)});
          }
        }
      }
    }
  }
}

bool Conv2d::absorb_activation(const Activation& activation) {
  if (activation_) return false;  // a second activation stays a layer
  activation_ = activation;
  return true;
}

bool Conv2d::absorb_channel_affine(const Eigen::VectorXf& scale, const Eigen::VectorXf& shift) {
  if (activation_) return false;  // the affine comes after the activation: it cannot fold
  weight_ = scale.asDiagonal() * weight_;
  bias_ = scale.cwiseProduct(bias_) + shift;
  pack();
  return true;
}

namespace {

Conv2dOptions read_common(const LoadContext& context) {
  Conv2dOptions o;
  o.in_channels = context.integer("in_channels");
  o.out_channels = context.integer("out_channels");
  o.groups = context.integer("groups");
  if (o.in_channels % o.groups != 0 || o.out_channels % o.groups != 0) {
    context.fail("in_channels and out_channels must be multiples of groups");
  }
  return o;
}

}  // namespace

Conv2dOptions read_conv2d_options(const LoadContext& context) {
  Conv2dOptions o = read_common(context);
  const auto kernel = context.integers("kernel_size", 2);
  const auto stride = context.integers("stride", 2);
  const auto padding = context.integers("padding", 2);
  const auto dilation = context.integers("dilation", 2);
  o.kernel_h = kernel[0], o.kernel_w = kernel[1];
  o.stride_h = stride[0], o.stride_w = stride[1];
  o.pad_top = o.pad_bottom = padding[0];
  o.pad_left = o.pad_right = padding[1];
  o.dilation_h = dilation[0], o.dilation_w = dilation[1];
  return o;
}

Conv1dOptions read_conv1d_options(const LoadContext& context) {
  const Conv2dOptions common = read_common(context);
  Conv1dOptions o;
  o.in_channels = common.in_channels;
  o.out_channels = common.out_channels;
  o.groups = common.groups;
  o.kernel_size = context.integer("kernel_size");
  o.stride = context.integer("stride");
  o.dilation = context.integer("dilation");
  const std::int64_t padding = context.integer("padding");
  if (context.boolean("causal")) {
    if (padding != 0) context.fail("causal and padding are exclusive");
    o.pad_left = (o.kernel_size - 1) * o.dilation;
  } else {
    o.pad_left = o.pad_right = padding;
  }
  return o;
}

Conv2dOptions as_2d(const Conv1dOptions& o) {
  Conv2dOptions out;
  out.in_channels = o.in_channels;
  out.out_channels = o.out_channels;
  out.kernel_w = o.kernel_size;
  out.stride_w = o.stride;
  out.dilation_w = o.dilation;
  out.pad_left = o.pad_left;
  out.pad_right = o.pad_right;
  out.groups = o.groups;
  return out;
}

Tensor read_bias(const LoadContext& context, std::int64_t channels) {
  return context.boolean("bias") ? context.weight("bias", {channels}) : Tensor();
}

LayerDefinition conv2d_definition() {
  return {"conv2d",
          "2-D convolution over (N, C, H, W), as torch.nn.Conv2d",
          {{"in_channels", ParamType::integer, nullptr, "input channels", 1},
           {"out_channels", ParamType::integer, nullptr, "output channels", 1},
           {"kernel_size", ParamType::number_list, nullptr, "[height, width]", 1},
           {"stride", ParamType::number_list, Json::array({1, 1}), "[height, width]", 1},
           {"padding", ParamType::number_list, Json::array({0, 0}),
            "zeros added on each side: [height, width]", 0},
           {"dilation", ParamType::number_list, Json::array({1, 1}), "[height, width]", 1},
           {"groups", ParamType::integer, 1, "channel groups", 1},
           {"bias", ParamType::boolean, true, "whether the file holds a bias"}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const Conv2dOptions o = read_conv2d_options(context);
            const Tensor weight = context.weight(
                "weight", {o.out_channels, o.in_channels / o.groups, o.kernel_h, o.kernel_w});
            return std::make_unique<Conv2d>(o, weight, read_bias(context, o.out_channels));
          },
          train::trainable_conv2d};
}

}  // namespace mirkit::nn
