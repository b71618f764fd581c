#include "mirkit/nn/layer_norm.hpp"

#include <algorithm>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

LayerNorm::LayerNorm(const Tensor& gamma, const Tensor& beta, float eps)
    : gamma_(gamma.matrix(1, gamma.size())), beta_(beta.matrix(1, beta.size())), eps_(eps) {}

Shape LayerNorm::output_shape(const Shape& input) const {
  if (input.size() < 2 || input.back() != gamma_.size()) {
    throw Error("expects (..., " + std::to_string(gamma_.size()) + "), got " + to_string(input));
  }
  return input;
}

void LayerNorm::apply(MatrixMap values) const {
  const float count = static_cast<float>(values.cols());
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    auto row = values.row(r).array();
    const float mean = row.sum() / count;
    row -= mean;
    const float variance = row.square().sum() / count;
    row = row * (gamma_.array() / std::sqrt(variance + eps_)) + beta_.array();
  }
}

void LayerNorm::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  std::copy(in.values().begin(), in.values().end(), out.values().begin());
  const std::int64_t f = gamma_.size();
  apply(out.matrix(out.size() / f, f));
}

LayerDefinition layer_norm_definition() {
  return {"layer_norm",
          "normalises the last axis (torch.nn.LayerNorm)",
          {{"normalized_shape", ParamType::integer, nullptr, "size of the last axis", 1},
           {"eps", ParamType::number, 1e-5, "added to the variance", 0}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t f = context.integer("normalized_shape");
            return std::make_unique<LayerNorm>(context.weight("weight", {f}),
                                               context.weight("bias", {f}),
                                               static_cast<float>(context.number("eps")));
          },
          train::trainable_layer_norm};
}

}  // namespace mirkit::nn
