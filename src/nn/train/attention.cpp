// Self-attention and the Transformer encoder block, trained. Both are built from training layers
// that already have backward passes, plus one here: the attention core between the projections.
//
// Core, per item and head, with S = q kᵀ / √d_h, P = softmax_rows(S), P' = P ⊙ mask (dropout),
// o = P' v:
//   dv = P'ᵀ do,  dP = (do vᵀ) ⊙ mask,  dS = P ⊙ (dP − rowsum(dP ⊙ P)),
//   dq = dS k / √d_h,  dk = dSᵀ q / √d_h.
#include <cmath>

#include "../../core/random.hpp"
#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"
#include "mirkit/nn/recurrent.hpp"  // StridedRows: one head's columns
#include "mirkit/nn/softmax.hpp"

namespace mirkit::nn::train {

Shape ScaledDotProductAttention::output_shape(const Shape& input) const {
  if (input.size() != 3 || input[2] % (3 * heads_) != 0) {
    throw Error("attention expects (N, T, 3·d) with d a multiple of " + std::to_string(heads_) +
                ", got " + to_string(input));
  }
  return {input[0], input[1], input[2] / 3};
}

void ScaledDotProductAttention::forward(const Tensor& in, Tensor& out, const Pass& pass) {
  out.resize(output_shape(in.shape()));
  const std::int64_t n = in.dim(0), steps = in.dim(1), d = out.dim(2), dh = d / heads_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const bool drop = pass.training && !frozen_ && p_ > 0.0;
  if (drop && pass.random == nullptr) throw Error("attention dropout needs a random stream");
  const auto keep = static_cast<float>(1.0 / (1.0 - p_));
  weights_.resize(static_cast<std::size_t>(n * heads_));
  masks_.resize(drop ? weights_.size() : 0);
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t head = 0; head < heads_; ++head) {
      const auto k = static_cast<std::size_t>(b * heads_ + head);
      const float* base = in.data() + b * steps * 3 * d + head * dh;
      const StridedRows q(base, steps, dh, Stride(3 * d, 1));
      const StridedRows key(base + d, steps, dh, Stride(3 * d, 1));
      const StridedRows v(base + 2 * d, steps, dh, Stride(3 * d, 1));
      Matrix& p = weights_[k];
      p.noalias() = (q * scale) * key.transpose();  // the inference layer's order
      for (std::int64_t t = 0; t < steps; ++t)
        softmax_inplace(p.data() + t * steps, steps);
      MutableStridedRows o(out.data() + b * steps * d + head * dh, steps, dh, Stride(d, 1));
      if (!drop) {
        o.noalias() = p * v;
        continue;
      }
      Matrix& mask = masks_[k];
      mask.resize(steps, steps);
      for (std::int64_t i = 0; i < mask.size(); ++i)
        mask.data()[i] = pass.random->uniform() < p_ ? 0.0f : keep;
      o.noalias() = (p.array() * mask.array()).matrix() * v;
    }
  }
}

void ScaledDotProductAttention::backward(const Tensor& in, const Tensor&, const Tensor& grad_out,
                                         Tensor& grad_in) {
  const std::int64_t n = in.dim(0), steps = in.dim(1), d = in.dim(2) / 3, dh = d / heads_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  grad_in.resize(in.shape());
  Matrix dp, ds;
  for (std::int64_t b = 0; b < n; ++b) {
    for (std::int64_t head = 0; head < heads_; ++head) {
      const auto k = static_cast<std::size_t>(b * heads_ + head);
      const float* base = in.data() + b * steps * 3 * d + head * dh;
      float* grad_base = grad_in.data() + b * steps * 3 * d + head * dh;
      const StridedRows q(base, steps, dh, Stride(3 * d, 1));
      const StridedRows key(base + d, steps, dh, Stride(3 * d, 1));
      const StridedRows v(base + 2 * d, steps, dh, Stride(3 * d, 1));
      MutableStridedRows dq(grad_base, steps, dh, Stride(3 * d, 1));
      MutableStridedRows dk(grad_base + d, steps, dh, Stride(3 * d, 1));
      MutableStridedRows dv(grad_base + 2 * d, steps, dh, Stride(3 * d, 1));
      const StridedRows dout(grad_out.data() + b * steps * d + head * dh, steps, dh, Stride(d, 1));
      const Matrix& p = weights_[k];
      dp.noalias() = dout * v.transpose();
      if (masks_.empty()) {
        dv.noalias() = p.transpose() * dout;
      } else {
        dv.noalias() = (p.array() * masks_[k].array()).matrix().transpose() * dout;
        dp.array() *= masks_[k].array();
      }
      const Eigen::VectorXf row_dot = (dp.array() * p.array()).rowwise().sum();
      ds = (p.array() * (dp.array().colwise() - row_dot.array())).matrix();
      dq.noalias() = (ds * key) * scale;
      dk.noalias() = (ds.transpose() * q) * scale;
    }
  }
}

std::unique_ptr<TrainLayer> ScaledDotProductAttention::replicate() const {
  auto copy = std::make_unique<ScaledDotProductAttention>(heads_, p_);
  copy->frozen_ = frozen_;
  return copy;
}

namespace {

// torch.nn.MultiheadAttention's tensors under `c` ("<layer>" or "<layer>.self_attn"), initialised
// as PyTorch does: in_proj Xavier-uniform with zero bias, out_proj a Linear's bound with zero bias.
std::unique_ptr<Sequence> attention_block(const LoadContext& c, Builder& builder, std::int64_t d,
                                          std::int64_t heads, double dropout) {
  if (d % heads != 0) c.fail("the number of heads must divide the model width");
  std::vector<std::unique_ptr<TrainLayer>> layers;
  const double xavier = std::sqrt(6.0 / static_cast<double>(d + 3 * d));
  layers.push_back(std::make_unique<Linear>(
      builder.take(c, "in_proj_weight", {3 * d, d}, xavier),
      std::make_unique<Parameter>(builder.constant(c, "in_proj_bias", 3 * d, 0.0f, false))));
  layers.push_back(std::make_unique<ScaledDotProductAttention>(heads, dropout));
  layers.push_back(std::make_unique<Linear>(
      builder.take(c, "out_proj.weight", {d, d}, 1.0 / std::sqrt(static_cast<double>(d))),
      std::make_unique<Parameter>(builder.constant(c, "out_proj.bias", d, 0.0f, false))));
  return std::make_unique<Sequence>(std::move(layers));
}

std::unique_ptr<TrainLayer> linear_layer(const LoadContext& c, Builder& builder,
                                         const std::string& name, std::int64_t in,
                                         std::int64_t out) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  return std::make_unique<Linear>(
      builder.take(c, name + ".weight", {out, in}, bound),
      std::make_unique<Parameter>(builder.take(c, name + ".bias", {out}, bound, false)));
}

std::unique_ptr<Sequence> sequence_of(std::vector<std::unique_ptr<TrainLayer>> layers) {
  return std::make_unique<Sequence>(std::move(layers));
}

}  // namespace

// Inference runs self-attention without dropout (the entry has none), so training does too.
std::unique_ptr<TrainLayer> trainable_self_attention(const LoadContext& c, Builder& builder) {
  return attention_block(c, builder, c.integer("embed_dim"), c.integer("num_heads"), 0.0);
}

// torch.nn.TransformerEncoderLayer in training: dropout (the entry's "dropout") on the attention
// weights, after the attention, inside the feed-forward and after it, as PyTorch places it.
//   post-norm: x = norm1(x + drop(attn(x))),  x = norm2(x + drop(ff(x)))
//   pre-norm:  x = x + drop(attn(norm1(x))),  x = x + drop(ff(norm2(x)))
// with ff(x) = linear2(drop(activation(linear1(x)))).
std::unique_ptr<TrainLayer> trainable_transformer_encoder(const LoadContext& c, Builder& builder) {
  const std::int64_t d = c.integer("d_model"), hidden = c.integer("dim_feedforward");
  const double p = c.number("dropout");
  const bool norm_first = c.boolean("norm_first");
  const auto eps = static_cast<float>(c.number("layer_norm_eps"));
  const auto norm = [&](const std::string& name) {
    return std::make_unique<LayerNorm>(builder.constant(c, name + ".weight", d, 1.0f, false),
                                       builder.constant(c, name + ".bias", d, 0.0f, false), eps);
  };
  const auto activation =
      c.string("activation") == "gelu" ? ActivationType::gelu : ActivationType::relu;
  // Tensors are taken in PyTorch's module order (self_attn, linear1, linear2, norm1, norm2), so a
  // fresh block draws its initial values in a fixed order.
  std::vector<std::unique_ptr<TrainLayer>> attention;
  attention.push_back(attention_block(c.child("self_attn"), builder, d, c.integer("nhead"), p));
  attention.push_back(std::make_unique<Dropout>(p));
  std::vector<std::unique_ptr<TrainLayer>> feed_forward;
  feed_forward.push_back(linear_layer(c, builder, "linear1", d, hidden));
  feed_forward.push_back(std::make_unique<Activation>(activation, 0.0f));
  feed_forward.push_back(std::make_unique<Dropout>(p));
  feed_forward.push_back(linear_layer(c, builder, "linear2", hidden, d));
  feed_forward.push_back(std::make_unique<Dropout>(p));
  auto norm1 = norm("norm1");
  auto norm2 = norm("norm2");

  std::vector<std::unique_ptr<TrainLayer>> block;
  if (norm_first) {
    attention.insert(attention.begin(), std::move(norm1));
    feed_forward.insert(feed_forward.begin(), std::move(norm2));
    block.push_back(std::make_unique<Residual>(sequence_of(std::move(attention)), nullptr));
    block.push_back(std::make_unique<Residual>(sequence_of(std::move(feed_forward)), nullptr));
  } else {
    block.push_back(std::make_unique<Residual>(sequence_of(std::move(attention)), nullptr));
    block.push_back(std::move(norm1));
    block.push_back(std::make_unique<Residual>(sequence_of(std::move(feed_forward)), nullptr));
    block.push_back(std::move(norm2));
  }
  return sequence_of(std::move(block));
}

}  // namespace mirkit::nn::train
