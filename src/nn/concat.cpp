#include "mirkit/nn/concat.hpp"

#include <algorithm>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape concatenated_shape(const std::vector<Shape>& parts, int axis_given) {
  Shape out;
  for (std::size_t b = 0; b < parts.size(); ++b) {
    const Shape& shape = parts[b];
    const int rank = static_cast<int>(shape.size());
    const int axis = axis_given < 0 ? axis_given + rank : axis_given;
    if (axis < 0 || axis >= rank) throw Error("dim out of range for " + to_string(shape));
    if (b == 0) {
      out = shape;
      continue;
    }
    Shape a = out, c = shape;
    if (a.size() == c.size()) a[axis] = c[axis] = 0;
    if (a != c) {
      throw Error("branch " + std::to_string(b) + " gives " + to_string(shape) +
                  ", which does not fit " + to_string(out));
    }
    out[axis] += shape[axis];
  }
  return out;
}

ConcatLayout::ConcatLayout(const Shape& out, int axis_given) {
  const int rank = static_cast<int>(out.size());
  const int axis = axis_given < 0 ? axis_given + rank : axis_given;
  std::int64_t whole = 1;
  for (int a = 0; a < rank; ++a) {
    whole *= out[static_cast<std::size_t>(a)];
    if (a < axis) outer_ *= out[static_cast<std::size_t>(a)];
  }
  run_ = outer_ > 0 ? whole / outer_ : 0;
}

std::int64_t ConcatLayout::place(const float* part, std::int64_t part_size, float* whole,
                                 std::int64_t offset) const {
  const std::int64_t block = outer_ > 0 ? part_size / outer_ : 0;
  for (std::int64_t o = 0; o < outer_; ++o)
    std::copy_n(part + o * block, block, whole + o * run_ + offset);
  return offset + block;
}

std::int64_t ConcatLayout::take(const float* whole, std::int64_t offset, float* part,
                                std::int64_t part_size) const {
  const std::int64_t block = outer_ > 0 ? part_size / outer_ : 0;
  for (std::int64_t o = 0; o < outer_; ++o)
    std::copy_n(whole + o * run_ + offset, block, part + o * block);
  return offset + block;
}

Shape Concat::output_shape(const Shape& input) const {
  std::vector<Shape> parts;
  for (const auto& branch : branches_)
    parts.push_back(branch->output_shape(input));
  return concatenated_shape(parts, axis_);
}

void Concat::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const ConcatLayout layout(out.shape(), axis_);
  std::int64_t offset = 0;
  Tensor part;
  for (const auto& branch : branches_) {
    branch->forward(in, part);
    offset = layout.place(part.data(), part.size(), out.data(), offset);
  }
}

LayerDefinition concat_definition() {
  return {
      "concat",
      "branches (a list of layer lists) on the same input, joined along 'dim' (torch.cat)",
      {{"dim", ParamType::integer, 1, "the axis; negative counts from the end"}},
      {"branches"},
      [](const LoadContext& context) -> std::unique_ptr<Layer> {
        const Json& raw = context.raw();
        if (!raw.contains("branches") || !raw["branches"].is_array() || raw["branches"].empty()) {
          context.fail("'branches' must be a non-empty list of layer lists");
        }
        std::vector<std::unique_ptr<Layer>> branches;
        for (std::size_t b = 0; b < raw["branches"].size(); ++b) {
          branches.push_back(context.sequence(raw["branches"][b], "branches." + std::to_string(b)));
        }
        return std::make_unique<Concat>(std::move(branches),
                                        static_cast<int>(context.integer("dim")));
      },
      train::trainable_concat};
}

}  // namespace mirkit::nn
