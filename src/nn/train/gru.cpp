// GRU training by backpropagation through time. Forward, per layer and direction (PyTorch's
// formulas, gates r, z, n):
//   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),  z = σ(… _iz … _hz),
//   n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
// Backward walks the steps in reverse processing order, carrying dL/dh; the input projections of
// all steps are differentiated at the end in one product each, as the forward computes them.
#include <cmath>

#include "factories.hpp"
#include "layers.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn::train {
namespace {

using RowBlock = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;
using ConstRowBlock = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

// Step t of every item: rows b·T + t of an (N·T) × width matrix, columns [column, column + cols).
RowBlock step_rows(Matrix& m, std::int64_t batch, std::int64_t steps, std::int64_t t,
                   std::int64_t column, std::int64_t cols) {
  return RowBlock(m.data() + t * m.cols() + column, batch, cols,
                  Eigen::OuterStride<>(steps * m.cols()));
}
ConstRowBlock step_rows(const Matrix& m, std::int64_t batch, std::int64_t steps, std::int64_t t,
                        std::int64_t column, std::int64_t cols) {
  return ConstRowBlock(m.data() + t * m.cols() + column, batch, cols,
                       Eigen::OuterStride<>(steps * m.cols()));
}

Matrix sigmoid(const Matrix& a) {
  return (1.0f + (-a.array()).exp()).inverse().matrix();
}

}  // namespace

Gru::Gru(std::int64_t input_size, std::int64_t hidden_size, std::int64_t layers, bool bidirectional,
         std::vector<Direction> weights)
    : input_size_(input_size),
      hidden_size_(hidden_size),
      layers_(layers),
      bidirectional_(bidirectional),
      weights_(std::move(weights)) {}

Shape Gru::output_shape(const Shape& input) const {
  if (input.size() != 3 || input[2] != input_size_) {
    throw Error("gru expects (N, T, " + std::to_string(input_size_) + "), got " + to_string(input));
  }
  return {input[0], input[1], (bidirectional_ ? 2 : 1) * hidden_size_};
}

void Gru::run_direction(const Matrix& input, std::int64_t batch, std::int64_t steps, Direction& w,
                        bool reverse, Matrix& output, std::int64_t column, Trace& trace) const {
  const std::int64_t h = hidden_size_, in = input.cols();
  const auto w_ih = w.weight_ih.value->matrix(3 * h, in);
  const auto w_hh = w.weight_hh.value->matrix(3 * h, h);
  Matrix projected = input * w_ih.transpose();
  projected.rowwise() += w.bias_ih.value->matrix(1, 3 * h).row(0);
  Matrix state = Matrix::Zero(batch, h);
  for (auto* list : {&trace.r, &trace.z, &trace.n, &trace.hn, &trace.previous})
    list->resize(static_cast<std::size_t>(steps));
  for (std::int64_t s = 0; s < steps; ++s) {
    const std::int64_t t = reverse ? steps - 1 - s : s;
    const auto gi = step_rows(projected, batch, steps, t, 0, 3 * h);
    Matrix gh = state * w_hh.transpose();
    gh.rowwise() += w.bias_hh.value->matrix(1, 3 * h).row(0);
    const auto k = static_cast<std::size_t>(s);
    trace.r[k] = sigmoid(gi.leftCols(h) + gh.leftCols(h));
    trace.z[k] = sigmoid(gi.middleCols(h, h) + gh.middleCols(h, h));
    trace.hn[k] = gh.rightCols(h);
    trace.n[k] =
        (gi.rightCols(h).array() + trace.r[k].array() * trace.hn[k].array()).tanh().matrix();
    trace.previous[k] = state;
    state = ((1.0f - trace.z[k].array()) * trace.n[k].array() + trace.z[k].array() * state.array())
                .matrix();
    step_rows(output, batch, steps, t, column, h) = state;
  }
}

void Gru::forward(const Tensor& in, Tensor& out, const Pass&) {
  const Shape shape = output_shape(in.shape());
  const std::int64_t batch = in.dim(0), steps = in.dim(1);
  const std::int64_t directions = bidirectional_ ? 2 : 1, width = directions * hidden_size_;
  inputs_.resize(static_cast<std::size_t>(layers_));
  traces_.resize(static_cast<std::size_t>(layers_ * directions));
  inputs_[0] = in.matrix(batch * steps, input_size_);
  Matrix output(batch * steps, width);
  for (std::int64_t l = 0; l < layers_; ++l) {
    if (l > 0) inputs_[static_cast<std::size_t>(l)] = output;
    for (std::int64_t d = 0; d < directions; ++d) {
      const auto k = static_cast<std::size_t>(l * directions + d);
      run_direction(inputs_[static_cast<std::size_t>(l)], batch, steps, weights_[k], d == 1, output,
                    d * hidden_size_, traces_[k]);
    }
  }
  out.resize(shape);
  out.matrix(batch * steps, width) = output;
}

void Gru::back_direction(const Matrix& input, const Matrix& grad_output, std::int64_t batch,
                         std::int64_t steps, Direction& w, bool reverse, std::int64_t column,
                         const Trace& trace, Matrix& grad_input) const {
  const std::int64_t h = hidden_size_, in = input.cols();
  const auto w_hh = w.weight_hh.value->matrix(3 * h, h);
  MatrixMap dw_hh = w.weight_hh.grad.matrix(3 * h, h);
  Matrix grad_projected(batch * steps, 3 * h);
  Matrix dh = Matrix::Zero(batch, h), dgh(batch, 3 * h);
  for (std::int64_t s = steps - 1; s >= 0; --s) {
    const std::int64_t t = reverse ? steps - 1 - s : s;
    const auto k = static_cast<std::size_t>(s);
    dh += step_rows(grad_output, batch, steps, t, column, h);
    const auto r = trace.r[k].array(), z = trace.z[k].array(), n = trace.n[k].array();
    const auto previous = trace.previous[k].array();
    const Matrix da_n = (dh.array() * (1.0f - z) * (1.0f - n * n)).matrix();
    const Matrix da_r = (da_n.array() * trace.hn[k].array() * r * (1.0f - r)).matrix();
    const Matrix da_z = (dh.array() * (previous - n) * z * (1.0f - z)).matrix();
    auto dgi = step_rows(grad_projected, batch, steps, t, 0, 3 * h);
    dgi.leftCols(h) = da_r;
    dgi.middleCols(h, h) = da_z;
    dgi.rightCols(h) = da_n;
    dgh.leftCols(h) = da_r;
    dgh.middleCols(h, h) = da_z;
    dgh.rightCols(h) = (da_n.array() * r).matrix();
    dw_hh.noalias() += dgh.transpose() * trace.previous[k];
    w.bias_hh.grad.matrix(1, 3 * h) += dgh.colwise().sum();
    dh = (dh.array() * z).matrix();
    dh.noalias() += dgh * w_hh;
  }
  w.weight_ih.grad.matrix(3 * h, in).noalias() += grad_projected.transpose() * input;
  w.bias_ih.grad.matrix(1, 3 * h) += grad_projected.colwise().sum();
  grad_input.noalias() += grad_projected * w.weight_ih.value->matrix(3 * h, in);
}

void Gru::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  const std::int64_t batch = in.dim(0), steps = in.dim(1);
  const std::int64_t directions = bidirectional_ ? 2 : 1, width = directions * hidden_size_;
  Matrix grad_output = grad_out.matrix(batch * steps, width);
  for (std::int64_t l = layers_ - 1; l >= 0; --l) {
    const Matrix& input = inputs_[static_cast<std::size_t>(l)];
    Matrix grad_input = Matrix::Zero(batch * steps, input.cols());
    for (std::int64_t d = 0; d < directions; ++d) {
      const auto k = static_cast<std::size_t>(l * directions + d);
      back_direction(input, grad_output, batch, steps, weights_[k], d == 1, d * hidden_size_,
                     traces_[k], grad_input);
    }
    grad_output = std::move(grad_input);
  }
  grad_in.resize(in.shape());
  grad_in.matrix(batch * steps, input_size_) = grad_output;
}

void Gru::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  for (Direction& d : weights_) {
    for (Parameter* p : {&d.weight_ih, &d.weight_hh, &d.bias_ih, &d.bias_hh})
      parameters.push_back(p);
  }
}

std::unique_ptr<TrainLayer> Gru::replicate() const {
  std::vector<Direction> copies;
  for (const Direction& d : weights_) {
    copies.push_back({fresh_copy(d.weight_ih), fresh_copy(d.weight_hh), fresh_copy(d.bias_ih),
                      fresh_copy(d.bias_hh)});
  }
  auto copy =
      std::make_unique<Gru>(input_size_, hidden_size_, layers_, bidirectional_, std::move(copies));
  copy->frozen_ = frozen_;
  return copy;
}

std::unique_ptr<TrainLayer> trainable_gru(const LoadContext& c, Builder& builder) {
  const std::int64_t in = c.integer("input_size"), h = c.integer("hidden_size");
  const std::int64_t layers = c.integer("num_layers");
  const bool bidirectional = c.boolean("bidirectional");
  const double bound = 1.0 / std::sqrt(static_cast<double>(h));
  std::vector<Gru::Direction> weights;
  for (std::int64_t l = 0; l < layers; ++l) {
    for (int d = 0; d < (bidirectional ? 2 : 1); ++d) {
      const std::string suffix = "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
      const std::int64_t width = l == 0 ? in : (bidirectional ? 2 : 1) * h;
      Gru::Direction w{builder.take(c, "weight_ih" + suffix, {3 * h, width}, bound),
                       builder.take(c, "weight_hh" + suffix, {3 * h, h}, bound),
                       builder.take(c, "bias_ih" + suffix, {3 * h}, bound, false),
                       builder.take(c, "bias_hh" + suffix, {3 * h}, bound, false)};
      weights.push_back(std::move(w));
    }
  }
  return std::make_unique<Gru>(in, h, layers, bidirectional, std::move(weights));
}

}  // namespace mirkit::nn::train
