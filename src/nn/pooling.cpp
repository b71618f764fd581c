#include "mirkit/nn/pooling.hpp"

#include <algorithm>
#include <limits>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape Pooling::output_shape(const Shape& input) const {
  const PoolOptions& o = options_;
  const std::size_t rank = o.one_dimensional ? 3 : 4;
  if (input.size() != rank) {
    throw Error(std::string("expects ") + (o.one_dimensional ? "(N, C, L)" : "(N, C, H, W)") +
                ", got " + to_string(input));
  }
  const std::int64_t h = o.one_dimensional ? 1 : input[2];
  const std::int64_t w = input.back();
  const std::int64_t span_h = h + 2 * o.pad_h - o.kernel_h;
  const std::int64_t span_w = w + 2 * o.pad_w - o.kernel_w;
  if (span_h < 0 || span_w < 0) {
    throw Error("input " + to_string(input) + " is smaller than the pooling kernel");
  }
  if (o.one_dimensional) return {input[0], input[1], span_w / o.stride_w + 1};
  return {input[0], input[1], span_h / o.stride_h + 1, span_w / o.stride_w + 1};
}

void Pooling::forward(const Tensor& in, Tensor& out) const {
  const PoolOptions& o = options_;
  out.resize(output_shape(in.shape()));
  const std::int64_t planes = in.dim(0) * in.dim(1);
  const std::int64_t h = o.one_dimensional ? 1 : in.dim(2), w = in.dim(-1);
  const std::int64_t out_h = o.one_dimensional ? 1 : out.dim(2), out_w = out.dim(-1);
  const float area = static_cast<float>(o.kernel_h * o.kernel_w);
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* plane = in.data() + p * h * w;
    float* target = out.data() + p * out_h * out_w;
    for (std::int64_t oy = 0; oy < out_h; ++oy) {
      const std::int64_t y0 = oy * o.stride_h - o.pad_h;
      const std::int64_t ya = std::max<std::int64_t>(y0, 0);
      const std::int64_t yb = std::min(y0 + o.kernel_h, h);
      for (std::int64_t ox = 0; ox < out_w; ++ox) {
        const std::int64_t x0 = ox * o.stride_w - o.pad_w;
        const std::int64_t xa = std::max<std::int64_t>(x0, 0);
        const std::int64_t xb = std::min(x0 + o.kernel_w, w);
        float value;
        if (o.kind == PoolKind::max) {
          value = -std::numeric_limits<float>::infinity();
          for (std::int64_t y = ya; y < yb; ++y) {
            for (std::int64_t x = xa; x < xb; ++x)
              value = std::max(value, plane[y * w + x]);
          }
        } else {
          value = 0.0f;
          for (std::int64_t y = ya; y < yb; ++y) {
            for (std::int64_t x = xa; x < xb; ++x)
              value += plane[y * w + x];
          }
          value /= area;
        }
        target[oy * out_w + ox] = value;
      }
    }
  }
}

PoolOptions read_pool_options(const LoadContext& context, PoolKind kind, bool one_dimensional) {
  PoolOptions o;
  o.kind = kind;
  o.one_dimensional = one_dimensional;
  if (one_dimensional) {
    o.kernel_w = context.integer("kernel_size");
    o.stride_w = context.given("stride") ? context.integer("stride") : o.kernel_w;
    o.pad_w = context.integer("padding");
  } else {
    const auto kernel = context.integers("kernel_size", 2);
    const auto stride = context.given("stride") ? context.integers("stride", 2) : kernel;
    const auto padding = context.integers("padding", 2);
    o.kernel_h = kernel[0], o.kernel_w = kernel[1];
    o.stride_h = stride[0], o.stride_w = stride[1];
    o.pad_h = padding[0], o.pad_w = padding[1];
  }
  if (2 * o.pad_h > o.kernel_h || 2 * o.pad_w > o.kernel_w) {
    context.fail("padding must be at most kernel_size / 2");
  }
  return o;
}

namespace {

LayerDefinition pool_1d(std::string type, PoolKind kind) {
  return {type,
          kind == PoolKind::max ? "max pooling over (N, C, L), as torch.nn.MaxPool1d"
                                : "average pooling over (N, C, L), as torch.nn.AvgPool1d",
          {{"kernel_size", ParamType::integer, nullptr, "window", 1},
           {"stride", ParamType::integer, nullptr, "step (default: kernel_size)", 1, {}, {}, true},
           {"padding", ParamType::integer, 0, "added on each side (at most kernel_size / 2)", 0}},
          {},
          [kind](const LoadContext& context) -> std::unique_ptr<Layer> {
            return std::make_unique<Pooling>(read_pool_options(context, kind, true));
          },
          train::trainable_pooling(kind, true)};
}

LayerDefinition pool_2d(std::string type, PoolKind kind) {
  return {type,
          kind == PoolKind::max ? "max pooling over (N, C, H, W), as torch.nn.MaxPool2d"
                                : "average pooling over (N, C, H, W), as torch.nn.AvgPool2d",
          {{"kernel_size", ParamType::number_list, nullptr, "[height, width]", 1},
           {"stride",
            ParamType::number_list,
            nullptr,
            "[height, width] (default: kernel_size)",
            1,
            {},
            {},
            true},
           {"padding", ParamType::number_list, Json::array({0, 0}), "[height, width]", 0}},
          {},
          [kind](const LoadContext& context) -> std::unique_ptr<Layer> {
            return std::make_unique<Pooling>(read_pool_options(context, kind, false));
          },
          train::trainable_pooling(kind, false)};
}

}  // namespace

std::vector<LayerDefinition> pooling_definitions() {
  return {pool_1d("max_pool1d", PoolKind::max), pool_1d("avg_pool1d", PoolKind::average),
          pool_2d("max_pool2d", PoolKind::max), pool_2d("avg_pool2d", PoolKind::average)};
}

}  // namespace mirkit::nn
