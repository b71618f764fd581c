#include "mirkit/nn/batch_norm.hpp"

#include <cmath>

#include "definitions.hpp"
#include "mirkit/core/error.hpp"
#include "train/factories.hpp"

namespace mirkit::nn {

BatchNorm BatchNorm::from_statistics(const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                                     const Tensor& var, double eps) {
  const std::int64_t channels = gamma.size();
  Eigen::VectorXf scale(channels), shift(channels);
  for (std::int64_t c = 0; c < channels; ++c) {
    // In double: the fold must not add more rounding than PyTorch's own evaluation.
    const double s = gamma.data()[c] / std::sqrt(static_cast<double>(var.data()[c]) + eps);
    scale[c] = static_cast<float>(s);
    shift[c] = static_cast<float>(beta.data()[c] - mean.data()[c] * s);
  }
  return BatchNorm(scale, shift);
}

Shape BatchNorm::output_shape(const Shape& input) const {
  if (input.size() < 2 || input[1] != scale_.size()) {
    throw Error("expects (N, " + std::to_string(scale_.size()) + ", ...), got " + to_string(input));
  }
  return input;
}

void BatchNorm::forward(const Tensor& in, Tensor& out) const {
  out.resize(output_shape(in.shape()));
  const std::int64_t channels = scale_.size();
  const std::int64_t inner = in.size() / (in.dim(0) * channels);
  auto source = in.matrix(in.dim(0) * channels, inner);
  auto target = out.matrix(in.dim(0) * channels, inner);
  for (std::int64_t row = 0; row < source.rows(); ++row) {
    const std::int64_t c = row % channels;
    target.row(row) = source.row(row).array() * scale_[c] + shift_[c];
  }
}

LayerDefinition batch_norm_definition() {
  return {"batch_norm",
          "batch norm in eval mode over axis 1 (torch.nn.BatchNorm1d/2d); folded into a preceding "
          "convolution",
          {{"num_features", ParamType::integer, nullptr, "channels", 1},
           {"eps", ParamType::number, 1e-5, "added to the running variance", 0}},
          {},
          [](const LoadContext& context) -> std::unique_ptr<Layer> {
            const std::int64_t c = context.integer("num_features");
            return std::make_unique<BatchNorm>(BatchNorm::from_statistics(
                context.weight("weight", {c}), context.weight("bias", {c}),
                context.weight("running_mean", {c}), context.weight("running_var", {c}),
                context.number("eps")));
          },
          train::trainable_batch_norm};
}

}  // namespace mirkit::nn
