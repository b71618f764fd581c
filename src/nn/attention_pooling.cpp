#include "mirkit/nn/attention_pooling.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/softmax.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape AttentionPooling::output_shape(const Shape& input) const {
  const std::int64_t f = score_.in_features();
  if (input.size() != 3 || input[2] != f) {
    throw Error("expects (N, T, " + std::to_string(f) + "), got " + to_string(input));
  }
  if (input[1] < 1) throw Error("needs at least one time step");
  return {input[0], f};
}

void AttentionPooling::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0), steps = in.dim(1), f = in.dim(2);
  Matrix scores(n * steps, 1);
  score_.apply(in.matrix(n * steps, f), MatrixMap(scores.data(), n * steps, 1));
  for (std::int64_t b = 0; b < n; ++b) {
    softmax_inplace(scores.data() + b * steps, steps);
    out.matrix(n, f).row(b).noalias() = scores.middleRows(b * steps, steps).transpose() *
                                        ConstMatrixMap(in.data() + b * steps * f, steps, f);
  }
}

LayerDefinition attention_pooling_definition() {
  return {"attention_pooling",
          "softmax-weighted mean over time with a learned score: (N, T, F) → (N, F)",
          {{"in_features", ParamType::integer, nullptr, "F", 1}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t f = context.integer("in_features");
            return std::make_unique<AttentionPooling>(
                Linear(context.weight("score.weight", {1, f}), context.weight("score.bias", {1})));
          },
          train::trainable_attention_pooling};
}

}  // namespace mirkit::nn
