#include "mirkit/nn/self_attention.hpp"

#include <cmath>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/recurrent.hpp"  // StridedRows: one head's columns of q, k, v
#include "mirkit/nn/softmax.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

SelfAttention::SelfAttention(std::int64_t heads, Linear in_proj, Linear out_proj)
    : heads_(heads), in_proj_(std::move(in_proj)), out_proj_(std::move(out_proj)) {}

Shape SelfAttention::output_shape(const Shape& input) const {
  const std::int64_t d = out_proj_.out_features();
  if (input.size() != 3 || input[2] != d) {
    throw Error("expects (N, T, " + std::to_string(d) + "), got " + to_string(input));
  }
  return input;
}

void SelfAttention::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0), steps = in.dim(1), d = in.dim(2), dh = d / heads_;
  const std::int64_t rows = n * steps;
  Matrix qkv(rows, 3 * d), context(rows, d), scores(steps, steps);
  in_proj_.apply(in.matrix(rows, d), MatrixMap(qkv.data(), rows, 3 * d));
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t head = 0; head < heads_; ++head) {
      const float* base = qkv.data() + b * steps * 3 * d + head * dh;
      const StridedRows q(base, steps, dh, Stride(3 * d, 1));
      const StridedRows k(base + d, steps, dh, Stride(3 * d, 1));
      const StridedRows v(base + 2 * d, steps, dh, Stride(3 * d, 1));
      scores.noalias() = (q * scale) * k.transpose();
      for (std::int64_t t = 0; t < steps; ++t)
        softmax_inplace(scores.data() + t * steps, steps);
      MutableStridedRows(context.data() + b * steps * d + head * dh, steps, dh, Stride(d, 1))
          .noalias() = scores * v;
    }
  }
  out_proj_.apply(ConstMatrixMap(context.data(), rows, d), out.matrix(rows, d));
}

LayerDefinition self_attention_definition() {
  return {"self_attention",
          "multi-head self-attention over (N, T, d_model) (torch.nn.MultiheadAttention, q=k=v)",
          {{"embed_dim", ParamType::integer, nullptr, "d_model", 1},
           {"num_heads", ParamType::integer, nullptr, "heads; must divide embed_dim", 1}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t d = context.integer("embed_dim");
            const std::int64_t heads = context.integer("num_heads");
            if (d % heads != 0) context.fail("num_heads must divide embed_dim");
            return std::make_unique<SelfAttention>(
                heads,
                Linear(context.weight("in_proj_weight", {3 * d, d}),
                       context.weight("in_proj_bias", {3 * d})),
                Linear(context.weight("out_proj.weight", {d, d}),
                       context.weight("out_proj.bias", {d})));
          },
          train::trainable_self_attention};
}

}  // namespace mirkit::nn
