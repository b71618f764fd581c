#include "mirkit/nn/lstm.hpp"

#include "definitions.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Lstm::Lstm(const RecurrentOptions& options, std::vector<RecurrentWeights> weights)
    : options_(options), weights_(std::move(weights)) {}

Shape Lstm::output_shape(const Shape& input) const {
  return recurrent_output_shape(options_, input);
}

void Lstm::forward(const Tensor& in, Tensor& out) const {
  const Shape shape = output_shape(in.shape());
  const std::int64_t n = in.dim(0), steps = in.dim(1), h = options_.hidden_size;
  const std::int64_t directions = options_.directions(), width = directions * h;
  Tensor layer_in = in, layer_out;
  Matrix projected, gates(n, 4 * h), state(n, h);
  Eigen::ArrayXXf cell(n, h);
  const auto sigmoid = [](const auto& v) { return 1.0f / (1.0f + (-v).exp()); };
  for (std::int64_t layer = 0; layer < options_.num_layers; ++layer) {
    const std::int64_t in_size = layer_in.dim(2);
    layer_out.resize(shape);
    for (std::int64_t d = 0; d < directions; ++d) {
      const RecurrentWeights& w = weights_[static_cast<std::size_t>(layer * directions + d)];
      projected.noalias() = layer_in.matrix(n * steps, in_size) * w.input_t;
      projected.rowwise() += w.input_bias;
      state.setZero();
      cell.setZero();
      for (std::int64_t s = 0; s < steps; ++s) {
        const std::int64_t t = d == 1 ? steps - 1 - s : s;
        // Time step t of every item: rows t, t + steps, … of the projections.
        const StridedRows x(projected.data() + t * 4 * h, n, 4 * h, Stride(steps * 4 * h, 1));
        gates.noalias() = state * w.hidden_t;
        gates += x;
        gates.rowwise() += w.hidden_bias;
        const auto g = gates.array();
        cell = sigmoid(g.middleCols(h, h)) * cell +
               sigmoid(g.leftCols(h)) * g.middleCols(2 * h, h).tanh();
        state = (sigmoid(g.rightCols(h)) * cell.tanh()).matrix();
        MutableStridedRows(layer_out.data() + t * width + d * h, n, h, Stride(steps * width, 1)) =
            state;
      }
    }
    std::swap(layer_in, layer_out);
  }
  out = std::move(layer_in);
}

LayerDefinition lstm_definition() {
  return {"lstm",
          "LSTM over (N, T, F), batch first (torch.nn.LSTM)",
          recurrent_schema(),
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const RecurrentOptions o = read_recurrent_options(context);
            return std::make_unique<Lstm>(o, read_recurrent_weights(context, o, 4));
          },
          train::trainable_lstm};
}

}  // namespace mirkit::nn
