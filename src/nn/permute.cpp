#include "mirkit/nn/permute.hpp"

#include <algorithm>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape Permute::output_shape(const Shape& input) const {
  if (input.size() != dims_.size()) {
    throw Error("permutes " + std::to_string(dims_.size()) + " axes, got " + to_string(input));
  }
  Shape out;
  for (const int d : dims_)
    out.push_back(input[static_cast<std::size_t>(d)]);
  return out;
}

void Permute::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const int rank = in.rank();
  // The input stride of each output axis; then walk the output in order with an odometer.
  std::vector<std::int64_t> in_stride(static_cast<std::size_t>(rank), 1);
  for (int a = rank - 2; a >= 0; --a)
    in_stride[a] = in_stride[a + 1] * in.dim(a + 1);
  std::vector<std::int64_t> stride, extent;
  for (const int d : dims_) {
    stride.push_back(in_stride[static_cast<std::size_t>(d)]);
    extent.push_back(in.dim(d));
  }
  std::vector<std::int64_t> index(static_cast<std::size_t>(rank), 0);
  const std::int64_t inner = extent.back(), inner_stride = stride.back();
  const float* source = in.data();
  float* target = out.data();
  for (std::int64_t done = 0; done < out.size(); done += inner) {
    std::int64_t offset = 0;
    for (int a = 0; a + 1 < rank; ++a)
      offset += index[a] * stride[a];
    for (std::int64_t i = 0; i < inner; ++i)
      *target++ = source[offset + i * inner_stride];
    for (int a = rank - 2; a >= 0; --a) {
      if (++index[a] < extent[a]) break;
      index[a] = 0;
    }
  }
}

LayerDefinition permute_definition() {
  return {"permute",
          "reorders the axes, batch included (Tensor.permute)",
          {{"dims", ParamType::number_list, nullptr, "output axis k is input axis dims[k]", 0}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::size_t count = context.params()["dims"].size();
            const auto dims = context.integers("dims", count);
            std::vector<int> order(dims.begin(), dims.end());
            std::vector<int> sorted = order;
            std::sort(sorted.begin(), sorted.end());
            for (std::size_t k = 0; k < sorted.size(); ++k) {
              if (sorted[k] != static_cast<int>(k)) {
                context.fail("'dims' must be a permutation of 0.." + std::to_string(count - 1));
              }
            }
            return std::make_unique<Permute>(order);
          },
          train::trainable_permute};
}

}  // namespace mirkit::nn
