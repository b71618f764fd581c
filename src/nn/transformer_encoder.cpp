#include "mirkit/nn/transformer_encoder.hpp"

#include <utility>

#include "definitions.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Shape TransformerEncoder::output_shape(const Shape& input) const {
  return p_.attention.output_shape(input);
}

void TransformerEncoder::forward(const Tensor& in, Tensor& out) const {
  const Shape shape = output_shape(in.shape());
  const std::int64_t rows = in.size() / in.dim(2), d = in.dim(2);
  const std::int64_t hidden = p_.linear1.out_features();
  Tensor normed, attended;
  Tensor ff_hidden({rows, hidden});
  Matrix ff_out(rows, d);

  out = in;
  auto x = out.matrix(rows, d);
  // Sub-layer 1: self-attention with its residual.
  if (p_.norm_first) {
    normed = in;
    p_.norm1.apply(normed.matrix(rows, d));
    p_.attention.forward(normed, attended);
    x += attended.matrix(rows, d);
  } else {
    p_.attention.forward(in, attended);
    x += attended.matrix(rows, d);
    p_.norm1.apply(x);
  }
  // Sub-layer 2: the position-wise feed-forward network with its residual.
  const auto feed_forward = [&](ConstMatrixMap source) {
    p_.linear1.apply(source, ff_hidden.matrix(rows, hidden));
    p_.activation.apply(ff_hidden.values());
    p_.linear2.apply(std::as_const(ff_hidden).matrix(rows, hidden),
                     MatrixMap(ff_out.data(), rows, d));
  };
  if (p_.norm_first) {
    normed = out;
    p_.norm2.apply(normed.matrix(rows, d));
    feed_forward(std::as_const(normed).matrix(rows, d));
    x += ff_out;
  } else {
    feed_forward(std::as_const(out).matrix(rows, d));
    x += ff_out;
    p_.norm2.apply(x);
  }
  out.reshape(shape);
}

LayerDefinition transformer_encoder_definition() {
  return {
      "transformer_encoder",
      "Transformer encoder block over (N, T, d_model) (torch.nn.TransformerEncoderLayer)",
      {{"d_model", ParamType::integer, nullptr, "features per position", 1},
       {"nhead", ParamType::integer, nullptr, "attention heads; must divide d_model", 1},
       {"dim_feedforward", ParamType::integer, nullptr, "hidden size of the feed-forward", 1},
       {"activation", ParamType::string, "relu", "of the feed-forward", {}, {}, {"relu", "gelu"}},
       {"layer_norm_eps", ParamType::number, 1e-5, "of both layer norms", 0},
       {"norm_first", ParamType::boolean, false, "pre-norm instead of post-norm"},
       {"dropout", ParamType::number, 0.1, "during training (unused here)", 0, 1}},
      {},
      [](const LoadContext& context) -> std::unique_ptr<Layer> {
        const std::int64_t d = context.integer("d_model");
        const std::int64_t heads = context.integer("nhead");
        const std::int64_t hidden = context.integer("dim_feedforward");
        if (d % heads != 0) context.fail("nhead must divide d_model");
        const float eps = static_cast<float>(context.number("layer_norm_eps"));
        const LoadContext attn = context.child("self_attn");
        const auto linear = [&](const std::string& name, std::int64_t in, std::int64_t out) {
          return Linear(context.weight(name + ".weight", {out, in}),
                        context.weight(name + ".bias", {out}));
        };
        const auto norm = [&](const std::string& name) {
          return LayerNorm(context.weight(name + ".weight", {d}),
                           context.weight(name + ".bias", {d}), eps);
        };
        TransformerEncoderParts parts{
            SelfAttention(
                heads,
                Linear(attn.weight("in_proj_weight", {3 * d, d}),
                       attn.weight("in_proj_bias", {3 * d})),
                Linear(attn.weight("out_proj.weight", {d, d}), attn.weight("out_proj.bias", {d}))),
            linear("linear1", d, hidden),
            linear("linear2", hidden, d),
            norm("norm1"),
            norm("norm2"),
            Activation(context.string("activation") == "gelu" ? ActivationKind::gelu
                                                              : ActivationKind::relu),
            context.boolean("norm_first")};
        return std::make_unique<TransformerEncoder>(std::move(parts));
      },
      train::trainable_transformer_encoder};
}

}  // namespace mirkit::nn
