// GRU and LSTM training by backpropagation through time, one layer and direction at a time.
// Forward (PyTorch's formulas), with a = x W_iᵀ + b_i + h W_hᵀ + b_h split by gate:
//   GRU:  r = σ(a_r), z = σ(a_z), n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),
//         h' = (1 − z) ⊙ n + z ⊙ h
//   LSTM: i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c' = f ⊙ c + i ⊙ g,
//         h' = o ⊙ tanh(c')
// Backward walks the steps in reverse processing order, carrying dL/dh (and dL/dc); the input
// projections of all steps are differentiated at the end in one product each, as the forward
// computes them.
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

template <typename Derived>
Matrix sigmoid(const Eigen::MatrixBase<Derived>& a) {
  return (1.0f + (-a.array()).exp()).inverse().matrix();
}

}  // namespace

Recurrent::Recurrent(Cell cell, const RecurrentOptions& options, std::vector<Direction> weights)
    : cell_(cell), options_(options), weights_(std::move(weights)) {}

Shape Recurrent::output_shape(const Shape& input) const {
  try {
    return recurrent_output_shape(options_, input);
  } catch (const Error& e) {
    throw Error(std::string(cell_ == Cell::gru ? "gru " : "lstm ") + e.what());
  }
}

void Recurrent::run_direction(const Matrix& input, std::int64_t batch, std::int64_t steps,
                              Direction& w, bool reverse, Matrix& output, std::int64_t column,
                              Trace& trace) const {
  const std::int64_t h = options_.hidden_size, in = input.cols(), gates = gate_count() * h;
  const auto w_ih = w.weight_ih.value->matrix(gates, in);
  const auto w_hh = w.weight_hh.value->matrix(gates, h);
  const auto b_hh = w.bias_hh.value->matrix(1, gates).row(0);
  Matrix projected = input * w_ih.transpose();
  projected.rowwise() += w.bias_ih.value->matrix(1, gates).row(0);
  Matrix state = Matrix::Zero(batch, h), cell = Matrix::Zero(batch, h), a(batch, gates);
  for (auto* list : {&trace.gates, &trace.previous, &trace.extra})
    list->resize(static_cast<std::size_t>(steps));
  for (std::int64_t s = 0; s < steps; ++s) {
    const std::int64_t t = reverse ? steps - 1 - s : s;
    const auto k = static_cast<std::size_t>(s);
    const auto x = step_rows(projected, batch, steps, t, 0, gates);
    Matrix& g = trace.gates[k];
    g.resize(batch, gates);
    trace.previous[k] = state;
    if (cell_ == Cell::gru) {
      Matrix gh = state * w_hh.transpose();
      gh.rowwise() += b_hh;
      g.leftCols(h) = sigmoid(x.leftCols(h) + gh.leftCols(h));
      g.middleCols(h, h) = sigmoid(x.middleCols(h, h) + gh.middleCols(h, h));
      trace.extra[k] = gh.rightCols(h);
      g.rightCols(h) =
          (x.rightCols(h).array() + g.leftCols(h).array() * trace.extra[k].array()).tanh();
      const auto z = g.middleCols(h, h).array();
      state = ((1.0f - z) * g.rightCols(h).array() + z * state.array()).matrix();
    } else {  // the inference layer's order of operations
      a.noalias() = state * w_hh.transpose();
      a += x;
      a.rowwise() += b_hh;
      g.leftCols(2 * h) = sigmoid(a.leftCols(2 * h));
      g.middleCols(2 * h, h) = a.middleCols(2 * h, h).array().tanh().matrix();
      g.rightCols(h) = sigmoid(a.rightCols(h));
      cell = (g.middleCols(h, h).array() * cell.array() +
              g.leftCols(h).array() * g.middleCols(2 * h, h).array())
                 .matrix();
      trace.extra[k] = cell;
      state = (g.rightCols(h).array() * cell.array().tanh()).matrix();
    }
    step_rows(output, batch, steps, t, column, h) = state;
  }
}

void Recurrent::forward(const Tensor& in, Tensor& out, const Pass&) {
  const Shape shape = output_shape(in.shape());
  const std::int64_t batch = in.dim(0), steps = in.dim(1);
  const std::int64_t directions = options_.directions(), width = shape[2];
  inputs_.resize(static_cast<std::size_t>(options_.num_layers));
  traces_.resize(static_cast<std::size_t>(options_.num_layers * directions));
  inputs_[0] = in.matrix(batch * steps, options_.input_size);
  Matrix output(batch * steps, width);
  for (std::int64_t l = 0; l < options_.num_layers; ++l) {
    if (l > 0) inputs_[static_cast<std::size_t>(l)] = output;
    for (std::int64_t d = 0; d < directions; ++d) {
      const auto k = static_cast<std::size_t>(l * directions + d);
      run_direction(inputs_[static_cast<std::size_t>(l)], batch, steps, weights_[k], d == 1, output,
                    d * options_.hidden_size, traces_[k]);
    }
  }
  out.resize(shape);
  out.matrix(batch * steps, width) = output;
}

void Recurrent::back_direction(const Matrix& input, const Matrix& grad_output, std::int64_t batch,
                               std::int64_t steps, Direction& w, bool reverse, std::int64_t column,
                               const Trace& trace, Matrix& grad_input) const {
  const std::int64_t h = options_.hidden_size, in = input.cols(), gates = gate_count() * h;
  const auto w_hh = w.weight_hh.value->matrix(gates, h);
  MatrixMap dw_hh = w.weight_hh.grad.matrix(gates, h);
  Matrix grad_projected(batch * steps, gates);
  Matrix dh = Matrix::Zero(batch, h), dc = Matrix::Zero(batch, h), dgh(batch, gates);
  // Per-step intermediates, allocated once: GRU's candidate gradient, LSTM's tanh of the cell.
  Matrix step_scratch(batch, h);
  const Matrix zero_cell = Matrix::Zero(batch, h);  // the LSTM cell before the first step
  for (std::int64_t s = steps - 1; s >= 0; --s) {
    const std::int64_t t = reverse ? steps - 1 - s : s;
    const auto k = static_cast<std::size_t>(s);
    dh += step_rows(grad_output, batch, steps, t, column, h);
    const Matrix& g = trace.gates[k];
    auto dgi = step_rows(grad_projected, batch, steps, t, 0, gates);
    if (cell_ == Cell::gru) {
      const auto r = g.leftCols(h).array(), z = g.middleCols(h, h).array();
      const auto n = g.rightCols(h).array();
      Matrix& da_n = step_scratch;
      da_n = (dh.array() * (1.0f - z) * (1.0f - n * n)).matrix();
      dgi.leftCols(h) = (da_n.array() * trace.extra[k].array() * r * (1.0f - r)).matrix();
      dgi.middleCols(h, h) =
          (dh.array() * (trace.previous[k].array() - n) * z * (1.0f - z)).matrix();
      dgi.rightCols(h) = da_n;
      dgh.leftCols(2 * h) = dgi.leftCols(2 * h);
      dgh.rightCols(h) = (da_n.array() * r).matrix();
      dh = (dh.array() * z).matrix();
    } else {
      const auto i = g.leftCols(h).array(), f = g.middleCols(h, h).array();
      const auto gg = g.middleCols(2 * h, h).array(), o = g.rightCols(h).array();
      step_scratch = trace.extra[k].array().tanh().matrix();
      const auto tc = step_scratch.array();
      dc.array() += dh.array() * o * (1.0f - tc * tc);
      const auto previous_cell = (s > 0 ? trace.extra[k - 1] : zero_cell).array();
      dgh.leftCols(h) = (dc.array() * gg * i * (1.0f - i)).matrix();
      dgh.middleCols(h, h) = (dc.array() * previous_cell * f * (1.0f - f)).matrix();
      dgh.middleCols(2 * h, h) = (dc.array() * i * (1.0f - gg * gg)).matrix();
      dgh.rightCols(h) = (dh.array() * tc * o * (1.0f - o)).matrix();
      dgi = dgh;
      dc = (dc.array() * f).matrix();
      dh.setZero();
    }
    dw_hh.noalias() += dgh.transpose() * trace.previous[k];
    w.bias_hh.grad.matrix(1, gates) += dgh.colwise().sum();
    dh.noalias() += dgh * w_hh;
  }
  w.weight_ih.grad.matrix(gates, in).noalias() += grad_projected.transpose() * input;
  w.bias_ih.grad.matrix(1, gates) += grad_projected.colwise().sum();
  grad_input.noalias() += grad_projected * w.weight_ih.value->matrix(gates, in);
}

void Recurrent::backward(const Tensor& in, const Tensor&, const Tensor& grad_out, Tensor& grad_in) {
  const std::int64_t batch = in.dim(0), steps = in.dim(1), directions = options_.directions();
  Matrix grad_output = grad_out.matrix(batch * steps, directions * options_.hidden_size);
  for (std::int64_t l = options_.num_layers - 1; l >= 0; --l) {
    const Matrix& input = inputs_[static_cast<std::size_t>(l)];
    Matrix grad_input = Matrix::Zero(batch * steps, input.cols());
    for (std::int64_t d = 0; d < directions; ++d) {
      const auto k = static_cast<std::size_t>(l * directions + d);
      back_direction(input, grad_output, batch, steps, weights_[k], d == 1,
                     d * options_.hidden_size, traces_[k], grad_input);
    }
    grad_output = std::move(grad_input);
  }
  grad_in.resize(in.shape());
  grad_in.matrix(batch * steps, options_.input_size) = grad_output;
}

void Recurrent::collect(std::vector<Parameter*>& parameters, std::vector<Buffer>&) {
  for (Direction& d : weights_) {
    for (Parameter* p : {&d.weight_ih, &d.weight_hh, &d.bias_ih, &d.bias_hh})
      parameters.push_back(p);
  }
}

std::unique_ptr<TrainLayer> Recurrent::replicate() const {
  std::vector<Direction> copies;
  for (const Direction& d : weights_) {
    copies.push_back({fresh_copy(d.weight_ih), fresh_copy(d.weight_hh), fresh_copy(d.bias_ih),
                      fresh_copy(d.bias_hh)});
  }
  auto copy = std::make_unique<Recurrent>(cell_, options_, std::move(copies));
  copy->frozen_ = frozen_;
  return copy;
}

namespace {

// PyTorch's initialisation: every tensor uniform in ±1/√H.
std::unique_ptr<TrainLayer> trainable_recurrent(const LoadContext& c, Builder& builder,
                                                Recurrent::Cell cell) {
  const RecurrentOptions o = read_recurrent_options(c);
  const std::int64_t gates = (cell == Recurrent::Cell::gru ? 3 : 4) * o.hidden_size;
  const double bound = 1.0 / std::sqrt(static_cast<double>(o.hidden_size));
  std::vector<Recurrent::Direction> weights;
  for (std::int64_t l = 0; l < o.num_layers; ++l) {
    for (std::int64_t d = 0; d < o.directions(); ++d) {
      const std::string suffix = "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
      const std::int64_t width = l == 0 ? o.input_size : o.directions() * o.hidden_size;
      weights.push_back({builder.take(c, "weight_ih" + suffix, {gates, width}, bound),
                         builder.take(c, "weight_hh" + suffix, {gates, o.hidden_size}, bound),
                         builder.take(c, "bias_ih" + suffix, {gates}, bound, false),
                         builder.take(c, "bias_hh" + suffix, {gates}, bound, false)});
    }
  }
  return std::make_unique<Recurrent>(cell, o, std::move(weights));
}

}  // namespace

std::unique_ptr<TrainLayer> trainable_gru(const LoadContext& c, Builder& builder) {
  return trainable_recurrent(c, builder, Recurrent::Cell::gru);
}

std::unique_ptr<TrainLayer> trainable_lstm(const LoadContext& c, Builder& builder) {
  return trainable_recurrent(c, builder, Recurrent::Cell::lstm);
}

}  // namespace mirkit::nn::train
