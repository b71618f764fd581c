// Layer norm's gradient, per row with x̂ its normalised values and s = 1 / √(var + eps):
//   dγ = Σ_rows dy ⊙ x̂,  dβ = Σ_rows dy,  dx = s (dx̂ − mean(dx̂) − x̂ mean(dx̂ ⊙ x̂)), dx̂ = dy ⊙ γ.
// Positional embedding's: the input's gradient passes through; the table's is summed over items.
#include <algorithm>
#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {

LayerNorm::LayerNorm(Parameter gamma, Parameter beta, float eps)
    : gamma_(std::move(gamma)), beta_(std::move(beta)), eps_(eps) {}

Shape LayerNorm::output_shape(const Shape& input) const {
  const std::int64_t f = gamma_.value->size();
  if (input.size() < 2 || input.back() != f) {
    throw Error("layer_norm expects (..., " + std::to_string(f) + "), got " + to_string(input));
  }
  return input;
}

void LayerNorm::forward(const Tensor& in, Tensor& out, const Pass&) {
  out.resize(output_shape(in.shape()));
  const std::int64_t f = gamma_.value->size(), rows = in.size() / f;
  const auto gamma = gamma_.value->matrix(1, f).array(), beta = beta_.value->matrix(1, f).array();
  normalised_ = in.matrix(rows, f);
  inverse_deviation_.resize(rows);
  const float count = static_cast<float>(f);
  MatrixMap y = out.matrix(rows, f);
  for (std::int64_t r = 0; r < rows; ++r) {  // the inference layer's order of operations
    auto row = normalised_.row(r).array();
    row -= row.sum() / count;
    const float deviation = std::sqrt(row.square().sum() / count + eps_);
    y.row(r).array() = row * (gamma / deviation) + beta;
    row /= deviation;
    inverse_deviation_[r] = 1.0f / deviation;
  }
}

void LayerNorm::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  const std::int64_t f = gamma_.value->size(), rows = in.size() / f;
  const ConstMatrixMap dy = grad_out.matrix(rows, f);
  gamma_.grad.matrix(1, f) += (dy.array() * normalised_.array()).colwise().sum().matrix();
  beta_.grad.matrix(1, f) += dy.colwise().sum();
  grad_in.resize(in.shape());
  MatrixMap dx = grad_in.matrix(rows, f);
  const auto gamma = gamma_.value->matrix(1, f).array();
  const float count = static_cast<float>(f);
  for (std::int64_t r = 0; r < rows; ++r) {
    const Eigen::Array<float, 1, Eigen::Dynamic> dxhat = dy.row(r).array() * gamma;
    const auto xhat = normalised_.row(r).array();
    const float mean = dxhat.sum() / count, projection = (dxhat * xhat).sum() / count;
    dx.row(r).array() = inverse_deviation_[r] * (dxhat - mean - xhat * projection);
  }
}

void LayerNorm::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  parameters.push_back(&gamma_);
  parameters.push_back(&beta_);
}

std::unique_ptr<TrainLayer> LayerNorm::replicate() const {
  auto copy = std::make_unique<LayerNorm>(fresh_copy(gamma_), fresh_copy(beta_), eps_);
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_layer_norm(const LoadContext& c, Builder& builder) {
  const std::int64_t f = c.integer("normalized_shape");
  return std::make_unique<LayerNorm>(builder.constant(c, "weight", f, 1.0f, false),
                                     builder.constant(c, "bias", f, 0.0f, false),
                                     static_cast<float>(c.number("eps")));
}

Shape PositionalEmbedding::output_shape(const Shape& input) const {
  const std::int64_t length = table_.value->dim(1), d = table_.value->dim(2);
  if (input.size() != 3 || input[2] != d || input[1] > length) {
    throw Error("positional_embedding expects (N, T ≤ " + std::to_string(length) + ", " +
                std::to_string(d) + "), got " + to_string(input));
  }
  return input;
}

void PositionalEmbedding::forward(const Tensor& in, Tensor& out, const Pass&) {
  out = in;
  (void)output_shape(in.shape());
  const std::int64_t steps = in.dim(1), d = in.dim(2);
  const auto table = table_.value->matrix(table_.value->dim(1), d).topRows(steps);
  for (std::int64_t b = 0; b < in.dim(0); ++b)
    MatrixMap(out.data() + b * steps * d, steps, d) += table;
}

void PositionalEmbedding::backward(const Tensor&, const Tensor&, const Tensor& grad_out,
                                   Tensor& grad_in) {
  grad_in = grad_out;
  const std::int64_t steps = grad_out.dim(1), d = grad_out.dim(2);
  auto table = table_.grad.matrix(table_.value->dim(1), d).topRows(steps);
  for (std::int64_t b = 0; b < grad_out.dim(0); ++b)
    table += ConstMatrixMap(grad_out.data() + b * steps * d, steps, d);
}

void PositionalEmbedding::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  parameters.push_back(&table_);
}

std::unique_ptr<TrainLayer> PositionalEmbedding::replicate() const {
  auto copy = std::make_unique<PositionalEmbedding>(fresh_copy(table_));
  copy->frozen_ = frozen_;
  return copy;
}

// A fresh table is uniform in ±0.02 (ViT draws N(0, 0.02²)); like a bias, it takes no decay.
std::unique_ptr<TrainLayer> trainable_positional_embedding(const LoadContext& c, Builder& builder) {
  const std::int64_t length = c.integer("max_len"), d = c.integer("dim");
  return std::make_unique<PositionalEmbedding>(
      builder.take(c, "weight", {1, length, d}, 0.02, false));
}

}  // namespace mirkit::nn::train
