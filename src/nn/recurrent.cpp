#include "mirkit/nn/recurrent.hpp"

#include "definitions.hpp"
#include "mirkit/core/error.hpp"

namespace mirkit::nn {

Shape recurrent_output_shape(const RecurrentOptions& options, const Shape& input) {
  if (input.size() != 3 || input[2] != options.input_size) {
    throw Error("expects (N, T, " + std::to_string(options.input_size) + "), got " +
                to_string(input));
  }
  if (input[1] < 1) throw Error("needs at least one time step");
  return {input[0], input[1], options.directions() * options.hidden_size};
}

RecurrentOptions read_recurrent_options(const LoadContext& context) {
  RecurrentOptions o;
  o.input_size = context.integer("input_size");
  o.hidden_size = context.integer("hidden_size");
  o.num_layers = context.integer("num_layers");
  o.bidirectional = context.boolean("bidirectional");
  return o;
}

std::vector<RecurrentWeights> read_recurrent_weights(const LoadContext& context,
                                                     const RecurrentOptions& o,
                                                     std::int64_t gates) {
  std::vector<RecurrentWeights> out;
  const std::int64_t rows = gates * o.hidden_size;
  for (std::int64_t layer = 0; layer < o.num_layers; ++layer) {
    const std::int64_t in = layer == 0 ? o.input_size : o.directions() * o.hidden_size;
    for (std::int64_t d = 0; d < o.directions(); ++d) {
      // PyTorch's state_dict names: weight_ih_l0, weight_hh_l0_reverse, …
      const std::string suffix = "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "");
      const Tensor w_ih = context.weight("weight_ih" + suffix, {rows, in});
      const Tensor w_hh = context.weight("weight_hh" + suffix, {rows, o.hidden_size});
      const Tensor b_ih = context.weight("bias_ih" + suffix, {rows});
      const Tensor b_hh = context.weight("bias_hh" + suffix, {rows});
      RecurrentWeights w;
      w.input_t = w_ih.matrix(rows, in).transpose();
      w.hidden_t = w_hh.matrix(rows, o.hidden_size).transpose();
      w.input_bias = b_ih.matrix(1, rows);
      w.hidden_bias = b_hh.matrix(1, rows);
      out.push_back(std::move(w));
    }
  }
  return out;
}

ParamSchema recurrent_schema() {
  return {{"input_size", ParamType::integer, nullptr, "features per time step", 1},
          {"hidden_size", ParamType::integer, nullptr, "state size per direction", 1},
          {"num_layers", ParamType::integer, 1, "stacked layers", 1},
          {"bidirectional", ParamType::boolean, false, "add a reverse-time pass"}};
}

}  // namespace mirkit::nn
