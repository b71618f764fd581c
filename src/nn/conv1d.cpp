#include "mirkit/nn/conv1d.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {
namespace {

Tensor as_2d_weight(const Tensor& weight) {
  Tensor out = weight;
  out.reshape({weight.dim(0), weight.dim(1), 1, weight.dim(2)});
  return out;
}

}  // namespace

Conv1d::Conv1d(const Conv1dOptions& options, const Tensor& weight, const Tensor& bias)
    : conv_(as_2d(options), as_2d_weight(weight), bias) {}

Shape Conv1d::output_shape(const Shape& input) const {
  if (input.size() != 3) throw Error("expects (N, C, L), got " + to_string(input));
  const Shape out = conv_.output_shape({input[0], input[1], 1, input[2]});
  return {out[0], out[1], out[3]};
}

void Conv1d::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  conv_.compute(in.data(), in.dim(0), 1, in.dim(2), out.data());
}

LayerDefinition conv1d_definition() {
  return {"conv1d",
          "1-D convolution over (N, C, L), as torch.nn.Conv1d; causal = left padding only",
          {{"in_channels", ParamType::integer, nullptr, "input channels", 1},
           {"out_channels", ParamType::integer, nullptr, "output channels", 1},
           {"kernel_size", ParamType::integer, nullptr, "taps", 1},
           {"stride", ParamType::integer, 1, "step between outputs", 1},
           {"padding", ParamType::integer, 0, "zeros added on each side", 0},
           {"dilation", ParamType::integer, 1, "spacing of the taps", 1},
           {"groups", ParamType::integer, 1, "channel groups", 1},
           {"causal", ParamType::boolean, false,
            "pad (kernel_size − 1) · dilation zeros on the left only (then padding must be 0)"},
           {"bias", ParamType::boolean, true, "whether the file holds a bias"}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const Conv1dOptions o = read_conv1d_options(context);
            const Tensor weight =
                context.weight("weight", {o.out_channels, o.in_channels / o.groups, o.kernel_size});
            const Tensor bias = read_bias(context, o.out_channels);
            return std::make_unique<Conv1d>(o, weight, bias);
          },
          train::trainable_conv1d};
}

}  // namespace mirkit::nn
