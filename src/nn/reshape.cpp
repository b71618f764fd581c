#include "mirkit/nn/reshape.hpp"

#include <algorithm>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape Flatten::output_shape(const Shape& input) const {
  const int rank = static_cast<int>(input.size());
  const int start = start_ < 0 ? start_ + rank : start_;
  const int end = end_ < 0 ? end_ + rank : end_;
  if (start < 0 || end >= rank || start > end) {
    throw Error("start_dim " + std::to_string(start_) + " / end_dim " + std::to_string(end_) +
                " do not fit " + to_string(input));
  }
  Shape out(input.begin(), input.begin() + start);
  std::int64_t merged = 1;
  for (int a = start; a <= end; ++a)
    merged *= input[static_cast<std::size_t>(a)];
  out.push_back(merged);
  out.insert(out.end(), input.begin() + end + 1, input.end());
  return out;
}

void Flatten::forward(const Tensor& in, Tensor& out) const {
  out = in;
  out.reshape(output_shape(in.shape()));
}

Shape Reshape::output_shape(const Shape& input) const {
  if (input.empty()) throw Error("expects a batch axis");
  Shape out = {input[0]};
  out.insert(out.end(), shape_.begin(), shape_.end());
  const std::int64_t per_item = element_count(input) / std::max<std::int64_t>(input[0], 1);
  std::int64_t known = 1;
  for (const std::int64_t d : shape_)
    known *= d == -1 ? 1 : d;
  for (std::size_t a = 1; a < out.size(); ++a) {
    if (out[a] == -1 && known > 0) out[a] = per_item / known;
  }
  if (element_count(out) != element_count(input)) {
    throw Error("cannot reshape " + to_string(input) + " to " + batch_of(shape_));
  }
  return out;
}

void Reshape::forward(const Tensor& in, Tensor& out) const {
  out = in;
  out.reshape(output_shape(in.shape()));
}

LayerDefinition flatten_definition() {
  return {"flatten",
          "merges axes start_dim..end_dim (torch.flatten)",
          {{"start_dim", ParamType::integer, 1, "first axis merged"},
           {"end_dim", ParamType::integer, -1, "last axis merged (negative counts from the end)"}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            return std::make_unique<Flatten>(static_cast<int>(context.integer("start_dim")),
                                             static_cast<int>(context.integer("end_dim")));
          },
          train::trainable_flatten};
}

LayerDefinition reshape_definition() {
  return {"reshape",
          "new shape after the batch axis, one entry may be -1 (Tensor.reshape)",
          {{"shape", ParamType::number_list, nullptr, "the axes after the batch", -1}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::size_t count = context.params()["shape"].size();
            const auto dims = context.integers("shape", count);
            if (std::count(dims.begin(), dims.end(), -1) > 1) context.fail("more than one -1");
            return std::make_unique<Reshape>(Shape(dims.begin(), dims.end()));
          },
          train::trainable_reshape};
}

}  // namespace mirkit::nn
