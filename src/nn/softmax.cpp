#include "mirkit/nn/softmax.hpp"

#include <algorithm>
#include <cmath>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

void softmax_inplace(float* values, std::int64_t length, std::int64_t stride) {
  // The maximum is subtracted first so exp never overflows (the usual stable form).
  float peak = values[0];
  for (std::int64_t i = 1; i < length; ++i)
    peak = std::max(peak, values[i * stride]);
  float total = 0.0f;
  for (std::int64_t i = 0; i < length; ++i) {
    float& v = values[i * stride];
    v = std::exp(v - peak);
    total += v;
  }
  const float inverse = 1.0f / total;
  for (std::int64_t i = 0; i < length; ++i)
    values[i * stride] *= inverse;
}

Shape Softmax::output_shape(const Shape& input) const {
  const int rank = static_cast<int>(input.size());
  if (axis_ < -rank || axis_ >= rank) {
    throw Error("dim " + std::to_string(axis_) + " out of range for " + to_string(input));
  }
  return input;
}

void Softmax::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  std::copy(in.values().begin(), in.values().end(), out.values().begin());
  const int axis = axis_ < 0 ? axis_ + in.rank() : axis_;
  std::int64_t inner = 1;
  for (int a = axis + 1; a < in.rank(); ++a)
    inner *= in.dim(a);
  const std::int64_t length = in.dim(axis);
  const std::int64_t outer = in.size() / (length * inner);
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      softmax_inplace(out.data() + o * length * inner + i, length, inner);
    }
  }
}

LayerDefinition softmax_definition() {
  return {"softmax",
          "softmax along one axis (torch.nn.Softmax)",
          {{"dim", ParamType::integer, -1, "the axis; negative counts from the end"}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            return std::make_unique<Softmax>(static_cast<int>(context.integer("dim")));
          },
          train::trainable_softmax};
}

}  // namespace mirkit::nn
