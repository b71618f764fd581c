#include "mirkit/nn/positional_embedding.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

PositionalEmbedding::PositionalEmbedding(const Tensor& weight)
    : table_(weight.matrix(weight.dim(1), weight.dim(2))) {}

Shape PositionalEmbedding::output_shape(const Shape& input) const {
  if (input.size() != 3 || input[2] != table_.cols() || input[1] > table_.rows()) {
    throw Error("expects (N, T ≤ " + std::to_string(table_.rows()) + ", " +
                std::to_string(table_.cols()) + "), got " + to_string(input));
  }
  return input;
}

void PositionalEmbedding::forward(const Tensor& in, Tensor& out) const {
  out = in;
  output_shape(in.shape());
  const std::int64_t steps = in.dim(1), d = in.dim(2);
  for (std::int64_t b = 0; b < in.dim(0); ++b) {
    MatrixMap(out.data() + b * steps * d, steps, d) += table_.topRows(steps);
  }
}

LayerDefinition positional_embedding_definition() {
  return {"positional_embedding",
          "adds a learned (max_len, d) table to (N, T, d), T ≤ max_len",
          {{"max_len", ParamType::integer, nullptr, "longest sequence", 1},
           {"dim", ParamType::integer, nullptr, "d", 1}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t len = context.integer("max_len"), d = context.integer("dim");
            return std::make_unique<PositionalEmbedding>(context.weight("weight", {1, len, d}));
          },
          train::trainable_positional_embedding};
}

}  // namespace mirkit::nn
