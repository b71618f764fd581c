#include "mirkit/nn/gru.hpp"

#include "definitions.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

Gru::Gru(const RecurrentOptions& options, std::vector<RecurrentWeights> weights)
    : options_(options), weights_(std::move(weights)) {}

Shape Gru::output_shape(const Shape& input) const {
  return recurrent_output_shape(options_, input);
}

void Gru::forward(const Tensor& in, Tensor& out) const {
  const Shape shape = output_shape(in.shape());
  const std::int64_t n = in.dim(0), steps = in.dim(1), h = options_.hidden_size;
  const std::int64_t directions = options_.directions(), width = directions * h;
  Tensor layer_in = in, layer_out;
  Matrix projected, recurrent(n, 3 * h), state(n, h);
  Eigen::ArrayXXf reset(n, h), update(n, h), candidate(n, h);
  for (std::int64_t layer = 0; layer < options_.num_layers; ++layer) {
    const std::int64_t in_size = layer_in.dim(2);
    layer_out.resize(shape);
    for (std::int64_t d = 0; d < directions; ++d) {
      const RecurrentWeights& w = weights_[static_cast<std::size_t>(layer * directions + d)];
      projected.noalias() = layer_in.matrix(n * steps, in_size) * w.input_t;
      projected.rowwise() += w.input_bias;
      state.setZero();
      for (std::int64_t s = 0; s < steps; ++s) {
        const std::int64_t t = d == 1 ? steps - 1 - s : s;
        recurrent.noalias() = state * w.hidden_t;
        recurrent.rowwise() += w.hidden_bias;
        // Time step t of every item: rows t, t + steps, … of the projections.
        const StridedRows x(projected.data() + t * 3 * h, n, 3 * h, Stride(steps * 3 * h, 1));
        reset = 1.0f / (1.0f + (-(x.leftCols(h) + recurrent.leftCols(h)).array()).exp());
        update = 1.0f / (1.0f + (-(x.middleCols(h, h) + recurrent.middleCols(h, h)).array()).exp());
        candidate = (x.rightCols(h).array() + reset * recurrent.rightCols(h).array()).tanh();
        state = ((1.0f - update) * candidate + update * state.array()).matrix();
        MutableStridedRows(layer_out.data() + t * width + d * h, n, h, Stride(steps * width, 1)) =
            state;
      }
    }
    std::swap(layer_in, layer_out);
  }
  out = std::move(layer_in);
}

LayerDefinition gru_definition() {
  return {"gru",
          "GRU over (N, T, F), batch first (torch.nn.GRU)",
          recurrent_schema(),
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const RecurrentOptions o = read_recurrent_options(context);
            return std::make_unique<Gru>(o, read_recurrent_weights(context, o, 3));
          },
          train::trainable_gru};
}

}  // namespace mirkit::nn
